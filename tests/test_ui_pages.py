"""ui/serve.py in-process: what GET /ui answers, open and under an API key (the page in
a real browser: tests/test_ui_browser.py)."""

from __future__ import annotations

import base64
import re

import pytest
from starlette.responses import JSONResponse
from starlette.testclient import TestClient

from ui.serve import HERE, UiPages


async def api(scope, receive, send):
    await JSONResponse({"api": scope["path"]})(scope, receive, send)


def basic(password: str, user: str = "me") -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_open_page_and_its_files():
    http = TestClient(UiPages(api))
    moved = http.get("/ui", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].endswith("/ui/")
    page = http.get("/ui/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        answer = http.get(f"/ui/{name}")
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(kind)
    assert http.get("/ui/%2e%2e/service.py").status_code == 404  # only names it knows
    assert http.get("/ui/serve.py").status_code == 404  # only the page's own files
    assert http.post("/ui/").status_code == 405
    assert http.get("/analyze").json() == {"api": "/analyze"}  # everything else passes
    assert http.get("/uix").json() == {"api": "/uix"}


def test_the_attribute_list_is_the_task_tables():
    from analyzers.face_analysis import ATTRIBUTES, Options

    answer = TestClient(UiPages(api)).get("/ui/attributes.json")
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == {"attributes": list(ATTRIBUTES),
                             "default": list(Options().attributes)}
    assert "blendshapes" in answer.json()["attributes"]  # the hand-copied list lacked it
    assert "ATTRIBUTES" not in (HERE / "app.js").read_text()


def test_page_loads_nothing_from_elsewhere():
    """No URL with a scheme or a protocol-relative one in the page's own files."""
    for name in ("index.html", "app.js", "app.css"):
        text = (HERE / name).read_text()
        assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I), name


@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    (basic("wrong"), 401),
    (basic("k1"), 200),
    (basic("k2", user=""), 200),
    ({"X-API-Key": "k1"}, 200),
    ({"Authorization": "Bearer k2"}, 200),
    ({"Authorization": "Basic not-base64!"}, 401),
])
def test_page_under_the_api_key(headers, status):
    http = TestClient(UiPages(api, keys=("k1", "k2")))
    answer = http.get("/ui/", headers=headers)
    assert answer.status_code == status, answer.text
    if status == 401:
        # the browser's own log-in prompt: Basic, the key as password
        assert answer.headers["www-authenticate"].startswith("Basic ")
        assert "detail" in answer.json()
    # the API itself is not the page's business: the API key middleware guards it
    assert http.get("/analyze").status_code == 200
