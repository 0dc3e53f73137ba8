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

import datetime
import ipaddress
import os
import shutil
import ssl
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.faults.processes import ROOT, accepts_connections, free_port, start, stop, wait_until

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


def _certificate(directory: Path) -> None:
    """A self-signed certificate for 127.0.0.1, as the two Docker secrets would hold."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    (directory / "tls_certificate").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (directory / "tls_private_key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )


def start_nginx(*, upstream_port: int, log: Path) -> ReverseProxy:
    """nginx with the shipped configuration in front of ``127.0.0.1:upstream_port``."""
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if os.path.exists("/usr/sbin/nginx") else None)
    if nginx is None:
        pytest.skip("nginx is not installed (apt-get install nginx; .ci/run does)")
    # Not pytest's tmp_path: its parents are private to root, and nginx runs as nobody.
    directory = Path(tempfile.mkdtemp(prefix="icms-faults-nginx-"))
    http_port, https_port = free_port(), free_port()
    shutil.copy(DEPLOY / "icms-proxy.inc", directory / "icms-proxy.inc")
    site = (DEPLOY / "icms.conf").read_text()
    for old, new in (
        ("server web:8000;", f"server 127.0.0.1:{upstream_port};"),
        ("listen 80 default_server;", f"listen 127.0.0.1:{http_port} default_server;"),
        ("listen 443 ssl http2 default_server;", f"listen 127.0.0.1:{https_port} ssl http2 default_server;"),
        ("/run/secrets/tls_certificate;", f"{directory}/tls_certificate;"),
        ("/run/secrets/tls_private_key;", f"{directory}/tls_private_key;"),
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
    _certificate(directory)
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
    tls = ssl.create_default_context(cafile=str(directory / "tls_certificate"))
    return ReverseProxy(process, directory, f"http://127.0.0.1:{http_port}", f"https://127.0.0.1:{https_port}", tls)
