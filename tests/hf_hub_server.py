"""A stand-in for the Hugging Face Hub on 127.0.0.1 (a thread): the few routes
`huggingface_hub.snapshot_download` uses, serving the files of local folders.

    GET  /api/models/{owner}/{name}/revision/{rev}     repo info: the commit sha
    GET  /api/models/{owner}/{name}/tree/{sha}?...     the file list (one page)
    HEAD /{owner}/{name}/resolve/{sha}/{file}          commit, etag and size
    GET  /{owner}/{name}/resolve/{sha}/{file}          the bytes

Point the client at it with HF_ENDPOINT (read when huggingface_hub is imported,
so in a subprocess). Every request path is recorded in `seen`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class HubStandIn:
    def __init__(self, repos: dict[str, Path]):
        """repos: {"owner/name": folder whose files the repo holds}."""
        self.repos = {repo: Path(folder) for repo, folder in repos.items()}
        self.seen: list[str] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_HEAD(self):
                stand_in._answer(self, body=False)

            def do_GET(self):
                stand_in._answer(self, body=True)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self) -> "HubStandIn":
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def _files(self, repo: str) -> dict[str, Path]:
        folder = self.repos[repo]
        return {p.relative_to(folder).as_posix(): p for p in sorted(folder.rglob("*"))
                if p.is_file()}

    def _answer(self, handler, body: bool) -> None:
        path = unquote(urlsplit(handler.path).path)
        self.seen.append(f"{handler.command} {path}")
        parts = path.strip("/").split("/")
        status, headers, payload = 404, {"X-Error-Code": "EntryNotFound"}, b"{}"
        if parts[:2] == ["api", "models"] and len(parts) >= 6:
            repo = "/".join(parts[2:4])
            if repo not in self.repos:
                headers = {"X-Error-Code": "RepoNotFound"}
            elif parts[4] == "revision":
                status, headers = 200, {}
                payload = json.dumps({
                    "id": repo, "modelId": repo, "sha": COMMIT, "private": False,
                    "siblings": [{"rfilename": name} for name in self._files(repo)],
                }).encode()
            elif parts[4] == "tree":
                status, headers = 200, {}
                payload = json.dumps([
                    {"type": "file", "path": name, "size": file.stat().st_size,
                     "oid": hashlib.sha1(file.read_bytes()).hexdigest()}
                    for name, file in self._files(repo).items()]).encode()
        elif "resolve" in parts:
            at = parts.index("resolve")
            repo, name = "/".join(parts[:at]), "/".join(parts[at + 2:])
            file = self._files(repo).get(name) if repo in self.repos else None
            if file is not None:
                payload = file.read_bytes()
                status = 200
                headers = {"X-Repo-Commit": COMMIT,
                           "ETag": f'"{hashlib.sha1(payload).hexdigest()}"'}
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json" if status != 200 or
                            "resolve" not in parts else "application/octet-stream")
        for key, value in headers.items():
            handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        if body:
            handler.wfile.write(payload)
