"""Debian's nginx in front of a live web process, running the shipped proxy configuration.

``deploy/nginx/icms.conf`` (and the ``icms-proxy.inc`` it includes) are copied into a
directory of the test's own with only what must differ on a test machine changed: the
listening ports (free ports on 127.0.0.1 instead of 80 and 443), the upstream (the test's
gunicorn instead of ``web:8000``), the certificate (a self-signed one for 127.0.0.1, made
here) and the include path. Each of those lines must be found exactly once, so a change
to the shipped file that the test cannot follow fails loudly instead of testing
something else. nginx runs in the foreground, never as root (as ``nobody`` when the
test runs as root), with its pid file, logs and temporary files in that directory.
"""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.faults.processes import ROOT, accepts_connections, free_port, start, stop, tls_certificate, wait_until

DEPLOY = ROOT / "deploy" / "nginx"


@dataclass
class ReverseProxy:
    """A running nginx: ``https`` is its TLS address, ``http`` the one that redirects."""

    process: subprocess.Popen[bytes]
    directory: Path
    http: str
    https: str
    tls: ssl.SSLContext  # trusts this proxy's certificate

    def error_log(self) -> str:
        return (self.directory / "error.log").read_text(errors="replace")

    def stop(self) -> None:
        stop(self.process)
        shutil.rmtree(self.directory, ignore_errors=True)


def _replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"deploy/nginx/icms.conf no longer has {old!r} exactly once"
    return text.replace(old, new)


def start_nginx(*, upstream_port: int, log: Path) -> ReverseProxy:
    """nginx with the shipped configuration in front of ``127.0.0.1:upstream_port``."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    # Not pytest's tmp_path: its parents are private to root, and nginx runs as nobody.
    directory = Path(tempfile.mkdtemp(prefix="icms-faults-nginx-"))
    http_port, https_port = free_port(), free_port()
    # As the two Docker secrets would hold it; valid for 127.0.0.1, the address the tests use.
    certificate, private_key = tls_certificate(directory)
    shutil.copy(DEPLOY / "icms-proxy.inc", directory / "icms-proxy.inc")
    site = (DEPLOY / "icms.conf").read_text()
    for old, new in (
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https_port} ssl http2 default_server;"),
        ("/run/secrets/tls_certificate;", f"{certificate};"),
        ("/run/secrets/tls_private_key;", f"{private_key};"),
        ("include /etc/nginx/icms/icms-proxy.inc;", f"include {directory}/icms-proxy.inc;"),
    ):
        site = _replace_once(site, old, new)
    (directory / "icms.conf").write_text(site)
    (directory / "nginx.conf").write_text(
        f"""daemon off;
worker_processes 1;
pid {directory}/nginx.pid;
error_log {directory}/error.log notice;
events {{ worker_connections 256; }}
http {{
    access_log {directory}/access.log;
    client_body_temp_path {directory}/client_body;
    proxy_temp_path {directory}/proxy;
    fastcgi_temp_path {directory}/fastcgi;
    uwsgi_temp_path {directory}/uwsgi;
    scgi_temp_path {directory}/scgi;
    include {directory}/icms.conf;
}}
"""
    )
    argv = [nginx, "-e", f"{directory}/error.log", "-p", f"{directory}/", "-c", f"{directory}/nginx.conf"]
    if os.geteuid() == 0:
        for path in [directory, *directory.iterdir()]:
            shutil.chown(path, "nobody", "nogroup")
        argv = ["runuser", "-u", "nobody", "--", *argv]
    process = start(argv, log=log)
    try:
        wait_until(
            lambda: accepts_connections(https_port) and accepts_connections(http_port),
            seconds=15,
            process=process,
            log=directory / "error.log",
            what="nginx",
        )
    except BaseException:
        stop(process)
        raise
    tls = ssl.create_default_context(cafile=str(certificate))
    return ReverseProxy(process, directory, f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", tls)
