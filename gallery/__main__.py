"""The gallery's command line, against a running server:

    python -m gallery import PHOTOS --gallery staff [--url http://127.0.0.1:3000]
    python -m gallery migrate staff [--url ...]

`import` enrols a folder with one subfolder per person (the subfolder's name is the
subject id and display name), with a progress bar. It resumes after an
interruption: each photo is enrolled with its path as `source`, which the server
enrols once, and the photos already in the gallery are skipped; photos the server
refused (no face, several faces, low quality) are listed in a journal under
~/.cache/face-analysis (never in the photos' folder) and not sent again.

`migrate` re-makes a gallery's templates with the server's embedding model, from
the face crops stored at enrolment, after the model changed; the gallery answers
again once every face is done. It also resumes: each step is a transaction.

The API key, when the server has one: --api-key or FACE_API_KEY.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import httpx

import settings

PHOTO_SUFFIXES = {".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"}
REFUSED_CODES = {"no_face", "several_faces", "low_quality", "unsupported_format",
                 "too_large", "too_many_pixels"}


def subject_of(folder: str) -> str:
    """A subject id from a folder name: characters the API refuses become '_'."""
    cleaned = re.sub(r"[^A-Za-z0-9_.@-]", "_", folder).lstrip("_.@-")[:128]
    return cleaned or hashlib.sha256(folder.encode()).hexdigest()[:16]


def photos_of(root: Path) -> list[tuple[str, str, Path]]:
    """(subject id, display name, photo) for every photo, in a stable order."""
    found = []
    for person in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for photo in sorted(person.iterdir()):
            if photo.is_file() and photo.suffix.lower() in PHOTO_SUFFIXES:
                found.append((subject_of(person.name), person.name, photo))
    return found


def journal_path(root: Path, gallery: str) -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME", "~/.cache")).expanduser() / "face-analysis"
    digest = hashlib.sha256(f"{root.resolve()}\0{gallery}".encode()).hexdigest()[:16]
    return cache / f"gallery-import-{gallery}-{digest}.jsonl"


class Client:
    def __init__(self, url: str, api_key: str | None, timeout: float = 120.0):
        headers = {"X-API-Key": api_key} if api_key else {}
        self.http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout)

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        return self.http.request(method, path, **kwargs)

    def ensure_gallery(self, name: str) -> None:
        answer = self.call("GET", f"/galleries/{name}")
        if answer.status_code == 404:
            created = self.call("POST", "/galleries", json={"name": name})
            if created.status_code not in (200, 409):
                raise SystemExit(f"cannot create gallery {name}: {created.text}")
        elif answer.status_code != 200:
            raise SystemExit(f"gallery {name}: {answer.status_code} {answer.text}")

    def sources(self, gallery: str) -> set[str]:
        found, offset = set(), 0
        while True:
            page = self.call("GET", f"/galleries/{gallery}/faces",
                             params={"limit": 1000, "offset": offset})
            page.raise_for_status()
            faces = page.json()["faces"]
            found |= {f["source"] for f in faces if f["source"]}
            offset += len(faces)
            if not faces or offset >= page.json()["total"]:
                return found


def run_import(args) -> int:
    from tqdm import tqdm

    root = Path(args.folder)
    if not root.is_dir():
        raise SystemExit(f"{root} is not a folder")
    client = Client(args.url, args.api_key)
    client.ensure_gallery(args.gallery)
    journal = journal_path(root, args.gallery)
    journal.parent.mkdir(parents=True, exist_ok=True)
    refused = {}
    if journal.exists():
        for line in journal.read_text().splitlines():
            if line.strip():
                entry = json.loads(line)
                refused[entry["source"]] = entry
    done = client.sources(args.gallery)
    todo = [(s, n, p) for s, n, p in photos_of(root)
            if p.relative_to(root).as_posix() not in done | set(refused)]
    counts = {"enrolled": 0, "refused": 0, "skipped": len(photos_of(root)) - len(todo)}
    with journal.open("a") as log, tqdm(total=len(todo), unit="photo", disable=args.quiet,
                                        desc=f"import into {args.gallery}") as bar:
        for subject, name, photo in todo:
            source = photo.relative_to(root).as_posix()
            fields = {"display_name": name, "source": source}
            if args.largest_face:
                fields["face_index"] = "0"
            answer = client.call("POST", f"/galleries/{args.gallery}/subjects/{subject}/faces",
                                 files={"file": (photo.name, photo.read_bytes())}, data=fields)
            if answer.status_code == 200:
                counts["enrolled"] += 1
            elif answer.status_code in (413, 415, 422) and \
                    answer.json().get("code") in REFUSED_CODES:
                counts["refused"] += 1
                log.write(json.dumps({"source": source, "status": answer.status_code,
                                      **answer.json()}) + "\n")
                log.flush()
            else:
                raise SystemExit(f"{source}: {answer.status_code} {answer.text[:300]} "
                                 "(run the same command again to resume)")
            bar.update(1)
    print(json.dumps({"gallery": args.gallery, **counts, "journal": str(journal)}))
    return 0


def run_migrate(args) -> int:
    from tqdm import tqdm

    client = Client(args.url, args.api_key, timeout=600.0)
    bar = None
    while True:
        answer = client.call("POST", f"/galleries/{args.gallery}/migrate",
                             json={"batch": args.batch})
        if answer.status_code != 200:
            raise SystemExit(f"migrate: {answer.status_code} {answer.text[:300]}")
        step = answer.json()
        if bar is None:
            bar = tqdm(total=step["migrated"] + step["remaining"], unit="face",
                       disable=args.quiet, desc=f"migrate {args.gallery} to {step['model']}")
        bar.update(step["migrated"])
        if step["failed"]:
            bar.close()
            print(json.dumps(step))
            raise SystemExit("some faces could not be re-made (listed above): delete them "
                             "or re-enrol them from a photo, then run migrate again")
        if step["done"]:
            bar.close()
            print(json.dumps({"gallery": args.gallery, "model": step["model"], "done": True}))
            return 0


def main(argv=None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--url", default="http://127.0.0.1:3000", help="the server")
    common.add_argument("--api-key", default=(settings.raw("FACE_API_KEY") or "").split(",")[0]
                        or None, help="the server's API key (default: FACE_API_KEY's first)")
    common.add_argument("--quiet", action="store_true", help="no progress bar")
    parser = argparse.ArgumentParser(prog="python -m gallery",
                                     description=__doc__.split("\n\n")[0])
    verbs = parser.add_subparsers(dest="verb", required=True)
    load = verbs.add_parser("import", parents=[common],
                            help="enrol a folder of person subfolders")
    load.add_argument("folder")
    load.add_argument("--gallery", required=True)
    load.add_argument("--largest-face", action="store_true",
                      help="enrol the largest face of a photo with several (else refused)")
    move = verbs.add_parser("migrate", parents=[common], help="re-make a gallery's templates "
                            "with the server's embedding model")
    move.add_argument("gallery")
    move.add_argument("--batch", type=int, default=20, help="faces per step (1-200)")
    args = parser.parse_args(argv)
    return run_import(args) if args.verb == "import" else run_migrate(args)


if __name__ == "__main__":
    sys.exit(main())
