"""A second real server, configured the way an operator hardens one: API key, CORS,
the loopback test server allow-listed for image_url, a short request deadline, a
lower face limit, and a model store without the emotion model. Plus a model
worker killed mid-service.

One server start for all of it (each costs 10-20 s)."""

from __future__ import annotations

import base64
import os
import signal
import socket
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from testkit.model_store import linked_store
from testkit.photos import photo
from testkit.server import Server
from tests.fetch_server import FetchServer

pytestmark = pytest.mark.server  # its own hardened server (the `secured` fixture)

KEYS = ("key-one", "key-two")
ORIGIN = "https://app.example"
DEADLINE_S = 8
MISSING_MODEL = "face-emotion-fer"


@pytest.fixture(scope="module")
def secured(default_models, tmp_path_factory):
    home = linked_store(tmp_path_factory.mktemp("bentoml-home"), without=(MISSING_MODEL,))
    env = {"BENTOML_HOME": str(home), "FACE_API_KEY": ",".join(KEYS),
           "FACE_CORS_ORIGINS": ORIGIN, "FACE_URL_ALLOWLIST": "127.0.0.1/32",
           "FACE_REQUEST_DEADLINE_S": str(DEADLINE_S), "FACE_URL_TIMEOUT_S": "60",
           "FACE_MAX_FACES": "3"}
    root = Path(__file__).resolve().parent.parent
    with Server(env=env, log_path=root / ".pytest_cache" / "server-secured.log") as server:
        yield server


@pytest.fixture(scope="module")
def api(secured):
    with httpx.Client(base_url=secured.url, timeout=120, headers={"X-API-Key": KEYS[0]}) as http:
        yield http


@pytest.fixture(scope="module")
def web():
    with FetchServer(files={"/obama.jpg": photo("obama.jpg").read_bytes()}) as server:
        yield server


def obama() -> bytes:
    return photo("obama.jpg").read_bytes()


def analyze(http, **data) -> httpx.Response:
    return http.post("/analyze", files={"file": ("o.jpg", obama())}, data=data)


# ------------------------------------------------------------------ API key
def test_requests_without_the_key_are_401(secured):
    with httpx.Client(base_url=secured.url, timeout=60) as anonymous:
        response = analyze(anonymous)
        assert response.status_code == 401
        assert "missing API key" in response.json()["detail"]
        assert response.headers["www-authenticate"].startswith("Bearer")
        response = anonymous.post("/analyze", files={"file": ("o.jpg", obama())},
                                  headers={"X-API-Key": "key-three"})
        assert response.status_code == 401 and response.json() == {"detail": "invalid API key",
                                                                   "code": "invalid_api_key"}
        response = anonymous.post("/analyze-base64", json={"image": "AAAA"},
                                  headers={"Authorization": "Bearer nope"})
        assert response.status_code == 401
        assert anonymous.get("/docs.json").status_code == 401
        for path in ("/health", "/healthz", "/livez", "/readyz", "/metrics"):
            assert anonymous.get(path).status_code == 200, path


def test_either_key_works_in_either_header(secured):
    with httpx.Client(base_url=secured.url, timeout=120) as http:
        for headers in ({"X-API-Key": KEYS[0]}, {"Authorization": f"Bearer {KEYS[1]}"}):
            response = http.post("/analyze", files={"file": ("o.jpg", obama())},
                                 data={"attributes": "age"}, headers=headers)
            assert response.status_code == 200, response.text


def test_web_page_asks_for_the_key(secured):
    """GET /ui follows the API's rule (ui/serve.py): without the key the browser is
    asked for it (Basic, the key as password); with it the page comes."""
    with httpx.Client(base_url=secured.url, timeout=60) as anonymous:
        refused = anonymous.get("/ui/")
        assert refused.status_code == 401 and "missing API key" in refused.json()["detail"]
        assert refused.headers["www-authenticate"].startswith("Basic ")
        page = anonymous.get("/ui/", auth=("anyone", KEYS[1]))
        assert page.status_code == 200 and "<title>face-analysis</title>" in page.text
        assert anonymous.get("/ui/app.js", headers={"X-API-Key": KEYS[0]}).status_code == 200


# --------------------------------------------------------------------- CORS
def test_cors_for_the_configured_origin_only(secured, api):
    with httpx.Client(base_url=secured.url, timeout=60) as anonymous:
        preflight = anonymous.options("/analyze", headers={
            "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key, content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == ORIGIN
        assert "x-api-key" in preflight.headers["access-control-allow-headers"].lower()
        refused = anonymous.options("/analyze", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert refused.status_code == 400
        assert "access-control-allow-origin" not in refused.headers
        unauthorised = anonymous.post("/analyze-base64", json={"image": "AAAA"},
                                      headers={"Origin": ORIGIN})
        assert unauthorised.status_code == 401
        assert unauthorised.headers["access-control-allow-origin"] == ORIGIN
    response = api.post("/analyze-base64", json={"image": "AAAA"}, headers={"Origin": ORIGIN})
    assert response.headers["access-control-allow-origin"] == ORIGIN


def test_no_cors_headers_by_default(client):
    response = client.get("/health", headers={"Origin": ORIGIN})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/analyze", headers={"Origin": ORIGIN,
                                                    "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers


# ---------------------------------------------------------------- image_url
def test_allow_listed_url_is_fetched_and_analysed(api, web):
    response = api.post("/analyze-base64", json={"image_url": web.url("/obama.jpg"),
                                                 "attributes": ["age"]})
    assert response.status_code == 200, response.text
    assert response.json()["face_count"] == 1
    assert web.seen[-1][1] == "/obama.jpg"


@pytest.mark.parametrize("path,status,words", [
    ("/to?url=http://127.0.0.2:{port}/obama.jpg", 403, "127.0.0.2, a loopback address"),
    ("/to?url=http://169.254.169.254/latest/meta-data/", 403, "link-local"),
    ("/to?url=http://[::1]:{port}/obama.jpg", 403, "loopback"),
    ("/redirect/4", 422, "redirected more than 3 times"),
    ("/big", 413, "the limit is 10,485,760 bytes"),
    ("/announced-big", 413, "1,000,000,000 bytes (Content-Length)"),
    ("/status/503", 422, "HTTP 503"),
])
def test_url_refusals_through_the_service(api, web, path, status, words):
    response = api.post("/analyze-base64", json={"image_url": web.url(path.format(port=web.port))})
    assert response.status_code == status, response.text
    assert words in response.json()["detail"]


def test_request_and_body_deadlines(secured, api, web):
    """A dripping image_url runs into the request deadline (504), and a client that
    stops sending its body runs into the same deadline (408); both at once."""
    outcome = {}

    def stalled_body():
        address = urlsplit(secured.url)
        with socket.create_connection((address.hostname, address.port), timeout=60) as sock:
            sock.sendall(b"POST /analyze-base64 HTTP/1.1\r\nHost: x\r\nX-API-Key: key-one\r\n"
                         b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"im")
            answer = b""
            while chunk := sock.recv(65536):  # the server closes after answering
                answer += chunk
            outcome["stalled"] = answer

    thread = threading.Thread(target=stalled_body)
    started = time.monotonic()
    thread.start()
    response = api.post("/analyze-base64", json={"image_url": web.url("/slow-body")})
    thread.join(60)
    assert time.monotonic() - started < 45
    assert response.status_code == 504, response.text
    assert f"deadline of {DEADLINE_S} s" in response.json()["detail"]
    assert outcome["stalled"].startswith(b"HTTP/1.1 408"), outcome
    assert f"within the deadline of {DEADLINE_S} s".encode() in outcome["stalled"]
    assert analyze(api, attributes="age").status_code == 200


# ------------------------------------------------------------- face limit
def test_face_limit_is_the_default_and_the_ceiling(api):
    group = photo("t1.jpg").read_bytes()
    response = api.post("/analyze", files={"file": ("g.jpg", group)}, data={"attributes": "age"})
    assert response.status_code == 200
    assert response.json()["face_count"] == 3 and response.json()["faces_detected"] == 6
    response = api.post("/analyze", files={"file": ("g.jpg", group)}, data={"max_faces": "4"})
    assert response.status_code == 422
    assert response.json()["detail"] == "max_faces is 4, the limit is 3 (FACE_MAX_FACES)"
    # every endpoint with max_faces holds to the same rule
    response = api.post("/templates/extract", files={"file": ("g.jpg", group)},
                        data={"max_faces": "4"})
    assert response.status_code == 422
    assert response.json()["detail"] == "max_faces is 4, the limit is 3 (FACE_MAX_FACES)"
    response = api.post("/templates/extract", files={"file": ("g.jpg", group)})
    assert response.status_code == 200 and response.json()["face_count"] == 3


# ---------------------------------------------------------- failing models
def test_missing_model_gives_null_fields_with_the_reason(api):
    response = analyze(api, attributes="age,emotion")
    assert response.status_code == 200, response.text
    face = response.json()["faces"][0]
    assert face["emotion"] is None and face["age"] > 0
    assert MISSING_MODEL in face["unavailable"]["emotion"]
    health = api.get("/health").json()
    assert health["status"] == "ok"
    assert "emotion" not in health["models"] and "age_gender" in health["models"]
    assert MISSING_MODEL in health["unavailable"]["emotion"]


def test_quality_without_the_emotion_model_skips_neutral_emotion(secured, api):
    response = api.post("/quality", files={"file": ("o.jpg", obama())})
    assert response.status_code == 200, response.text
    qaa = response.json()["faces"][0]["quality"]["qaa"]
    assert qaa["neutralEmotion"] is None and MISSING_MODEL in qaa["skipped"]["neutralEmotion"]
    assert qaa["sharpness"]["passed"] and qaa["backgroundUniformity"] is not None
    for path in ("/quality", "/fitter"):
        anonymous = httpx.post(secured.url + path, files={"file": ("o.jpg", obama())})
        assert anonymous.status_code == 401 and anonymous.json()["detail"]
        too_many = api.post(path, files={"file": ("o.jpg", obama())}, data={"max_faces": "4"})
        assert too_many.status_code == 422 and "FACE_MAX_FACES" in too_many.json()["detail"]


def _worker(server: Server, name: str) -> int | None:
    for pid in server.pids():
        try:
            if f"--service-name\0{name}\0".encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    return None


def test_a_killed_model_worker_fails_only_its_fields_and_comes_back(secured, api):
    victim = _worker(secured, "AgeGenderModel")
    assert victim is not None
    results = []

    def ask():
        response = analyze(api, attributes="age,pose")
        results.append(response)

    os.kill(victim, signal.SIGKILL)
    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for response in results:
        assert response.status_code == 200, response.text  # never a 5xx for the request
        face = response.json()["faces"][0]
        assert face["pose"] is not None
        assert face["age"] is not None or "age_gender model failed" in face["unavailable"]["age"]
    deadline = time.monotonic() + 90
    while True:  # the worker is restarted and age comes back
        face = analyze(api, attributes="age").json()["faces"][0]
        if face.get("age") is not None:
            break
        assert time.monotonic() < deadline, face
        time.sleep(1)
    assert _worker(secured, "AgeGenderModel") not in (None, victim)


def test_base64_still_works_on_the_secured_server(api):
    response = api.post("/analyze-base64", json={"image": base64.b64encode(obama()).decode(),
                                                 "attributes": ["gender"]})
    assert response.status_code == 200 and response.json()["face_count"] == 1
