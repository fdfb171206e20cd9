"""/docs.json is a valid OpenAPI document for the version it declares, documents every
status the API answers, and a client generated from it by openapi-python-client works
against the real server, including an error answer (issue 11)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest
from openapi_spec_validator import validate

from front.openapi_contract import rewrite
from testkit.photos import photo

GENERATOR = Path(sys.executable).parent / "openapi-python-client"


@pytest.fixture(scope="module")
def spec(client) -> dict:
    response = client.get("/docs.json")
    assert response.status_code == 200
    return response.json()


def walk(node):
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_the_spec_is_valid_openapi_3_0(spec):
    assert spec["openapi"].startswith("3.0")
    validate(spec)  # raises on the first problem
    schemas = list(walk(spec))
    assert not [s for s in schemas if s.get("type") in ("file", "null")]
    assert not [s for s in schemas if "const" in s]
    body = spec["paths"]["/compare-faces"]["post"]["requestBody"]["content"][
        "multipart/form-data"]["schema"]
    upload = (body.get("properties") or spec["components"]["schemas"][
        body["$ref"].rsplit("/", 1)[1]]["properties"])
    assert upload["selfie"]["type"] == "string" and upload["selfie"]["format"] == "binary"
    analyze = spec["paths"]["/analyze-base64"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    properties = analyze.get("properties") or spec["components"]["schemas"][
        analyze["$ref"].rsplit("/", 1)[1]]["properties"]
    assert properties["image"].get("nullable") is True


def test_every_status_is_documented_with_the_error_body(spec):
    for path, item in spec["paths"].items():
        operation = item.get("post")
        if operation is None or "requestBody" not in operation:
            continue
        statuses = set(operation["responses"])
        assert {"200", "400", "413", "415", "422"} <= statuses, path
        assert "500" not in statuses, path
        if path not in ("/templates/verify", "/batch-stats"):
            assert {"503", "504"} <= statuses, path
        error = operation["responses"]["422"]["content"]["application/json"]["schema"]
        assert error == {"$ref": "#/components/schemas/ErrorDetail"}, path
    assert "404" in spec["paths"]["/extract-face"]["post"]["responses"]
    detail = spec["components"]["schemas"]["ErrorDetail"]
    assert detail["required"] == ["detail"] and detail["properties"]["detail"]["type"] == "string"
    health = spec["paths"]["/health"]["get"]["responses"]["200"]
    assert health["content"]["application/json"]["schema"]["$ref"].endswith("/Health")
    assert "503" in spec["paths"]["/readyz"]["get"]["responses"]
    # the mounted 3DiVi Image API is documented too (compat/image_api.py)
    services = [p for p in spec["paths"] if p.startswith("/image-api/")]
    assert len(services) == 12 and "/image-api/verify-matcher" in services
    body = spec["paths"]["/image-api/gender-estimator"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"]["$ref"].endswith("/ImageApiRequest")


def test_rewrite_turns_json_schema_into_openapi_3_0():
    fixed = rewrite({"openapi": "3.0.2", "info": {"title": "t", "version": "1"}, "paths": {},
                     "components": {"schemas": {"A": {"type": "object", "properties": {
                         "f": {"type": "file"},
                         "n": {"anyOf": [{"type": "integer", "minimum": 1}, {"type": "null"}],
                               "default": None},
                         "r": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                         "c": {"const": "x"}, "g": {"type": "number", "exclusiveMinimum": 0},
                         "z": {"type": "null"}}}, "B": {"type": "object"}}}})
    props = fixed["components"]["schemas"]["A"]["properties"]
    assert props["f"] == {"type": "string", "format": "binary"}
    assert props["n"] == {"type": "integer", "minimum": 1, "default": None, "nullable": True}
    assert props["r"] == {"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": True}
    assert props["c"] == {"enum": ["x"]}
    assert props["g"] == {"type": "number", "minimum": 0, "exclusiveMinimum": True}
    assert props["z"] == {"nullable": True}
    validate(fixed)


@pytest.fixture(scope="module")
def generated(spec, tmp_path_factory):
    """The client openapi-python-client generates from the served spec, importable."""
    import json

    folder = tmp_path_factory.mktemp("openapi-client")
    (folder / "spec.json").write_text(json.dumps(spec))
    (folder / "config.yaml").write_text("post_hooks: []\npackage_name_override: face_client\n")
    result = subprocess.run([str(GENERATOR), "generate", "--path", str(folder / "spec.json"),
                             "--output-path", str(folder / "face_client"), "--meta", "none",
                             "--config", str(folder / "config.yaml")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout + result.stderr, result.stdout + result.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("face_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n == "face_client" or n.startswith("face_client.")]:
            del sys.modules[name]


def test_the_generated_client_calls_the_server(server, generated):
    from face_client.api.face_analysis import analyze, compare_faces
    from face_client.models import AnalyzeRequest, CompareFacesRequest, ErrorDetail
    from face_client.types import File

    def upload(name: str) -> File:
        return File(payload=photo(name).open("rb"), file_name=name, mime_type="image/jpeg")

    api = generated.Client(base_url=server, timeout=120, raise_on_unexpected_status=True)
    with api:
        answer = analyze.sync_detailed(client=api, body=AnalyzeRequest(
            file=upload("obama.jpg"), attributes=["age", "gender"]))
        assert answer.status_code == 200, answer.content
        face = answer.parsed.faces[0]
        assert face.age and face.gender and not face.emotion  # Unset is falsy
        failed = analyze.sync_detailed(client=api, body=AnalyzeRequest(
            file=upload("obama.jpg"), output_format="xml"))
        assert failed.status_code == 422
        assert isinstance(failed.parsed, ErrorDetail) and "output_format" in failed.parsed.detail
        compared = compare_faces.sync_detailed(
            client=api, body=CompareFacesRequest(selfie=upload("obama.jpg"),
                                                 id_photo=upload("obama2.jpg")))
        assert compared.status_code == 200, compared.content
        assert compared.parsed.match is True
    # a mounted Image API service through the same generated client
    import base64

    from face_client.api.image_api import gender_estimator
    from face_client.models import ImageApiRequest

    with generated.Client(base_url=server, timeout=120) as api:
        request = ImageApiRequest.from_dict(
            {"$image": base64.b64encode(photo("obama.jpg").read_bytes()).decode(),
             "objects": [{}]})
        answer = gender_estimator.sync_detailed(client=api, body=request)
        assert answer.status_code == 200, answer.content
        objects = answer.parsed.objects
        assert len(objects) == 1 and objects[0]["gender"] == "MALE"
