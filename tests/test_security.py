"""security.py in-process: settings, the multipart check, the guard and the API key
middleware around a tiny ASGI app (the real server is covered by test_robustness.py
and test_secured_server.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from security import ApiKeyMiddleware, RequestGuard, Route, Settings, check_multipart

FILE_ROUTE = Route(multipart=True, file_fields=frozenset({"file"}))


def body(*parts: tuple[bytes, bytes], boundary: bytes = b"b0") -> bytes:
    out = b""
    for disposition, data in parts:
        out += b"--" + boundary + b"\r\nContent-Disposition: " + disposition + b"\r\n\r\n"
        out += data + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


UPLOAD = (b'form-data; name="file"; filename="a.jpg"', b"\xff\xd8\xff" + bytes(5000))


def test_settings_defaults_and_env():
    default = Settings.from_env({})
    assert default.api_keys == () and default.cors_origins == ()
    assert default.max_request_bytes == 3 * 10 * 1024 * 1024 + (1 << 20)
    assert default.request_deadline_s == 30 and default.max_faces == 100
    custom = Settings.from_env({"FACE_API_KEY": " a , b ", "FACE_CORS_ORIGINS": "*",
                                "FACE_MAX_UPLOAD_BYTES": "1000", "FACE_MAX_FIELD_BYTES": "10",
                                "FACE_REQUEST_DEADLINE_S": "2.5", "FACE_MAX_FACES": "7"})
    assert custom.api_keys == ("a", "b") and custom.cors_origins == ("*",)
    assert custom.max_request_bytes == 3000 + (1 << 20)
    assert (custom.max_field_bytes, custom.request_deadline_s, custom.max_faces) == (10, 2.5, 7)
    assert default.model_timeout_s == 18 and custom.model_timeout_s == 1.5
    assert Settings.from_env({"FACE_MODEL_TIMEOUT_S": "4"}).model_timeout_s == 4
    for bad in ({"FACE_MAX_FACES": "5000"}, {"FACE_REQUEST_DEADLINE_S": "soon"},
                {"FACE_MAX_REQUEST_BYTES": "-1"}, {"FACE_REQUEST_DEADLINE_S": "inf"},
                {"FACE_MODEL_TIMEOUT_S": "0"}):
        with pytest.raises(ValueError):
            Settings.from_env(bad)


@pytest.mark.parametrize("data,expected", [
    (body(UPLOAD), None),
    (body(UPLOAD, (b'form-data; name="attributes"', b"age,gender")), None),
    (body(UPLOAD, (b'form-data; name="max_faces"; filename="m.txt"', b"3")), None),
    (body(UPLOAD, (b'form-data; name="max_faces"; filename="m.bin"', b"\xff\xfe")),
     (400, "'max_faces' is not UTF-8")),
    (body((b'form-data; name="file"', b"https://example.com/a.jpg")),
     (400, "must be an uploaded file")),
    (body(UPLOAD, (b'form-data; name="attributes"', b"x" * 65537)),
     (413, "65,537 bytes, the limit is 65,536")),
    (body(*[UPLOAD] * 33), (400, "more than 32 parts")),
    (body((b"attachment", b"x")), (400, "no form-data field name")),
    (body(UPLOAD)[:-8], (400, "closing boundary")),
    (b"--b0\r\nContent-Disposition form-data\r\n\r\n", (400, "malformed")),
    (b"", (400, "closing boundary")),
])
def test_check_multipart(data, expected):
    problem = check_multipart(data, b"b0", FILE_ROUTE, 65536)
    if expected is None:
        assert problem is None
    else:
        assert problem[0] == expected[0] and expected[1] in problem[1], problem


def call(app, path="/analyze", headers=(), chunks=(b"",), method="POST"):
    """Run an ASGI app on one request; (status, json body, response headers, app saw)."""
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
                for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        if messages:
            return messages.pop(0)
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": list(headers),
             "query_string": b""}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(payload), dict(start["headers"])


async def echo_app(scope, receive, send):
    """Answers 200 with the size of the body it read."""
    size = 0
    while True:
        message = await receive()
        size += len(message.get("body", b""))
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": json.dumps({"read": size}).encode()})


GUARD = RequestGuard(echo_app, {"/analyze": FILE_ROUTE, "/analyze-base64": Route(False)},
                     Settings(max_request_bytes=10_000, request_deadline_s=0.5))
MULTIPART = (b"content-type", b"multipart/form-data; boundary=b0")


def test_guard_replays_a_good_body_to_the_app():
    data = body(UPLOAD)
    assert call(GUARD, headers=[MULTIPART], chunks=(data[:100], data[100:]))[:2] == (
        200, {"read": len(data)})
    assert call(GUARD, "/analyze-base64", [(b"content-type", b"application/json")],
                (b"{}",))[:2] == (200, {"read": 2})
    assert call(GUARD, "/health", method="GET")[0] == 200  # not a guarded route


def test_guard_refusals():
    status, answer, headers = call(GUARD, headers=[MULTIPART, (b"content-length", b"99999")])
    assert status == 413 and "99,999 bytes" in answer["detail"]
    assert headers[b"connection"] == b"close"
    status, answer, _ = call(GUARD, headers=[MULTIPART], chunks=(b"x" * 6000, b"x" * 6000))
    assert status == 413 and "more than 10,000 bytes" in answer["detail"]
    status, answer, _ = call(GUARD, headers=[MULTIPART], chunks=(b"--b0\r\n", b"x"))
    assert status == 400 and "multipart" in answer["detail"]
    status, answer, _ = call(GUARD, headers=[(b"content-type", b"application/json")])
    assert status == 415 and "multipart/form-data" in answer["detail"]
    status, answer, _ = call(GUARD, headers=[(b"content-type",
                                              b"application/x-www-form-urlencoded")])
    assert status == 400 and "needs the file upload 'file'" in answer["detail"]
    status, answer, _ = call(GUARD, "/analyze-base64", [MULTIPART])
    assert status == 415 and "JSON body" in answer["detail"]
    status, answer, _ = call(GUARD, headers=[MULTIPART, (b"content-length", b"12x")])
    assert status == 400 and "Content-Length" in answer["detail"]


def test_guard_deadline_for_a_stalled_body():
    sent = []

    async def receive():  # the client never sends its body
        await asyncio.sleep(3600)

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/analyze", "headers": [MULTIPART],
             "query_string": b""}
    asyncio.run(GUARD(scope, receive, send))
    assert sent[0]["status"] == 408
    assert b"within the deadline of 0.5 s" in sent[1]["body"]


def test_api_key_middleware():
    app = ApiKeyMiddleware(echo_app, keys=("k1", "k2"))
    assert call(app, headers=[(b"x-api-key", b"k2")])[0] == 200
    assert call(app, headers=[(b"authorization", b"Bearer k1")])[0] == 200
    status, answer, headers = call(app)
    assert status == 401 and "missing API key" in answer["detail"]
    assert headers[b"www-authenticate"] == b"Bearer"
    assert call(app, headers=[(b"x-api-key", b"k3")])[:2] == (401, {"detail": "invalid API key"})
    assert call(app, headers=[(b"authorization", b"Basic azE6")])[0] == 401
    for path in ("/health", "/livez", "/readyz/", "/healthz", "/metrics"):
        assert call(app, path, method="GET")[0] == 200
    assert call(ApiKeyMiddleware(echo_app, keys=()))[0] == 200  # off without keys
