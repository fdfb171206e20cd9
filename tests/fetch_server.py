"""A small HTTP(S) server on 127.0.0.1 for URL-fetching tests (a thread, not a process).

Paths: /image.jpg (a small JPEG without a face) and any extra files given; /redirect/N (N hops, then the image); /to?url=U (one redirect
to U); /big (streams up to 200 MiB without Content-Length, counting what it
managed to send); /announced-big (Content-Length of 1 GB); /slow-body (drips one
byte every 0.2 s); /slow-headers (drips the header); /status/N; /chunked.
Every request's Host header and path are recorded in ``server.seen``.
"""

from __future__ import annotations

import io
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from PIL import Image


def small_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 80)).save(buffer, "JPEG")
    return buffer.getvalue()


IMAGE = small_jpeg()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):  # quiet
        pass

    def _send(self, status: int, body: bytes = b"", headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 (http.server's naming)
        self.close_connection = True
        server = self.server
        parts = urlsplit(self.path)
        server.seen.append((self.headers.get("Host"), self.path))
        path = parts.path
        if path == "/image.jpg":
            self._send(200, IMAGE, {"Content-Type": "image/jpeg"})
        elif path in server.files:
            self._send(200, server.files[path], {"Content-Type": "application/octet-stream"})
        elif path.startswith("/redirect/"):
            hops = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{hops - 1}" if hops > 1 else "/image.jpg"
            self._send(302, b"", {"Location": target})
        elif path == "/to":
            self._send(302, b"", {"Location": parse_qs(parts.query)["url"][0]})
        elif path == "/status-no-location":
            self._send(301)
        elif path.startswith("/status/"):
            self._send(int(path.rsplit("/", 1)[1]), b"nope")
        elif path == "/announced-big":
            self.send_response(200)
            self.send_header("Content-Length", str(10**9))
            self.end_headers()
            self.wfile.write(b"\xff\xd8\xff" + b"\0" * 1000)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Connection", "close")
            self.end_headers()
            chunk = b"\xff" * (1 << 20)
            try:
                for _ in range(200):
                    self.wfile.write(chunk)
                    server.big_sent += len(chunk)
            except OSError:
                pass
        elif path == "/slow-body":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self._drip(b"x" * 1000)
        elif path == "/slow-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\n")
            self._drip(b"X-Slow: " + b"a" * 1000)
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for start in range(0, len(IMAGE), 1000):
                piece = IMAGE[start:start + 1000]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._send(404, b"not here")

    def _drip(self, data: bytes) -> None:
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                if self.server.stopping.wait(0.2):
                    return
        except OSError:
            pass


class FetchServer:
    def __init__(self, certfile: str | None = None, keyfile: str | None = None,
                 files: dict[str, bytes] | None = None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.files = dict(files or {})
        self.httpd.daemon_threads = True
        self.httpd.seen = []
        self.httpd.big_sent = 0
        self.httpd.stopping = threading.Event()
        self.scheme = "http"
        if certfile:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(certfile, keyfile)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def seen(self) -> list:
        return self.httpd.seen

    @property
    def big_sent(self) -> int:
        return self.httpd.big_sent

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def __enter__(self) -> "FetchServer":
        self.thread.start()
        return self

    def __exit__(self, *_) -> None:
        self.httpd.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        time.sleep(0)
