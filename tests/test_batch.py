"""/analyze-batch and /analyze-batch-json against a real `bentoml serve`, on real photos:
the order, each photo's own error, the request's limits, both input forms."""

from __future__ import annotations

import base64

import httpx
import pytest

from schemas import BatchResponse
from testkit.photos import photo
from testkit.server import Server
from tests.fetch_server import FetchServer

MAX_IMAGES, MAX_FACES, MAX_REQUEST_BYTES = 20, 16, 3_000_000
BROKEN = b"\xff\xd8\xff\xe0 this is not the rest of a JPEG"


@pytest.fixture(scope="module")
def batch_server(default_models):
    env = {"FACE_BATCH_MAX_IMAGES": str(MAX_IMAGES), "FACE_BATCH_MAX_FACES": str(MAX_FACES),
           "FACE_MAX_REQUEST_BYTES": str(MAX_REQUEST_BYTES),
           "FACE_URL_ALLOWLIST": "127.0.0.1/32"}
    with Server(env=env) as server:
        with httpx.Client(base_url=server.url, timeout=180) as http:
            yield http


def without_timings(result: dict) -> dict:
    return {key: value for key, value in result.items() if key != "timings_ms"}


def single(http, data: bytes) -> dict:
    response = http.post("/analyze", files={"file": ("one.jpg", data)})
    assert response.status_code == 200, response.text
    return response.json()


def batch(http, files: list[tuple[str, bytes]], **data) -> httpx.Response:
    return http.post("/analyze-batch", files=[("files", part) for part in files],
                     data={k: str(v) for k, v in data.items()})


def answered(response: httpx.Response) -> dict:
    assert response.status_code == 200, response.text
    BatchResponse.model_validate(response.json())
    return response.json()


def test_multipart_answers_each_photo_in_order_as_analyze_does(batch_server):
    obama, biden = photo("obama.jpg").read_bytes(), photo("biden.jpg").read_bytes()
    body = answered(batch(batch_server, [("obama.jpg", obama), ("broken.jpg", BROKEN),
                                         ("biden.jpg", biden), ("empty.jpg", b"")]))
    results = body["results"]
    assert [r["index"] for r in results] == [0, 1, 2, 3]
    assert [r["name"] for r in results] == ["obama.jpg", "broken.jpg", "biden.jpg", "empty.jpg"]
    assert [r["status"] for r in results][::2] == [200, 200]
    assert (body["count"], body["succeeded"], body["failed"]) == (4, 2, 2)
    for failed in (results[1], results[3]):
        assert 400 <= failed["status"] < 500 and failed["result"] is None
        assert failed["error"]["detail"] and failed["error"]["code"]
        # the same error /analyze gives the same file alone
        alone = batch_server.post("/analyze", files={"file": (failed["name"],
                                                              [BROKEN, b""][failed["index"] // 2])})
        assert alone.status_code == failed["status"]
        assert alone.json()["code"] == failed["error"]["code"]
    # the same answer as /analyze, whose faces went to each model one photo at a time
    for result, data in ((results[0], obama), (results[2], biden)):
        assert result["result"]["face_count"] == 1
        assert without_timings(result["result"]) == without_timings(single(batch_server, data))


def test_order_holds_across_groups_of_photos(batch_server):
    """18 photos: more than one group goes to the models at once (front/batch.py)."""
    grace, obama = photo("grace_hopper.jpg").read_bytes(), photo("obama2.jpg").read_bytes()
    sent = [(f"{i}-{'broken' if i % 5 == 3 else 'grace' if i % 2 else 'obama'}.jpg",
             BROKEN if i % 5 == 3 else grace if i % 2 else obama) for i in range(18)]
    body = answered(batch(batch_server, sent, attributes="age,gender"))
    assert [r["name"] for r in body["results"]] == [name for name, _ in sent]
    expected = {"grace": single(batch_server, grace)["faces"][0]["bbox"],
                "obama": single(batch_server, obama)["faces"][0]["bbox"]}
    for result in body["results"]:
        kind = result["name"].split("-")[1][:-4]
        if kind == "broken":
            assert 400 <= result["status"] < 500 and result["error"]["code"], result
        else:
            assert result["status"] == 200, result
            assert result["result"]["faces"][0]["bbox"] == expected[kind]
            assert set(result["result"]["faces"][0]) >= {"age", "gender"}
            assert "emotion" not in result["result"]["faces"][0]


def test_json_takes_base64_data_urls_and_urls_under_the_fetch_policy(batch_server):
    obama, biden = photo("obama.jpg").read_bytes(), photo("biden.jpg").read_bytes()
    with FetchServer(files={"/obama.jpg": obama}) as upstream:
        images = [base64.b64encode(biden).decode(),
                  "data:image/jpeg;base64," + base64.b64encode(obama).decode(),
                  upstream.url("/obama.jpg"),
                  {"image_url": "http://10.1.2.3/private.jpg"},  # not public, not allowed
                  {"image": "!!! not base64 !!!"}]
        body = answered(batch_server.post("/analyze-batch-json", json={"images": images}))
    results = body["results"]
    assert [r["status"] for r in results][:3] == [200, 200, 200]
    assert results[2]["name"] == upstream.url("/obama.jpg") and results[0]["name"] is None
    assert results[3]["status"] == 403 and results[3]["error"]["detail"]
    assert results[4]["status"] == 400 and results[4]["error"]["code"]
    assert without_timings(results[1]["result"]) == without_timings(results[2]["result"]) \
        == without_timings(single(batch_server, obama))
    assert without_timings(results[0]["result"]) == without_timings(single(batch_server, biden))


def test_the_request_is_bounded_by_the_limits(batch_server):
    grace = photo("grace_hopper.jpg").read_bytes()
    # photos per request
    response = batch(batch_server, [("g.jpg", grace)] * (MAX_IMAGES + 1))
    assert response.status_code == 422 and response.json()["code"] == "too_many_images"
    response = batch_server.post("/analyze-batch-json", json={
        "images": [base64.b64encode(grace).decode()] * (MAX_IMAGES + 1)})
    assert response.status_code == 422 and response.json()["code"] == "too_many_images"
    response = batch_server.post("/analyze-batch-json", json={"images": []})
    assert response.status_code == 422 and response.json()["code"] == "empty_batch"
    # the whole body (FACE_MAX_REQUEST_BYTES), before anything is analysed
    obama = photo("obama.jpg").read_bytes()
    count = MAX_REQUEST_BYTES // len(obama) + 1
    response = batch(batch_server, [("o.jpg", obama)] * count)
    assert response.status_code == 413 and response.json()["detail"]
    # the faces of the whole request: the photo that would pass FACE_BATCH_MAX_FACES
    five, six = photo("multi_face.jpg").read_bytes(), photo("t1.jpg").read_bytes()
    body = answered(batch(batch_server, [("five.jpg", five), ("six.jpg", six),
                                         ("six-again.jpg", six)], attributes="age"))
    # whichever photo's faces are found last is the one past the budget
    answered_ = [r for r in body["results"] if r["status"] == 200]
    refused = [r for r in body["results"] if r["status"] != 200]
    assert len(refused) == 1 and refused[0]["status"] == 422
    assert refused[0]["error"]["code"] == "batch_face_budget"
    assert sum(r["result"]["face_count"] for r in answered_) <= MAX_FACES
    assert sorted(r["result"]["face_count"] for r in answered_) in ([5, 6], [6, 6])


def test_urls_fetch_at_most_a_request_body_together(batch_server):
    biden = photo("biden.jpg").read_bytes()
    fit = MAX_REQUEST_BYTES // len(biden)
    with FetchServer(files={"/biden.jpg": biden}) as upstream:
        body = answered(batch_server.post("/analyze-batch-json", json={
            "images": [upstream.url("/biden.jpg")] * (fit + 1), "attributes": "none"}))
    statuses = [r["status"] for r in body["results"]]
    assert statuses.count(200) == fit and statuses.count(413) == 1, statuses
    refused = next(r for r in body["results"] if r["status"] == 413)
    assert refused["error"]["code"] == "batch_too_large"


def test_openapi_documents_both_batch_endpoints(batch_server):
    spec = batch_server.get("/docs.json").json()
    paths = spec["paths"]
    for path in ("/analyze-batch", "/analyze-batch-json"):
        post = paths[path]["post"]
        assert post["responses"]["200"]["content"]["application/json"]["schema"], path
        assert "422" in post["responses"], path
    form = paths["/analyze-batch"]["post"]["requestBody"]["content"]["multipart/form-data"]
    schema = form["schema"]
    if "$ref" in schema:  # bodies are named components (front/openapi_names.py)
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    assert schema["properties"]["files"]["type"] == "array"


def test_photos_past_the_deadline_answer_504_and_the_others_200():
    """The batch flow alone (front/batch.py, no server): a detector that takes longer
    than the request's deadline on one photo fails that photo, not the batch."""
    import asyncio
    import io
    import time

    from PIL import Image

    from analyzers.face_analysis import FaceAnalysis, Options
    from front.batch import Batch, BatchLimits, bytes_source
    from front.flows import Flows
    from inputs.imageio import Limits
    from inputs.sources import FetchPolicy
    from security import Settings

    async def detect(images):  # the tall photo never finishes in time
        await asyncio.sleep(30 if images[0].shape[0] > 1000 else 0)
        return [[]]

    def jpeg(height):
        buffer = io.BytesIO()
        Image.new("RGB", (200, height), (90, 120, 150)).save(buffer, "JPEG")
        return buffer.getvalue()

    limits = Limits()
    flows = Flows(FaceAnalysis({"detection": detect}, {"detection": "test-detector:1"}),
                  limits, Settings(request_deadline_s=2.0),
                  FetchPolicy.from_env(max_bytes=limits.max_bytes), {})
    batch = Batch(flows, BatchLimits())
    sources = [(name, bytes_source(jpeg(height), limits))
               for name, height in (("a", 200), ("tall", 3000), ("b", 250))]
    started = time.monotonic()
    answer = asyncio.run(batch.analyze(sources, Options.parse("none"), lambda r: r,
                                       flows.deadline()))
    assert time.monotonic() - started < 2.0
    statuses = {r["name"]: (r["status"], (r["error"] or {}).get("code"))
                for r in answer["results"]}
    assert statuses == {"a": (200, None), "tall": (504, "deadline"), "b": (200, None)}
