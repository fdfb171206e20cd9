"""What the gallery keeps when things go wrong, on a real server with API keys, once
on SQLite and once on a real PostgreSQL server (the same tests): galleries scoped
by key, concurrent enrols of one subject, an enrol racing a delete, and a SIGKILL
in the middle of enrolling that loses nothing answered 200 and leaves no
half-written subject (the module's last test: it kills its backend's server)."""

from __future__ import annotations

import os
import signal
import sqlite3
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from gallery.database import open_database
from gallery.store import GalleryStore
from testkit.server import Server
from tests.gallery_fixtures import BACKENDS, new_database_url, postgres  # noqa: F401
from tests.test_gallery_api import LOGS, error_of, upload

KEYS = ("key-a", "key-b")


@pytest.fixture(scope="module", params=BACKENDS)
def keyed_server(request, default_models, tmp_path_factory):
    """(server, data folder, database URL) for each backend."""
    folder = tmp_path_factory.mktemp(f"gallery-keyed-{request.param}")
    pg = request.getfixturevalue("postgres") if request.param == "postgresql" else None
    # SQLite as the README's serve command has it: the default file in the data folder
    url = new_database_url(request.param, pg, folder) if pg else ""
    server = Server(env={"FACE_GALLERY_DATABASE": url, "FACE_GALLERY_DIR": str(folder),
                         "FACE_API_KEY": ",".join(KEYS)},
                    log_path=LOGS / f"server-gallery-keyed-{request.param}.log")
    with server:
        yield server, folder, url


def client(server, key: str | None) -> httpx.Client:
    return httpx.Client(base_url=server.url, timeout=180,
                        headers={"X-API-Key": key} if key else {})


def test_a_gallery_belongs_to_the_key_that_created_it(keyed_server):
    server = keyed_server[0]
    with client(server, "key-a") as a, client(server, "key-b") as b, \
            client(server, None) as nobody:
        error_of(nobody.get("/galleries"), 401)
        assert a.post("/galleries", json={"name": "mine"}).status_code == 200
        assert "mine" in [g["name"] for g in a.get("/galleries").json()["galleries"]]
        assert "mine" not in [g["name"] for g in b.get("/galleries").json()["galleries"]]
        error_of(b.get("/galleries/mine"), 404, "no_gallery")
        error_of(b.post("/galleries/mine/identify", **upload("obama.jpg")), 404, "no_gallery")
        error_of(b.delete("/galleries/mine"), 404)
        assert b.post("/galleries", json={"name": "mine"}).status_code == 200  # its own
        assert a.get("/galleries/mine").json()["subject_count"] == 0
        assert "owner" not in a.get("/galleries/mine").json()


def test_concurrent_enrols_of_one_subject_all_land(keyed_server):
    server = keyed_server[0]
    with client(server, "key-a") as a:
        assert a.post("/galleries", json={"name": "together"}).status_code == 200
        names = ["obama.jpg", "obama2.jpg", "obama3.jpg"] * 2
        with ThreadPoolExecutor(len(names)) as pool:
            answers = list(pool.map(lambda name: a.post(
                "/galleries/together/subjects/same/faces", **upload(name)), names))
        assert [r.status_code for r in answers] == [200] * len(names), \
            [r.text for r in answers]
        subject = a.get("/galleries/together/subjects/same").json()
        assert subject["face_count"] == len(names)
        assert sorted(f["face_id"] for f in subject["faces"]) == \
            sorted(r.json()["face_id"] for r in answers)


def test_an_enrol_racing_a_delete_ends_consistently(keyed_server):
    server = keyed_server[0]
    with client(server, "key-a") as a:
        assert a.post("/galleries", json={"name": "race"}).status_code == 200

        def enrol(name):
            return a.post("/galleries/race/subjects/racer/faces", **upload(name))

        def delete(_):
            return a.delete("/galleries/race/subjects/racer")

        with ThreadPoolExecutor(6) as pool:
            work = [pool.submit(enrol, n) for n in ("obama.jpg", "obama2.jpg", "obama3.jpg")]
            work += [pool.submit(delete, None) for _ in range(3)]
            answers = [w.result() for w in work]
        assert all(r.status_code == 200 for r in answers[:3]), [r.text for r in answers]
        assert all(r.status_code in (200, 404) for r in answers[3:])
        enrolled = {r.json()["face_id"] for r in answers[:3]}
        listed = a.get("/galleries/race/faces").json()["faces"]
        assert {f["face_id"] for f in listed} <= enrolled
        found = a.get("/galleries/race/subjects/racer")
        if listed:
            assert found.json()["face_count"] == len(listed)
        else:
            assert found.status_code == 404
        probe = a.post("/galleries/race/identify", **upload("obama.jpg")).json()
        assert bool(probe["faces"][0]["matches"]) == bool(listed)


def test_sigkill_during_enrolment_loses_nothing_answered(keyed_server):
    server, folder, url = keyed_server
    with client(server, "key-a") as a:
        assert a.post("/galleries", json={"name": "crash"}).status_code == 200
        names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"] * 3
        answered = []

        def enrol(number):
            try:
                answer = a.post(f"/galleries/crash/subjects/person{number % 4}/faces",
                                **upload(names[number]))
            except httpx.HTTPError:
                return None  # killed before it answered
            if answer.status_code == 200:
                answered.append(answer.json())
                if len(answered) == 3:  # mid-way: others are being analysed or written
                    for pid in server.pids():
                        os.kill(pid, signal.SIGKILL)
            return answer.status_code

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(enrol, range(len(names))))
    assert server.process.wait(timeout=30) == -signal.SIGKILL
    assert 3 <= len(answered) < len(names)
    if not url:
        assert sqlite3.connect(folder / "gallery.sqlite3").execute("PRAGMA integrity_check").fetchone() == \
            ("ok",)
    store = GalleryStore(open_database(url, folder))  # what a restarted server opens
    gallery = store.gallery("crash", __import__("hashlib").sha256(b"key-a").hexdigest())
    faces = {f["face_id"]: f for f in store.list_faces(gallery["id"], limit=1000)["faces"]}
    assert {a["face_id"] for a in answered} <= set(faces)
    for record in answered:
        assert faces[record["face_id"]]["subject_id"] == record["subject_id"]
        assert store.face(gallery["id"], record["face_id"])["templates"]
    listed = store.list_subjects(gallery["id"])["subjects"]
    assert all(s["face_count"] >= 1 for s in listed)
    with store.db.read() as run:
        assert run("SELECT count(*) FROM faces f WHERE NOT EXISTS (SELECT 1 FROM templates t "
                   "WHERE t.face_id = f.id)")[0][0] == 0
        assert run("SELECT count(*) FROM subjects s WHERE NOT EXISTS (SELECT 1 FROM faces f "
                   "WHERE f.subject_id = s.id)")[0][0] == 0
