"""One error shape: every 4xx answer is JSON `{"detail": str, "code": str}`.

The project's own refusals already have it (front/http.py `error`, security.py).
The answers it does not write itself - BentoML's 400 for a form field of the wrong
type (`{"error": ..., "detail": [pydantic's list]}`), its `[{"error": ...}]` for a
BadInput, Starlette's plain-text 404 and 405 - are rewritten here, as the last
step before they leave (an ASGI middleware, outermost of the service's own).
Headers stay (WWW-Authenticate, CORS); an HTML page (the web UI's) is left alone.
An exception raised inside a middleware before any answer is a logged 500 in the same
shape: BentoML's server otherwise leaves that connection open, unanswered.
"""

from __future__ import annotations

import json
import logging

LOGGER = logging.getLogger(__name__)

#: The code of an answer that names none, by status.
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 408: "request_timeout", 409: "conflict",
         411: "length_required", 413: "too_large", 415: "unsupported_media_type",
         422: "unprocessable", 429: "too_many_requests"}
#: A 4xx body larger than this is passed on as it is (none of ours comes near it).
MAX_REWRITTEN = 1 << 20


def _sentence(item) -> str:
    """One pydantic error ({"loc", "msg", "type"}) as `field: message (type)`."""
    if not isinstance(item, dict):
        return str(item)
    loc = ".".join(str(part) for part in item.get("loc") or () if part != "body")
    message = str(item.get("msg", "")).strip()
    kind = item.get("type")
    return f"{loc + ': ' if loc else ''}{message}{f' ({kind})' if kind else ''}"


def shaped(status: int, body: bytes, content_type: str) -> dict | None:
    """The `{"detail", "code"}` answer for a 4xx `body`, or None when it has that shape."""
    value = None
    if "json" in content_type:
        try:
            value = json.loads(body)
        except (ValueError, RecursionError):
            value = None
    if isinstance(value, dict) and isinstance(value.get("detail"), str) \
            and isinstance(value.get("code"), str):
        return None
    code = CODES.get(status, "client_error")
    if isinstance(value, list) and len(value) == 1:  # BentoML's BadInput: [{"error": ...}]
        value = value[0]
    if isinstance(value, dict):
        detail = value.get("detail")
        if isinstance(detail, list):  # pydantic's errors: BentoML's validation 400
            detail = "; ".join(_sentence(item) for item in detail[:10]) \
                + (f"; and {len(detail) - 10} more" if len(detail) > 10 else "")
            code = "invalid_field"
        elif not isinstance(detail, str):
            detail = value.get("error") if isinstance(value.get("error"), str) else None
        if isinstance(value.get("code"), str):
            code = value["code"]
        return {"detail": detail or f"HTTP {status}", "code": code}
    text = body.decode("utf-8", "replace").strip()[:500]
    return {"detail": text or f"HTTP {status}", "code": code}


class ErrorShape:
    """ASGI middleware: rewrites 4xx answers that are not `{"detail", "code"}`."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: dict = {}
        sent_start = False

        async def reshape(message):
            nonlocal sent_start
            if message["type"] == "http.response.start":
                sent_start = True
                status = message["status"]
                headers = dict(message.get("headers") or [])
                kind = headers.get(b"content-type", b"").decode("latin-1").lower()
                if 400 <= status < 500 and "text/html" not in kind \
                        and scope.get("method") != "HEAD":
                    held.update(start=message, body=bytearray(), kind=kind)
                    return
            elif message["type"] == "http.response.body" and "start" in held:
                held["body"] += message.get("body", b"")
                if len(held["body"]) > MAX_REWRITTEN:  # not ours: pass it on unchanged
                    start, data = held.pop("start"), bytes(held.pop("body"))
                    await send(start)
                    await send({**message, "body": data})
                    return
                if message.get("more_body"):
                    return
                await self._finish(send, held.pop("start"), bytes(held.pop("body")),
                                   held["kind"])
                return
            await send(message)

        try:
            await self.app(scope, receive, reshape)
        except Exception:
            if sent_start and "start" not in held:
                raise  # the answer has begun: the server closes the connection
            LOGGER.exception("%s %s failed inside the service's middleware",
                             scope.get("method"), scope.get("path"))
            await self._internal_error(send)

    @staticmethod
    async def _internal_error(send):
        body = json.dumps({"detail": "internal error: the server logged it",
                           "code": "internal_error"}).encode()
        await send({"type": "http.response.start", "status": 500,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    @staticmethod
    async def _finish(send, start, body, kind):
        answer = shaped(start["status"], body, kind)
        if answer is not None:
            body = json.dumps(answer).encode()
            headers = [(k, v) for k, v in start.get("headers") or []
                       if k.lower() not in (b"content-length", b"content-type")]
            start = {**start, "headers": headers + [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode())]}
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": False})
