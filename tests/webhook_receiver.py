"""A real HTTP receiver of webhooks for tests, on 127.0.0.1 in a thread, and the receiver's check of a signature.

``verify`` is what docs/webhooks.md tells receivers to do (Standard Webhooks): the
signature over ``{webhook-id}.{webhook-timestamp}.{body}`` with the base64 key after
``whsec_``, and a timestamp within 300 s.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE = 300


def verify(*, secret: str, headers: dict[str, str], body: bytes, now: float | None = None) -> bool:
    """True if ``body`` was signed with ``secret`` and sent less than 300 s from ``now``."""
    try:
        event_id, timestamp = headers["webhook-id"], headers["webhook-timestamp"]
        signatures = headers["webhook-signature"].split()
        if abs((now if now is not None else time.time()) - int(timestamp)) > TOLERANCE:
            return False
    except (KeyError, ValueError):
        return False
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = base64.b64encode(
        hmac.new(key, f"{event_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    ).decode()
    return any(
        hmac.compare_digest(signature.removeprefix("v1,"), expected)
        for signature in signatures
        if signature.startswith("v1,")
    )


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    #: When it arrived (Unix seconds, by the clock the test may have moved): a receiver checks then.
    at: float = 0.0

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the receiver got; ``answers`` are the statuses it gives, in turn (then 200)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answers: deque[int] = field(default_factory=deque)

    def answer(self, *statuses: int) -> None:
        self.answers.extend(statuses)


@contextmanager
def webhook_receiver(path: str = "/hooks/icms") -> Iterator[Receiver]:
    """A receiver listening on a free port of 127.0.0.1 for the ``with`` block."""
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            receiver.received.append(Received(path=self.path, headers=headers, body=body, at=time.time()))
            status = receiver.answers.popleft() if receiver.answers else 200
            answer = b"thanks" if status < 300 else b"receiver unwell " + b"x" * 2000
            self.send_response(status)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
