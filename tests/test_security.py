"""security.py in-process: settings, the multipart check, the guard and the API key
middleware around a tiny ASGI app (the real server is covered by test_robustness.py
and test_secured_server.py)."""

from __future__ import annotations

import asyncio
import json

import pytest

from front import upload_only
from front.error_shape import ErrorShape, shaped
from security import (ApiKeyMiddleware, RequestGuard, Route, Settings, check_multipart,
                      limit_for)

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
    # a name that is not plain ASCII (issue 29): another decoder could read it as `file`
    (body(UPLOAD, (b'form-data; name="f\x00i\x00l\x00e\x00"', b"http://100.64.0.1/")),
     (400, "not plain ASCII")),
    (body(UPLOAD, (b'form-data; name="fi\xc3\xa9le"', b"x")), (400, "not plain ASCII")),
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
    assert call(app, headers=[(b"x-api-key", b"k3")])[:2] == (
        401, {"detail": "invalid API key", "code": "invalid_api_key"})
    assert call(app, headers=[(b"authorization", b"Basic azE6")])[0] == 401
    for path in ("/health", "/livez", "/readyz/", "/healthz", "/metrics"):
        assert call(app, path, method="GET")[0] == 200
    assert call(ApiKeyMiddleware(echo_app, keys=()))[0] == 200  # off without keys


def test_api_key_header_rules():
    """Each key header at most once; a valid key in either header lets the request in,
    whatever the other one holds (security.py ApiKeyMiddleware)."""
    app = ApiKeyMiddleware(echo_app, keys=("k1",))
    twice = call(app, headers=[(b"x-api-key", b"k1"), (b"x-api-key", b"bad")])
    assert twice[0] == 400 and twice[1]["code"] == "duplicate_header"
    assert call(app, headers=[(b"authorization", b"Bearer k1"),
                              (b"authorization", b"Bearer k1")])[0] == 400
    for headers in ([(b"x-api-key", b""), (b"authorization", b"Bearer k1")],
                    [(b"x-api-key", b"wrong"), (b"authorization", b"Bearer k1")],
                    [(b"x-api-key", b"k1"), (b"authorization", b"Bearer wrong")],
                    [(b"x-api-key", b"k1"), (b"authorization", b"Basic abc")]):
        assert call(app, headers=headers)[0] == 200, headers
    assert call(app, headers=[(b"x-api-key", b"x"), (b"authorization", b"Bearer y")])[0] == 401
    assert call(app, headers=[(b"x-api-key", b"")])[1]["code"] == "missing_api_key"


@pytest.mark.parametrize("charset,status", [("utf-16-le", 400), ("utf-16", 400),
                                            ("latin-1", 400), ("no-such", 400),
                                            ("UTF-8", 200), ('"utf8"', 200), ("us-ascii", 200)])
def test_guard_takes_only_a_utf8_or_ascii_multipart_charset(charset, status):
    header = (b"content-type", f"multipart/form-data; boundary=b0; charset={charset}".encode())
    answer = call(GUARD, headers=[header], chunks=(body(UPLOAD),))
    assert answer[0] == status, answer
    if status == 400:
        assert answer[1]["code"] == "bad_charset"


def test_each_route_bounds_its_body_by_its_images():
    settings = Settings()  # 10 MiB uploads
    json_one, why = limit_for(Route(False, path="/analyze-base64"), settings)
    assert json_one == 4 * ((10 * 1024 * 1024 + 2) // 3) + (1 << 20)
    assert "base64 of the image limit of 10.0 MiB" in why
    assert limit_for(Route(False, images=2), settings)[0] == 2 * json_one - (1 << 20)
    assert limit_for(Route(False, image_bytes=1000), settings)[0] == 1336 + (1 << 20)
    multipart = limit_for(Route(True, file_fields=frozenset({"file"})), settings)[0]
    assert 10 * 1024 * 1024 < multipart < settings.max_request_bytes
    small = Settings(max_request_bytes=5000)  # FACE_MAX_REQUEST_BYTES lower: it wins
    assert limit_for(Route(False), small) == (5000, "FACE_MAX_REQUEST_BYTES")
    guard = RequestGuard(echo_app, {"/j": Route(False, path="/j", image_bytes=3000)},
                         Settings(max_request_bytes=10_000_000))
    limit = 4000 + (1 << 20)
    status, answer, _ = call(guard, "/j", [(b"content-type", b"application/json"),
                                           (b"content-length", str(limit + 1).encode())])
    assert status == 413 and f"the limit for /j is {limit:,} bytes" in answer["detail"]
    status, answer, _ = call(guard, "/j", [(b"content-type", b"application/json")],
                             (b"x" * (1 << 20), b"x" * 5000))
    assert status == 413 and answer["code"] == "too_large"


def test_guard_refuses_deep_or_huge_json_at_the_first_chunk_that_shows_it():
    async def app_never_reached(scope, receive, send):
        raise AssertionError("the app saw the body")

    guard = RequestGuard(app_never_reached, {"/j": Route(False, path="/j")}, Settings())
    chunks = [b"[" * 65536] * 100
    status, answer, _ = call(guard, "/j", [(b"content-type", b"application/json")], chunks)
    assert status == 400 and answer["code"] == "json_too_deep"
    status, answer, _ = call(guard, "/j", [(b"content-type", b"application/json")],
                             [b"[" + b"[]," * 300_000 + b"[]]"])
    assert status == 400 and answer["code"] == "json_too_many_values"


def test_guard_replays_a_large_body_in_slices():
    seen = []

    async def app(scope, receive, send):
        while True:
            message = await receive()
            seen.append(len(message["body"]))
            if not message["more_body"]:
                break
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    guard = RequestGuard(app, {"/j": Route(False, path="/j")}, Settings())
    data = b'{"image": "' + b"A" * 3_000_000 + b'"}'
    assert call(guard, "/j", [(b"content-type", b"application/json")], (data,))[0] == 200
    assert sum(seen) == len(data) and len(seen) > 10 and max(seen) <= 1 << 18


def test_bentoml_file_fields_take_uploads_only():
    """BentoML's own downloader refuses text in a file field (front/upload_only.py)."""
    from _bentoml_impl import serde
    from bentoml.exceptions import BadInput
    from starlette.datastructures import UploadFile

    upload_only.install()
    with pytest.raises(BadInput):
        asyncio.run(serde.MultipartSerde.ensure_file("http://100.64.0.1/x.jpg"))
    upload = UploadFile(file=None, filename="a.jpg")
    assert asyncio.run(serde.MultipartSerde.ensure_file(upload)) is upload
    assert serde.is_http_url("http://100.64.0.1/x.jpg") is False


@pytest.mark.parametrize("status,answer,content_type,expected", [
    (400, {"error": "1 validation error for Input", "detail": [
        {"type": "int_parsing", "loc": ["max_faces"], "msg": "Input should be a valid integer"}]},
     "application/json",
     {"detail": "max_faces: Input should be a valid integer (int_parsing)",
      "code": "invalid_field"}),
    (400, [{"error": "a file field takes an uploaded file"}], "application/json",
     {"detail": "a file field takes an uploaded file", "code": "bad_request"}),
    (404, "Not Found", "text/plain", {"detail": "Not Found", "code": "not_found"}),
    (422, {"detail": "no face"}, "application/json", {"detail": "no face",
                                                      "code": "unprocessable"}),
    (413, {"detail": "big", "code": "too_large"}, "application/json", None),
])
def test_error_shape(status, answer, content_type, expected):
    data = answer.encode() if isinstance(answer, str) else json.dumps(answer).encode()
    assert shaped(status, data, content_type) == expected

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", content_type.encode()),
                                (b"www-authenticate", b"Bearer")]})
        await send({"type": "http.response.body", "body": data})

    got_status, got, headers = call(ErrorShape(app))
    assert got_status == status and got == (expected or answer)
    assert headers[b"www-authenticate"] == b"Bearer"


def test_a_subclass_giving_one_key_still_works():
    """ui/serve.py's page key returns one key (bytes) or None from _given."""
    class OneKey(ApiKeyMiddleware):
        def _given(self, scope):
            return dict(scope["headers"]).get(b"x-page-key")

    app = OneKey(echo_app, keys=("k1",))
    assert call(app, headers=[(b"x-page-key", b"k1")])[0] == 200
    assert call(app, headers=[(b"x-page-key", b"no")])[0] == 401
    assert call(app)[0] == 401


@pytest.mark.parametrize("fails_after_4xx_start", [False, True])
def test_error_shape_answers_a_middleware_exception(fails_after_4xx_start):
    """An inner middleware that raises gets a 500 {"detail","code"}, not an open connection."""
    async def app(scope, receive, send):
        if fails_after_4xx_start:  # held by ErrorShape, so nothing has left yet
            await send({"type": "http.response.start", "status": 404, "headers": []})
        raise RuntimeError("a bug in a middleware")

    status, answer, headers = call(ErrorShape(app))
    assert status == 500 and answer["code"] == "internal_error"
    assert headers[b"content-type"] == b"application/json"


def test_error_shape_lets_an_exception_after_the_answer_began_through():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        raise RuntimeError("mid-body")

    with pytest.raises(RuntimeError):
        call(ErrorShape(app))
