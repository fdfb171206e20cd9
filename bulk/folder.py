"""Analyse every photo of a folder into one results file, resumably.

The photos are the folder's image files (recursively, by relative path). The results
file is JSON Lines (one line per photo: {"path", "status", "result" | "error"}) or
CSV (one row per face, a photo without a face one row): each photo is written, and
flushed, as soon as its answer is there, so an interrupted run loses at most the
photos in flight, and a new run skips every photo the file already holds. A line cut
off by the interruption is dropped first. Photos go in groups to a `Runner`
(bulk/runners.py: a server's /analyze-batch, or the same batch flow in this process).
"""

from __future__ import annotations

import csv
import io
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff",
                            ".gif", ".heic", ".heif", ".avif", ".jfif"})
CSV_FIELDS = ("path", "status", "face", "bbox", "confidence", "age", "age_bracket", "gender",
              "gender_confidence", "emotion", "error_code", "error_detail")


def photos_in(folder: Path) -> list[str]:
    """The image files under `folder`, as sorted POSIX paths relative to it."""
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*")
                  if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES)


# ---------------------------------------------------------------- the output
class Output:
    """The results file: what it already holds, and appending to it."""

    def __init__(self, path: Path):
        self.path = path
        self.csv = path.suffix.lower() == ".csv"

    def _cut_partial_line(self) -> None:
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            with self.path.open("r+b") as file:
                file.truncate(data.rfind(b"\n") + 1)

    def done(self) -> dict[str, dict]:
        """path -> {"status", "error"} of every photo the file holds."""
        self._cut_partial_line()
        if not self.path.exists():
            return {}
        found: dict[str, dict] = {}
        text = self.path.read_text(encoding="utf-8")
        if self.csv:
            for row in csv.DictReader(io.StringIO(text)):
                found[row["path"]] = {"status": int(row["status"]), "error": {
                    "code": row["error_code"], "detail": row["error_detail"]}
                    if row["error_code"] or row["error_detail"] else None}
        else:
            for line in text.splitlines():
                if line.strip():
                    row = json.loads(line)
                    found[row["path"]] = {"status": row["status"], "error": row.get("error")}
        return found

    def open(self):
        new = not self.path.exists() or self.path.stat().st_size == 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.path.open("a", encoding="utf-8", newline="")
        if self.csv:
            self.writer = csv.DictWriter(self.file, CSV_FIELDS)
            if new:
                self.writer.writeheader()
        return self

    def write(self, row: dict) -> None:
        if self.csv:
            self.writer.writerows(csv_rows(row))
        else:
            self.file.write(json.dumps(row, separators=(",", ":")) + "\n")
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def csv_rows(row: dict) -> list[dict]:
    """A photo's answer as CSV rows: one per face, or one for a photo without any."""
    base = {"path": row["path"], "status": row["status"]}
    if row.get("error"):
        return [{**base, "error_code": row["error"].get("code"),
                 "error_detail": row["error"].get("detail")}]
    faces = row["result"].get("faces", [])
    if not faces:
        return [base]
    rows = []
    for index, face in enumerate(faces):
        gender = face.get("gender") or {}
        emotion = face.get("emotion") or {}
        rows.append({**base, "face": index, "bbox": json.dumps(face.get("bbox")),
                     "confidence": face.get("confidence"), "age": face.get("age"),
                     "age_bracket": face.get("age_bracket"), "gender": gender.get("value"),
                     "gender_confidence": gender.get("confidence"),
                     "emotion": emotion.get("dominant") if isinstance(emotion, dict) else None})
    return rows


# ---------------------------------------------------------------- progress
@dataclass
class Progress:
    """One line on a terminal (stderr), redrawn: done / total, rate and ETA."""

    total: int
    stream: object = sys.stderr
    width: int = 30
    started: float = field(default_factory=time.monotonic)
    done: int = 0
    failed: int = 0

    def advance(self, photos: int, failed: int = 0) -> None:
        self.done += photos
        self.failed += failed
        self.draw()

    def line(self) -> str:
        seconds = max(1e-9, time.monotonic() - self.started)
        rate = self.done / seconds
        left = self.total - self.done
        eta = f"{_clock(left / rate)}" if rate > 0 else "?"
        filled = int(self.width * self.done / max(1, self.total))
        return (f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} "
                f"{100 * self.done / max(1, self.total):.0f}%  {rate:.2f} photos/s  "
                f"ETA {eta}  elapsed {_clock(seconds)}  errors {self.failed}")

    def draw(self) -> None:
        end = "\r" if getattr(self.stream, "isatty", lambda: False)() else "\n"
        self.stream.write(self.line() + end)
        self.stream.flush()


def _clock(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


# ---------------------------------------------------------------- the run
Runner = Callable[[list[tuple[str, bytes | None]]], list[dict]]


def groups(folder: Path, paths: Iterable[str], size: int, max_bytes: int):
    """Lists of (path, bytes or None when unreadable) of at most `size` photos and
    `max_bytes` bytes (a photo larger than max_bytes alone: the server says why)."""
    group, total = [], 0
    for path in paths:
        try:
            data = (folder / path).read_bytes()
        except OSError:
            data = None
        size_of = len(data or b"")
        if group and (len(group) == size or total + size_of > max_bytes):
            yield group
            group, total = [], 0
        group.append((path, data))
        total += size_of
    if group:
        yield group


def analyse_folder(folder: Path, output: Output, run: Runner, size: int = 16,
                   max_bytes: int = 24 << 20, stream=sys.stderr) -> dict:
    """Analyse the photos of `folder` not yet in `output`; {"skipped", "analysed",
    "errors": [(path, status, error) over the whole output]}."""
    photos = photos_in(folder)
    before = output.done()
    todo = [path for path in photos if path not in before]
    progress = Progress(len(todo), stream)
    print(f"{len(photos)} photos in {folder}; {len(photos) - len(todo)} already in "
          f"{output.path}, {len(todo)} to analyse", file=stream)
    output.open()
    try:
        for group in groups(folder, todo, size, max_bytes):
            rows = run(group)
            for row in rows:
                output.write(row)
            progress.advance(len(rows), sum(1 for row in rows if row["status"] != 200))
    finally:
        output.close()
    after, present = output.done(), set(photos)
    errors = [(path, answer["status"], answer["error"]) for path, answer in after.items()
              if answer["status"] != 200 and path in present]
    return {"skipped": len(photos) - len(todo), "analysed": len(todo), "errors": errors}
