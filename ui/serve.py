"""GET /ui: the web page that shows what the service finds (ui/index.html, app.js, app.css).

An ASGI middleware, like front/http.py's HealthEndpoint, so BentoML's own routes and
Swagger stay as they are. The files are read once at start-up from this folder; the
page loads nothing else (its Content-Security-Policy forbids any other origin), so it
works on an air-gapped server.

Security: the page follows the API's rule. With FACE_API_KEY unset it is open, like
the API. With a key set, /ui answers 401 unless the request carries a key, given the
API's way (X-API-Key or Authorization: Bearer) or, because a browser cannot add a
header to a page it opens, as the password of HTTP Basic authentication (any user
name): the 401 asks for Basic, so the browser shows its log-in prompt. The page then
sends the key it is given in its own "API key" field with every API call, as X-API-Key.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path

from starlette.responses import RedirectResponse, Response

from analyzers.face_analysis import ATTRIBUTES, Options
from security import ApiKeyMiddleware

# a child of BentoML's logger, so the line shows in `bentoml serve`'s log at INFO
log = logging.getLogger("bentoml.face_analysis.ui")
HERE = Path(__file__).resolve().parent
FILES = {"index.html": "text/html; charset=utf-8",
         "app.js": "text/javascript; charset=utf-8",
         "gallery.js": "text/javascript; charset=utf-8",
         "app.css": "text/css; charset=utf-8"}
# made at start-up from the task table, so a new per-face classifier gets its check box
CHOICES = "attributes.json"
# nothing from another origin; photos are shown from blob: URLs, crops from data: URLs
POLICY = ("default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; "
          "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")


def attribute_choices() -> bytes:
    """The attributes /analyze takes, in its order, and those it answers by default."""
    return json.dumps({"attributes": list(ATTRIBUTES),
                       "default": list(Options().attributes)}).encode()


class _PageKey(ApiKeyMiddleware):
    """The API's key check, also taking the key as a Basic password, and asking the
    browser for it (WWW-Authenticate: Basic) when it is missing or wrong."""

    def _given(self, scope) -> bytes | None:
        headers = dict(scope.get("headers") or [])
        scheme, _, token = headers.get(b"authorization", b"").strip().partition(b" ")
        if scheme.lower() == b"basic":
            try:
                return base64.b64decode(token.strip(), validate=True).partition(b":")[2] or None
            except ValueError:
                return None
        return super()._given(scope)

    async def __call__(self, scope, receive, send):
        async def basic(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                message = dict(message, headers=[
                    (k, v) for k, v in message["headers"] if k.lower() != b"www-authenticate"
                ] + [(b"www-authenticate", b'Basic realm="face-analysis", charset="UTF-8"')])
            await send(message)

        await super().__call__(scope, receive, basic)


class UiPages:
    """Serves GET /ui (and /ui/<file>) ahead of the application; every other request
    passes through untouched."""

    def __init__(self, app, keys=()):
        self.app = app
        self.files = {name: (HERE / name).read_bytes() for name in FILES}
        self.files[CHOICES] = attribute_choices()
        self.pages = _PageKey(self._serve, keys) if keys else self._serve
        log.info("web page: /ui on this server (with `bentoml serve`'s default port: "
                 "http://localhost:3000/ui)%s",
                 "; FACE_API_KEY is set: the browser asks for it (any user name, the key "
                 "as password)" if keys else "")

    async def __call__(self, scope, receive, send):
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if path == "/ui" or path.startswith("/ui/"):
            await self.pages(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _serve(self, scope, receive, send):
        name = scope["path"][len("/ui/"):] or "index.html"
        if scope["method"] not in ("GET", "HEAD"):
            response = Response(b'{"detail":"the page takes GET"}', 405,
                                {"Allow": "GET, HEAD"}, "application/json")
        elif scope["path"] == "/ui":
            # the page's relative links (app.js, app.css) need the trailing slash
            response = RedirectResponse("/ui/", 308)
        elif name in self.files:
            response = Response(self.files[name], 200, {
                "Content-Security-Policy": POLICY, "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-cache", "Referrer-Policy": "no-referrer"},
                FILES.get(name, "application/json"))
        else:
            response = Response(b'{"detail":"no such page"}', 404,
                                media_type="application/json")
        await response(scope, receive, send)
