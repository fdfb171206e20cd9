"""The gallery API on a real `bentoml serve`, once on SQLite and once on a real
PostgreSQL server (the same tests), with real photos; with PostgreSQL, a second
server on the same database searches what the first enrolled within 1 s."""

from __future__ import annotations

import base64
import json
import io
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from responses import templates
from testkit.photos import photo
from testkit.server import Server
from tests.gallery_fixtures import BACKENDS, new_database_url, postgres  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / ".pytest_cache"


@pytest.fixture(scope="module", params=BACKENDS)
def gallery_server(request, default_models, tmp_path_factory):
    """(server, database URL, backend) for each backend."""
    folder = tmp_path_factory.mktemp(f"gallery-{request.param}")
    pg = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    url = new_database_url(request.param, pg, folder)
    with Server(env={"FACE_GALLERY_DATABASE": url, "FACE_GALLERY_DIR": str(folder)},
                log_path=LOGS / f"server-gallery-{request.param}.log") as server:
        yield server, url, request.param


@pytest.fixture(scope="module")
def http(gallery_server):
    with httpx.Client(base_url=gallery_server[0].url, timeout=180) as client:
        yield client


def upload(name: str, **fields) -> dict:
    return {"files": {"file": (name, photo(name).read_bytes())},
            "data": {k: str(v) for k, v in fields.items()}}


def b64(name: str) -> str:
    return base64.b64encode(photo(name).read_bytes()).decode()


def blank_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (120, 130, 140)).save(buffer, "JPEG")
    return buffer.getvalue()


def created(http, name: str) -> str:
    answer = http.post("/galleries", json={"name": name, "metadata": {"site": "test"}})
    assert answer.status_code == 200, answer.text
    return name


def enrolled(http, gallery: str, subject: str, name: str, **fields) -> dict:
    answer = http.post(f"/galleries/{gallery}/subjects/{subject}/faces", **upload(name, **fields))
    assert answer.status_code == 200, answer.text
    return answer.json()


def error_of(answer, status: int, code: str | None = None) -> dict:
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["code"] == code, body
    return body


def test_galleries_are_created_listed_and_deleted(http):
    created(http, "lifecycle")
    error_of(http.post("/galleries", json={"name": "lifecycle"}), 409, "gallery_exists")
    error_of(http.post("/galleries", json={"name": "No Spaces"}), 422, "invalid_name")
    error_of(http.post("/galleries", content=b"{not json", headers={
        "content-type": "application/json"}), 400, "bad_json")
    error_of(http.post("/galleries", content=b"name=x", headers={
        "content-type": "text/plain"}), 415)
    assert "lifecycle" in [g["name"] for g in http.get("/galleries").json()["galleries"]]
    got = http.get("/galleries/lifecycle").json()
    assert (got["subject_count"], got["model"], got["metadata"]) == (0, None, {"site": "test"})
    assert http.delete("/galleries/lifecycle").status_code == 200
    error_of(http.get("/galleries/lifecycle"), 404, "no_gallery")
    error_of(http.post("/galleries/lifecycle/identify", **upload("obama.jpg")), 404)


def test_enrol_identify_and_verify(http):
    gallery = created(http, "people")
    obama = enrolled(http, gallery, "obama", "obama.jpg", display_name="Barack Obama",
                     metadata='{"role": "president"}')
    assert obama["model"].startswith("face-embedding-") and obama["quality"] >= 40
    assert obama["faces_detected"] == 1 and obama["existing"] is False
    biden = http.post(f"/galleries/{gallery}/subjects/biden/faces",
                      json={"image": b64("biden.jpg"), "display_name": "Joe Biden"})
    assert biden.status_code == 200, biden.text

    found = http.post(f"/galleries/{gallery}/identify", **upload("obama2.jpg", top_k=2)).json()
    face = found["faces"][0]
    assert (face["subject_id"], face["display_name"], face["unknown"]) == \
        ("obama", "Barack Obama", False)
    assert [m["subject_id"] for m in face["matches"]] == ["obama", "biden"]
    assert face["matches"][0]["distance"] < found["threshold"] <= face["matches"][1]["distance"]
    assert found["far"] == 0.001 and found["operating_point_far"] <= 0.001
    assert found["calibration"]["model"].startswith("face-embedding-dlib")
    assert found["fpir_bound"] == pytest.approx(2 * found["operating_point_far"], abs=1e-6)

    stranger = http.post(f"/galleries/{gallery}/identify",
                         json={"image": b64("grace_hopper.jpg"), "far": 1e-4}).json()
    assert stranger["faces"][0]["unknown"] is True and stranger["faces"][0]["subject_id"] is None
    assert stranger["far"] == 1e-4 and stranger["threshold"] < found["threshold"]
    crowd = http.post(f"/galleries/{gallery}/identify", **upload("t1.jpg")).json()
    assert crowd["face_count"] == 6 and all(f["unknown"] for f in crowd["faces"])

    same = http.post(f"/galleries/{gallery}/subjects/obama/verify", **upload("obama3.jpg"))
    assert same.status_code == 200, same.text
    assert same.json()["match"] is True and same.json()["distance"] < same.json()["threshold"]
    other = http.post(f"/galleries/{gallery}/subjects/obama/verify", **upload("biden.jpg"))
    assert other.json()["match"] is False and other.json()["fa_r"] is not None
    error_of(http.post(f"/galleries/{gallery}/subjects/nobody/verify", **upload("biden.jpg")),
             404, "no_subject")


def test_enrolment_refuses_what_it_should(http):
    gallery = created(http, "refusals")
    several = error_of(http.post(f"/galleries/{gallery}/subjects/x/faces", **upload("t1.jpg")),
                       422, "several_faces")
    assert "face_index" in several["detail"]
    chosen = enrolled(http, gallery, "x", "t1.jpg", face_index=1)
    assert chosen["face_index"] == 1 and chosen["faces_detected"] == 6
    error_of(http.post(f"/galleries/{gallery}/subjects/x/faces", **upload("t1.jpg",
                                                                           face_index=6)), 422)
    error_of(http.post(f"/galleries/{gallery}/subjects/x/faces",
                       files={"file": ("blank.jpg", blank_jpeg())}), 422, "no_face")
    low = error_of(http.post(f"/galleries/{gallery}/subjects/y/faces",
                             **upload("obama.jpg", min_quality=99.5)), 422, "low_quality")
    assert "totalScore" in low["detail"]
    error_of(http.post(f"/galleries/{gallery}/subjects/bad%20id/faces", **upload("obama.jpg")),
             422, "invalid_subject")
    error_of(http.post(f"/galleries/{gallery}/subjects/y/faces", json={"image": "not base64!"}),
             400, "invalid_base64")
    error_of(http.post(f"/galleries/{gallery}/subjects/y/faces", json={}), 422, "no_photo")
    error_of(http.post(f"/galleries/{gallery}/subjects/y/faces",
                       json={"image": b64("obama.jpg"), "metadata": [1]}), 422,
             "invalid_metadata")
    error_of(http.post(f"/galleries/{gallery}/identify", json={"image": b64("obama.jpg"),
                                                               "far": 3}), 422, "invalid_far")
    error_of(http.post(f"/galleries/{gallery}/identify", json={"image": b64("obama.jpg"),
                                                               "top_k": 0}), 422)
    assert http.get(f"/galleries/{gallery}/subjects").json()["total"] == 1  # only x


def test_hostile_bodies_get_a_4xx_and_leave_the_server_answering(http):
    """issue 29's request classes on the gallery routes, which parse their own bodies"""
    gallery = created(http, "hostile")
    route = f"/galleries/{gallery}/identify"
    # a multipart charset other than UTF-8: Starlette would decode the field names in it
    name = "file".encode("utf-16-le")
    body = (b"--BND\r\nContent-Disposition: form-data; name=\"" + name + b"\"\r\n\r\n"
            b"http://127.0.0.1:9/\r\n--BND--\r\n")
    error_of(http.post(route, content=body, headers={
        "content-type": "multipart/form-data; boundary=BND; charset=utf-16-le"}),
        400, "bad_charset")
    # nesting that would end in a RecursionError, and a body of many values
    error_of(http.post(route, content=b"[" * 5000 + b"]" * 5000,
                       headers={"content-type": "application/json"}), 400, "json_too_deep")
    error_of(http.post(route, content=b"[" + b"0," * 300_000 + b"0]",
                       headers={"content-type": "application/json"}), 400, "json_too_deep")
    assert http.get("/livez").status_code == 200


def test_subjects_and_faces_are_listed_renamed_moved_and_deleted(http):
    gallery = created(http, "crud")
    first = enrolled(http, gallery, "ada", "obama.jpg", source="ada/1.jpg")
    again = enrolled(http, gallery, "ada", "obama.jpg", source="ada/1.jpg")
    assert (again["face_id"], again["existing"]) == (first["face_id"], True)
    second = enrolled(http, gallery, "ada", "obama2.jpg")
    listed = http.get(f"/galleries/{gallery}/subjects").json()
    assert [(s["subject_id"], s["face_count"]) for s in listed["subjects"]] == [("ada", 2)]
    renamed = http.patch(f"/galleries/{gallery}/subjects/ada",
                         json={"display_name": "Ada Lovelace", "metadata": {"born": 1815}})
    assert renamed.json()["display_name"] == "Ada Lovelace"
    subject = http.get(f"/galleries/{gallery}/subjects/ada").json()
    assert subject["metadata"] == {"born": 1815} and len(subject["faces"]) == 2
    face = http.get(f"/galleries/{gallery}/faces/{first['face_id']}").json()
    assert face["source"] == "ada/1.jpg" and face["templates"][0]["dimensions"] in (128, 512)
    crop = http.get(f"/galleries/{gallery}/faces/{first['face_id']}/crop").json()
    assert crop["crop"].startswith("data:image/jpeg;base64,") and crop["subject_id"] == "ada"
    jpeg = base64.b64decode(crop["crop"].split(",", 1)[1])
    assert Image.open(io.BytesIO(jpeg)).size[0] > 100
    moved = http.patch(f"/galleries/{gallery}/faces/{second['face_id']}",
                       json={"subject_id": "other"})
    assert moved.json()["subject_id"] == "other"
    found = http.post(f"/galleries/{gallery}/identify", **upload("obama3.jpg")).json()
    assert {m["subject_id"] for m in found["faces"][0]["matches"]} == {"ada", "other"}
    assert http.delete(f"/galleries/{gallery}/faces/{second['face_id']}").status_code == 200
    error_of(http.get(f"/galleries/{gallery}/faces/{second['face_id']}"), 404, "no_face_id")
    error_of(http.get(f"/galleries/{gallery}/faces/abc"), 404)
    deleted = http.delete(f"/galleries/{gallery}/subjects/ada").json()
    assert deleted == {"deleted": "ada", "faces_deleted": 1}
    after = http.post(f"/galleries/{gallery}/identify", **upload("obama3.jpg")).json()
    assert after["faces"][0]["matches"] == [] and after["faces"][0]["unknown"]
    error_of(http.get(f"/galleries/{gallery}/faces/{first['face_id']}/crop"), 404)


def test_clustering_photos_and_unassigned_faces(http):
    answer = http.post("/cluster", files=[("files", (n, photo(n).read_bytes())) for n in
                                          ("obama.jpg", "biden.jpg", "obama2.jpg", "obama3.jpg")])
    assert answer.status_code == 200, answer.text
    clusters = answer.json()["clusters"]
    assert [sorted(f["photo"] for f in c["faces"]) for c in clusters] == [[0, 2, 3], [1]]
    gallery = created(http, "unsorted")
    for name in ("obama.jpg", "biden.jpg", "obama2.jpg"):
        assert http.post(f"/galleries/{gallery}/faces", **upload(name)).status_code == 200
    listed = http.get(f"/galleries/{gallery}/faces", params={"unassigned": "true"}).json()
    assert listed["total"] == 3
    grouped = http.post(f"/galleries/{gallery}/cluster", json={}).json()
    ids = [f["face_id"] for f in listed["faces"]]
    assert [[f["face_id"] for f in c["faces"]] for c in grouped["clusters"]] == \
        [[ids[0], ids[2]], [ids[1]]]
    # unassigned faces are not identified; once assigned they are
    probe = {"json": {"image": b64("obama3.jpg")}}
    assert http.post(f"/galleries/{gallery}/identify", **probe).json()["faces"][0]["unknown"]
    http.patch(f"/galleries/{gallery}/faces/{ids[0]}", json={"subject_id": "obama"})
    assert http.post(f"/galleries/{gallery}/identify",
                     **probe).json()["faces"][0]["subject_id"] == "obama"
    error_of(http.post("/cluster", json={"images": []}), 422, "no_photo")


def test_searching_across_models_is_refused_and_migrate_fixes_it(http, gallery_server):
    server, url, backend = gallery_server
    gallery = created(http, "migrating")
    face = enrolled(http, gallery, "obama", "obama.jpg")
    model = face["model"]
    extracted = http.post("/templates/extract", files={
        "file": ("o.jpg", photo("obama2.jpg").read_bytes())}).json()["faces"][0]["$template"]
    assert http.post(f"/galleries/{gallery}/identify", json={"template": extracted}).json()[
        "faces"][0]["subject_id"] == "obama"
    foreign = templates.encode(np.ones(512, np.float32), "face-embedding-arcface:other")
    error_of(http.post(f"/galleries/{gallery}/identify", json={"template": foreign}), 409,
             "model_mismatch")
    # the gallery as an older version of the model left it
    old = model.split(":")[0] + ":older"
    statements = [("UPDATE templates SET model_version = 'older'", ()),
                  ("UPDATE galleries SET model = ? WHERE name = ?", (old, gallery))]
    if backend == "sqlite":
        import sqlite3
        with sqlite3.connect(url[len("sqlite:///"):]) as connection:
            for sql, params in statements:
                connection.execute(sql, params)
    else:
        import psycopg
        with psycopg.connect(url, autocommit=True) as connection:
            for sql, params in statements:
                connection.execute(sql.replace("?", "%s"), params)
    refused = error_of(http.post(f"/galleries/{gallery}/identify", **upload("obama2.jpg")), 409,
                       "model_mismatch")
    assert old in refused["detail"] and "migrate" in refused["detail"]
    error_of(http.post(f"/galleries/{gallery}/subjects/x/faces", **upload("biden.jpg")), 409,
             "model_mismatch")
    result = subprocess.run([sys.executable, "-m", "gallery", "migrate", gallery, "--url",
                             server.url, "--batch", "1"], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"done": true' in result.stdout
    assert http.get(f"/galleries/{gallery}").json()["model"] == model
    again = http.post(f"/galleries/{gallery}/identify", **upload("obama2.jpg")).json()
    assert again["faces"][0]["subject_id"] == "obama"


def test_a_second_replica_searches_a_write_within_a_second(http, gallery_server):
    server, url, backend = gallery_server
    if backend != "postgresql":  # one SQLite file is one machine's; replicas share PostgreSQL
        return
    gallery = created(http, "replicated")
    enrolled(http, gallery, "biden", "biden.jpg")
    probe = http.post("/templates/extract", files={
        "file": ("o.jpg", photo("obama2.jpg").read_bytes())}).json()["faces"][0]["$template"]
    with Server(env={"FACE_GALLERY_DATABASE": url},
                log_path=LOGS / "server-gallery-replica.log") as other, \
            httpx.Client(base_url=other.url, timeout=60) as second:
        def best():
            answer = second.post(f"/galleries/{gallery}/identify", json={"template": probe})
            assert answer.status_code == 200, answer.text
            return answer.json()["faces"][0]["subject_id"]

        assert best() is None  # the second replica's index is built
        enrolled(http, gallery, "obama", "obama.jpg")
        written = time.monotonic()
        while best() != "obama":
            assert time.monotonic() - written < 1.0, "not searchable on the other replica in 1 s"
            time.sleep(0.02)
        assert http.delete(f"/galleries/{gallery}/subjects/obama").status_code == 200
        deleted = time.monotonic()
        while best() == "obama":
            assert time.monotonic() - deleted < 1.0, "still found on the other replica after 1 s"
            time.sleep(0.02)


def test_the_openapi_document_has_the_gallery_endpoints(http):
    from openapi_spec_validator import validate

    spec = http.get("/docs.json").json()
    validate(spec)
    assert {"/galleries", "/galleries/{gallery}/identify", "/cluster",
            "/galleries/{gallery}/subjects/{subject}/faces"} <= set(spec["paths"])
    identify = spec["paths"]["/galleries/{gallery}/identify"]["post"]
    assert {"200", "404", "409", "413", "415", "422", "503"} <= set(identify["responses"])
    assert set(identify["requestBody"]["content"]) == {"multipart/form-data",
                                                        "application/json"}


def test_schemathesis_cases_on_the_gallery_endpoints_never_5xx(http, gallery_server):
    import schemathesis
    from hypothesis import HealthCheck, given, settings

    created(http, "fuzzed")
    schema = schemathesis.openapi.from_url(gallery_server[0].url + "/docs.json")
    statuses = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if not operation.path.startswith(("/galleries", "/cluster")):
            continue

        @settings(max_examples=6, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            if "gallery" in (case.path_parameters or {}) and case.method != "DELETE":
                case.path_parameters["gallery"] = "fuzzed"
            response = case.call(timeout=120)
            statuses.append(response.status_code)
            assert response.status_code < 500, (response.status_code, response.text[:300],
                                                 case.as_curl_command())
            if response.status_code >= 400:
                assert response.text.startswith("{") and "detail" in response.json(), \
                    (response.status_code, response.text[:300], case.as_curl_command())

        run()
    assert len(statuses) >= 20


def test_the_documented_curl_examples_and_the_python_example_run(gallery_server, tmp_path):
    import re
    import shutil

    server = gallery_server[0]
    for name, source in (("ada.jpg", "obama.jpg"), ("ada2.jpg", "obama2.jpg"),
                         ("bob.jpg", "biden.jpg"), ("group.jpg", "t1.jpg")):
        shutil.copy(photo(source), tmp_path / name)
    guide = (ROOT / "docs" / "identification.md").read_text()
    blocks = [b for b in re.findall(r"```bash\n(.*?)```", guide, re.S) if "curl " in b]
    assert len(blocks) >= 8
    answers = []
    for block in blocks:
        command = block.replace("http://localhost:3000", server.url)
        result = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        answer = json.loads(result.stdout)
        assert "detail" not in answer, (block, answer)
        answers.append(answer)
    identified = next(a for a in answers if "faces" in a and "top_k" in a)
    assert identified["faces"][0]["subject_id"] == "ada"
    assert next(a for a in answers if "faces_compared" in a)["match"] is True
    clusters = next(a for a in answers if "clusters" in a)["clusters"]
    assert [sorted(f["photo"] for f in c["faces"]) for c in clusters] == [[0, 2], [1]]

    example = subprocess.run([sys.executable, str(ROOT / "examples" / "gallery_httpx.py"),
                              server.url, "ada.jpg", "bob.jpg", "ada2.jpg"], cwd=tmp_path,
                             capture_output=True, text=True, timeout=300)
    assert example.returncode == 0, example.stdout + example.stderr
    assert "enrolled ada" in example.stdout and ": Ada (nearest ada" in example.stdout


def test_a_folder_is_imported_and_the_import_resumes(http, gallery_server, tmp_path):
    server = gallery_server[0]
    import shutil

    people = tmp_path / "people"
    for person, names in (("Barack Obama", ("obama.jpg", "obama2.jpg")),
                          ("Joe_Biden", ("biden.jpg",)), ("Crowd", ("t1.jpg",))):
        (people / person).mkdir(parents=True)
        for name in names:
            shutil.copy(photo(name), people / person / name)
    command = [sys.executable, "-m", "gallery", "import", str(people), "--gallery", "imported",
               "--url", server.url]
    environment = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    first = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # interrupt it once a photo is in
        listed = http.get("/galleries/imported/faces")
        if listed.status_code == 200 and listed.json()["total"] >= 1:
            break
        time.sleep(0.2)
    first.kill()
    first.wait()
    again = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stdout + again.stderr
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["skipped"] >= 1 and summary["refused"] + summary["skipped"] >= 1
    subjects = http.get("/galleries/imported/subjects").json()["subjects"]
    assert {(s["subject_id"], s["display_name"], s["face_count"]) for s in subjects} == \
        {("Barack_Obama", "Barack Obama", 2), ("Joe_Biden", "Joe_Biden", 1)}
    journal = Path(summary["journal"]).read_text()
    assert "Crowd/t1.jpg" in journal and "several_faces" in journal
    last = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True,
                          timeout=300)
    assert json.loads(last.stdout.strip().splitlines()[-1])["enrolled"] == 0
