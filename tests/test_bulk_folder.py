"""`python -m bulk analyse FOLDER`: a real folder of photos (one of them broken), against
a real server and in-process, interrupted and resumed."""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bulk.folder import Output, photos_in
from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ("obama.jpg", "biden.jpg", "grace_hopper.jpg", "obama2.jpg", "obama3.jpg")


def make_folder(where: Path, copies: int) -> Path:
    """`copies` rounds of real photos (a group photo in a sub-folder), a broken JPEG and
    a text file that is not a photo."""
    folder = where / "photos"
    (folder / "group").mkdir(parents=True)
    for round_ in range(copies):
        for name in PHOTOS:
            shutil.copy(photo(name), folder / f"{round_:02d}-{name}")
    shutil.copy(photo("multi_face.jpg"), folder / "group" / "multi_face.jpg")
    (folder / "broken.jpg").write_bytes(photo("obama.jpg").read_bytes()[:300])
    (folder / "notes.txt").write_text("not a photo")
    return folder


def bulk(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bulk", "analyse", *args], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


@pytest.mark.server
def test_interrupted_run_resumes_and_lists_the_broken_photo(server, tmp_path):
    folder = make_folder(tmp_path, copies=3)
    out = tmp_path / "results.jsonl"
    expected = photos_in(folder)
    assert len(expected) == 3 * len(PHOTOS) + 2 and "notes.txt" not in expected
    first = bulk(str(folder), "--server", server, "--out", str(out), "--batch", "1")
    deadline = time.monotonic() + 300
    while (not out.exists() or len(out.read_text().splitlines()) < 3) \
            and time.monotonic() < deadline and first.poll() is None:
        time.sleep(0.02)
    assert first.poll() is None, "the first run ended before it could be interrupted"
    first.send_signal(signal.SIGKILL)  # as hard as an interruption gets: nothing tidied
    first.communicate()
    kept = set(Output(out).done())  # a line the kill cut off is dropped
    assert 3 <= len(kept) < len(expected)

    second = bulk(str(folder), "--server", server, "--out", str(out), "--batch", "4")
    _, err = second.communicate(timeout=600)
    assert second.returncode == 1, err  # one photo failed
    rows = lines(out)
    assert sorted(row["path"] for row in rows) == expected  # each photo once, none lost
    assert f"{len(kept)} already in {out}, {len(expected) - len(kept)} to analyse" in err
    assert "photos/s" in err and "ETA" in err
    broken = next(row for row in rows if row["path"] == "broken.jpg")
    assert broken["status"] >= 400 and broken["error"]["code"]
    assert err.strip().splitlines()[-1].startswith("  broken.jpg: ")  # the errors, at the end
    group = next(row for row in rows if row["path"] == "group/multi_face.jpg")
    assert group["status"] == 200 and group["result"]["face_count"] == 5
    ages = {row["result"]["faces"][0]["age"] for row in rows if row["path"].endswith("-obama.jpg")}
    assert len(ages) == 1  # the same photo, the same answer in every group and run

    third = bulk(str(folder), "--server", server, "--out", str(out))
    _, err = third.communicate(timeout=300)
    assert "0 to analyse" in err and third.returncode == 1 and len(lines(out)) == len(expected)


@pytest.mark.server
def test_in_process_csv_gives_the_servers_answers(server, tmp_path):
    folder = tmp_path / "few"
    folder.mkdir()
    for name in ("obama.jpg", "grace_hopper.jpg"):
        shutil.copy(photo(name), folder / name)
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    served, local = tmp_path / "served.jsonl", tmp_path / "local.csv"
    for args, out in ((["--server", server], served), ([], local)):
        run = bulk(str(folder), *args, "--out", str(out), "--attributes", "age,gender")
        _, err = run.communicate(timeout=600)
        assert run.returncode == 1 and "broken.png: " in err, err
    rows = list(csv.DictReader(local.open()))
    assert [row["path"] for row in rows] == ["broken.png", "grace_hopper.jpg", "obama.jpg"]
    assert rows[0]["error_code"] and rows[0]["status"].startswith("4")
    for row, answer in zip(rows[1:], lines(served)[1:]):
        face = answer["result"]["faces"][0]
        assert json.loads(row["bbox"]) == face["bbox"]
        assert float(row["age"]) == face["age"] and row["gender"] == face["gender"]["value"]


def test_a_line_cut_by_an_interruption_is_dropped(tmp_path):
    out = tmp_path / "results.jsonl"
    out.write_text('{"path": "a.jpg", "status": 200, "result": {}}\n{"path": "b.jp')
    assert set(Output(out).done()) == {"a.jpg"}
    assert out.read_text().endswith("}\n")
