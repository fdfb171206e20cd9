"""Issue 29 against a real server of its own: requests that reached BentoML's own
URL downloader, a template model used as a path, nested JSON inside templates,
bodies that held the event loop, noisy logs, and the API key headers.

The server runs with HTTP_PROXY pointing at a local listener: BentoML's own
downloader refuses loopback and private addresses but connects to a proxy without
a check, so every fetch it would make of a public or carrier-grade NAT address
reaches the listener, and the listener counting no connection shows none was made.
"""

from __future__ import annotations

import base64
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from responses import templates
from testkit.photos import photo
from testkit.server import Server

pytestmark = pytest.mark.server

KEY = "hostile-key"
ROOT = Path(__file__).resolve().parent.parent
#: every multipart route and its file fields (checked against /docs.json below)
MULTIPART_ROUTES = {"/analyze": ("file",), "/extract-face": ("file",),
                    "/compare-faces": ("selfie", "id_photo"), "/templates/extract": ("file",),
                    "/fitter": ("file",), "/quality": ("file",), "/liveness": ("file",),
                    "/body": ("file",), "/mask": ("file",), "/analyze-batch": ("files",),
                    # the gallery routes parse their own bodies (gallery/api.py)
                    "/galleries/attack/identify": ("file",),
                    "/galleries/attack/subjects/s/faces": ("file",),
                    "/galleries/attack/subjects/s/verify": ("file",),
                    "/galleries/attack/faces": ("file",), "/cluster": ("files",)}
UPSTREAMS = ("http://100.64.0.1/x.jpg", "http://93.184.215.14/x.jpg")


class Listener:
    """A TCP listener that counts the connections made to it, and keeps the first
    bytes of each (`fetches`: those asking for one of UPSTREAMS)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.requests: list[bytes] = []  # the first bytes of each, to say what came
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.settimeout(2)
            try:
                self.requests.append(conn.recv(300))
            except OSError:
                self.requests.append(b"")
            conn.close()

    def fetches(self) -> list[bytes]:
        return [r for r in self.requests if any(urlsplit(u).hostname.encode() in r
                                                for u in UPSTREAMS)]


@pytest.fixture(scope="module")
def upstream():
    listener = Listener()
    yield listener
    listener.sock.close()


@pytest.fixture(scope="module")
def hostile_server(default_models, upstream):
    proxy = f"http://127.0.0.1:{upstream.port}"
    # http only: the attack's URLs are http, and a library's own https telemetry
    # (seen: CONNECT mobile.events.data.microsoft.com) must not count as the attack
    env = {"FACE_API_KEY": KEY, "HTTP_PROXY": proxy, "http_proxy": proxy,
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
    with Server(env=env, log_path=ROOT / ".pytest_cache" / "server-hostile.log") as server:
        yield server


@pytest.fixture(scope="module")
def api(hostile_server):
    with httpx.Client(base_url=hostile_server.url, timeout=120,
                      headers={"X-API-Key": KEY}) as http:
        yield http


def obama() -> bytes:
    return photo("obama.jpg").read_bytes()


def shape_of(response) -> dict:
    body = response.json()
    assert isinstance(body.get("detail"), str) and isinstance(body.get("code"), str), body
    return body


# --------------------------------------------------- 1. the multipart charset
def charset_attack(route: str, charset: str, upstream_url: str) -> tuple[bytes, str]:
    """Issue 29's request: an upload under each file field (holding JSON, which
    BentoML reads without complaint from a part whose name it decodes to another
    field), and a text part whose name is that file field spelt in `charset`,
    holding a URL."""
    codec = {"utf-16-le": "utf-16-le", "utf-16": "utf-16"}[charset]
    boundary = "BND"
    out = b""
    for field in MULTIPART_ROUTES[route]:
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; "
                f"filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n").encode()
        out += b"{}\r\n"
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"").encode()
        out += field.encode(codec) + b"\"\r\n\r\n" + upstream_url.encode(codec) + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, f"multipart/form-data; boundary={boundary}; charset={charset}"


def test_the_routes_listed_are_every_multipart_route(api):
    spec = api.get("/docs.json").json()
    multipart = {path for path, item in spec["paths"].items()
                 if "multipart/form-data" in (item.get("post", {}).get("requestBody", {})
                                              .get("content", {}))}
    listed = {path.replace("/attack/", "/{gallery}/").replace("/s/", "/{subject}/")
              for path in MULTIPART_ROUTES}
    assert multipart == listed


@pytest.mark.parametrize("charset", ["utf-16-le", "utf-16"])
@pytest.mark.parametrize("route", list(MULTIPART_ROUTES))
def test_a_multipart_charset_reaches_no_url(api, upstream, route, charset):
    if route.startswith("/galleries/"):  # a missing gallery would answer 404 first
        assert api.post("/galleries", json={"name": "attack"}).status_code in (200, 409)
    before = len(upstream.fetches())
    for url in UPSTREAMS:
        body, content_type = charset_attack(route, charset, url)
        response = api.post(route, content=body, headers={"Content-Type": content_type})
        assert response.status_code == 400, response.text[:300]
        assert shape_of(response)["code"] == "bad_charset"
    time.sleep(0.2)
    assert len(upstream.fetches()) == before, upstream.fetches()


def test_a_field_name_that_is_not_ascii_is_refused(api, upstream):
    before = len(upstream.fetches())
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"
            + obama() + b"\r\n--B\r\nContent-Disposition: form-data; name=\"f\xc3\xafle\"\r\n\r\n"
            + UPSTREAMS[0].encode() + b"\r\n--B--\r\n")
    response = api.post("/analyze", content=body,
                        headers={"Content-Type": "multipart/form-data; boundary=B"})
    assert response.status_code == 400 and shape_of(response)["code"] == "bad_field_name"
    time.sleep(0.2)
    assert len(upstream.fetches()) == before


def test_utf8_charset_is_still_accepted(api):
    body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n\r\n"
            + obama() + b"\r\n--B\r\nContent-Disposition: form-data; name=\"attributes\"\r\n\r\n"
            b"age\r\n--B--\r\n")
    response = api.post("/analyze", content=body, headers={
        "Content-Type": "multipart/form-data; boundary=B; charset=UTF-8"})
    assert response.status_code == 200, response.text[:300]
    assert response.json()["face_count"] == 1


# ------------------------------------------------ 2. template model names
def template(model: str) -> str:
    return templates.encode([0.1] * 128, model)


@pytest.mark.parametrize("model", [
    "../../tests/snapshots/quality-t1:x", "/etc/passwd", str(ROOT / "models/calibration/"
                                                             "face-embedding-dlib"),
    "../calibration/face-embedding-dlib:x", "face-embedding-dlib:../../x", "no-such-model:1"])
def test_a_template_model_is_a_registry_name_never_a_path(api, model):
    answers = []
    one = template(model)
    response = api.post("/templates/verify", json={"template1": one, "template2": one})
    answers.append((response.status_code, response.json()))
    response = api.post("/image-api/verify-matcher",
                        json={"objects": [{"$template": one}, {"$template": one}]})
    answers.append((response.status_code, response.json()))
    for status, body in answers:
        assert status == 400 and body["code"] == "unknown_model", body
    # the same answer whether a file of that name exists or not: the model is never a path
    missing = template("../../no/such/file:x")
    other = api.post("/templates/verify", json={"template1": missing, "template2": missing})
    assert (other.status_code, other.json()) == answers[0]


def test_a_registry_model_still_verifies(api):
    one = template("face-embedding-dlib:abc")
    response = api.post("/templates/verify", json={"template1": one, "template2": one})
    assert response.status_code == 200 and response.json()["match"] is True


# ----------------------------------------------- 3. nested JSON in templates
def test_nested_json_inside_a_template_is_a_4xx(api):
    nested = base64.b64encode(b"[" * 2000 + b"]" * 2000).decode()
    response = api.post("/templates/verify", json={"template1": nested, "template2": nested})
    assert response.status_code == 422 and shape_of(response)["code"] == "bad_template"
    response = api.post("/image-api/verify-matcher",
                        json={"objects": [{"$template": nested}, {"$template": nested}]})
    assert response.status_code == 422 and shape_of(response)["code"] == "bad_template"


# ------------------------------------------------- 4. the event loop stays free
def poll_livez(url: str, stop: threading.Event, waits: list[float]) -> None:
    with httpx.Client(timeout=30) as http:
        while not stop.is_set():
            started = time.monotonic()
            assert http.get(url + "/livez").status_code == 200
            waits.append(time.monotonic() - started)
            time.sleep(0.05)


def test_big_json_bodies_never_hold_the_event_loop(hostile_server, api):
    stop, waits = threading.Event(), []
    poller = threading.Thread(target=poll_livez, args=(hostile_server.url, stop, waits))
    poller.start()
    time.sleep(0.5)
    try:
        deep = b"[" * (31 << 20)
        answers = [api.post("/v1/models/insightface:detect", content=deep,
                            headers={"Content-Type": "application/json"})]

        def streamed(data=deep, step=1 << 20):
            for start in range(0, len(data), step):
                yield data[start:start + step]

        answers.append(api.post("/v1/models/insightface:detect", content=streamed(),
                                headers={"Content-Type": "application/json"}))
        flat = b"[" + b"[]," * (4 << 20) + b"[]]"  # 12 MiB at depth 2: scanned to the end
        answers.append(api.post("/v1/models/insightface:detect", content=flat,
                                headers={"Content-Type": "application/json"}))
        image = base64.b64encode(b"\xff\xd8\xff" + bytes(9 << 20)).decode()
        answers.append(api.post("/analyze-base64", json={"image": image}))
    finally:
        time.sleep(0.5)
        stop.set()
        poller.join()
    assert [a.status_code for a in answers] == [413, 400, 400, 400], \
        [(a.status_code, a.text[:200]) for a in answers]
    for answer in answers:
        shape_of(answer)
    assert len(waits) > 10 and max(waits) < 0.25, sorted(waits)[-5:]


# --------------------------------------------------------- 6. quiet logs
def test_a_client_error_is_one_quiet_log_line(hostile_server, api):
    log = Path(hostile_server.log_path)
    start = log.stat().st_size
    bad = [api.post("/analyze", files={"file": ("a.jpg", obama())}, data={"max_faces": "0"}),
           api.post("/analyze", files={"file": ("a.jpg", obama())}, data={"max_faces": "abc"}),
           api.post("/analyze-base64", json=[1, 2, 3]),
           api.post("/analyze-base64", json={"image": 5})]
    assert [r.status_code for r in bad] == [400] * 4
    time.sleep(1.0)
    with open(log, "rb") as handle:
        handle.seek(start)
        written = handle.read().decode("utf-8", "replace")
    assert "Traceback" not in written and "[ERROR]" not in written, written[-3000:]
    quiet = [line for line in written.splitlines() if "client error 400" in line]
    assert len(quiet) == 4, written[-3000:]
    assert all("Traceback" not in line for line in quiet)


# ----------------------------------------------------------- 7. API key rule
def test_the_api_key_headers(hostile_server):
    url = hostile_server.url + "/analyze-base64"

    def post(headers):
        return httpx.post(url, content=b'{"image": "AAAA"}', timeout=60,
                          headers=[("Content-Type", "application/json"), *headers])

    twice = post([("X-API-Key", KEY), ("X-API-Key", "wrong")])
    assert twice.status_code == 400 and shape_of(twice)["code"] == "duplicate_header"
    assert post([("X-API-Key", "wrong"), ("X-API-Key", KEY)]).status_code == 400
    # a valid key in either header lets the request in; a wrong or empty one beside it
    # does not lock it out
    for headers in ([("X-API-Key", ""), ("Authorization", f"Bearer {KEY}")],
                    [("X-API-Key", "wrong"), ("Authorization", f"Bearer {KEY}")],
                    [("X-API-Key", KEY), ("Authorization", "Bearer wrong")]):
        answer = post(headers)  # past the key: "AAAA" is no image
        assert answer.status_code == 415, (headers, answer.text)
        assert answer.json()["code"] == "unsupported_format"
    wrong = post([("X-API-Key", "wrong"), ("Authorization", "Bearer also-wrong")])
    assert wrong.status_code == 401 and shape_of(wrong)["code"] == "invalid_api_key"


# ------------------------------------------------------ 8. one error shape
@pytest.mark.parametrize("route,data", [
    ("/analyze", {"max_faces": "abc"}), ("/analyze", {"max_faces": "0"}),
    ("/analyze", {"return_embedding": "perhaps"}), ("/extract-face", {"page": "x"}),
    ("/compare-faces", {"threshold": "far"})])
def test_form_type_errors_answer_detail_and_code(api, route, data):
    files = {name: ("a.jpg", obama()) for name in MULTIPART_ROUTES[route]}
    response = api.post(route, files=files, data=data)
    assert response.status_code == 400
    body = shape_of(response)
    assert set(body) == {"detail", "code"} and body["code"] == "invalid_field"
    assert next(iter(data)) in body["detail"]


def test_other_4xx_answer_detail_and_code(api):
    for response in (api.get("/no-such-path"), api.get("/analyze"),
                     api.post("/analyze-base64", json=[1]),
                     httpx.post(api.base_url.join("/analyze-base64"), json={}, timeout=30)):
        assert 400 <= response.status_code < 500
        shape_of(response)
