"""The gallery benchmark (issue 27): open-set identification on LFW, search latency,
memory and recall at scale, and enrol throughput. Not a timed test: figures go to
docs/benchmarks.md with the command that made them.

    nice -n 10 python -m bench.gallery --lfw --scale 10000,100000,1000000

LFW (--lfw): the development split's LFW photos (../shared/labelled-faces,
muxspace_facial_expressions). Every identity with two or more photos enrols its
first photo (sorted by path) into a gallery through a real server's API; its other
photos are the mated probes, and the identities with one photo are the non-mated
probes (people not in the gallery). Each probe's template (/templates/extract)
is identified against the gallery (/galleries/{g}/identify with the template) for
its nearest subject and distance. Answers, in NIST FRVT 1:N terms: rank-1
accuracy of the mated probes; FNIR at FPIR 1% (the threshold at which 1% of the
non-mated probes get a name; a mated probe is missed unless its mate is first
and under the threshold); and both rates at the served default threshold
(FACE_GALLERY_FAR). Enrol throughput: enrolments a second through the API, each
photo's detection, quality check and embedding included, one client at a time.

Scale (--scale): synthetic templates shaped like dlib's (128-d; subjects of four
faces each, same-person distances about 0.45, different people about 0.9, as the
calibration table measured), in gallery.search's exact and approximate indexes.
Per size and kind: the index's build time and RSS, the identify search's latency
p50/p99 over probe faces (the search and the answer's subject names from the
database: what identify adds beyond the face's analysis), and for approximate,
recall@1: how often its nearest subject is exact's.
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT.parent / "shared" / "labelled-faces"
SHARED_FALLBACK = Path("/work/shared/labelled-faces")
FACES_PER_SUBJECT = 4
PROBES = 300


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values, q) -> float:
    return float(np.percentile(np.asarray(values, np.float64), q))


# ------------------------------------------------------------------ LFW
def lfw_people(folder: Path) -> dict[str, list[Path]]:
    people = defaultdict(set)
    with open(folder / "index.csv") as index:
        for row in csv.DictReader(index):
            if row["label_kind"] == "identity" and "muxspace" in row["path"]:
                people[row["label"]].add(row["path"])
    return {name: [folder / p for p in sorted(paths)] for name, paths in sorted(people.items())}


def fnir_at_fpir(mated: list[tuple[bool, float]], non_mated: list[float], fpir: float):
    """(threshold, FNIR): the threshold under which `fpir` of the non-mated probes'
    nearest distances fall, and the share of mated probes not named right under it."""
    distances = np.sort(np.asarray(non_mated, np.float64))
    allowed = int(np.floor(fpir * len(distances)))
    threshold = float(distances[allowed]) if allowed < len(distances) else float("inf")
    hits = sum(1 for right, distance in mated if right and distance < threshold)
    return threshold, 1.0 - hits / len(mated)


def run_lfw(folder: Path, limit: int | None, non_mated_limit: int | None) -> dict:
    import httpx

    from gallery.__main__ import subject_of
    from testkit.server import Server

    people = lfw_people(folder)
    enrolled = {n: paths[0] for n, paths in people.items() if len(paths) >= 2}
    mated = [(n, p) for n, paths in people.items() if len(paths) >= 2 for p in paths[1:]]
    non_mated = [(n, paths[0]) for n, paths in people.items() if len(paths) == 1]
    if limit:
        enrolled = dict(list(enrolled.items())[:limit])
        mated = [(n, p) for n, p in mated if n in enrolled]
    if non_mated_limit:
        non_mated = non_mated[:non_mated_limit]
    data = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-gallery-{os.getpid()}"
    server = Server(env={"FACE_GALLERY_DIR": str(data)},
                    log_path=ROOT / ".pytest_cache" / "server-bench-gallery.log")
    refused: dict[str, int] = defaultdict(int)
    with server, httpx.Client(base_url=server.url, timeout=300) as api:
        api.post("/galleries", json={"name": "lfw"}).raise_for_status()
        started = time.perf_counter()
        for name, path in enrolled.items():
            answer = api.post(f"/galleries/lfw/subjects/{subject_of(name)}/faces",
                              files={"file": (path.name, path.read_bytes())},
                              data={"display_name": name, "face_index": "0",
                                    "min_quality": "0"})
            if answer.status_code != 200:
                refused[answer.json().get("code", str(answer.status_code))] += 1
        enrol_s = time.perf_counter() - started
        names = {s["display_name"] for s in api.get("/galleries/lfw/subjects",
                                                    params={"limit": 1000}).json()["subjects"]}

        def nearest(path: Path):
            extracted = api.post("/templates/extract", files={"file": (path.name,
                                                                       path.read_bytes())})
            faces = extracted.json().get("faces") or []
            if extracted.status_code != 200 or not faces:
                return None
            found = api.post("/galleries/lfw/identify", json={"template": faces[0]["$template"],
                                                              "top_k": 1}).json()
            matches = found["faces"][0]["matches"]
            return (matches[0]["display_name"], matches[0]["distance"], found) if matches \
                else (None, float("inf"), found)

        mated_results, non_mated_results, unfound = [], [], 0
        for name, path in mated:
            if name not in names:
                continue  # its gallery photo was refused: not a mated search
            hit = nearest(path)
            if hit is None:
                unfound += 1
                mated_results.append((False, float("inf")))
            else:
                mated_results.append((hit[0] == name, hit[1]))
                served = hit[2]
        for name, path in non_mated:
            hit = nearest(path)
            if hit is None:
                unfound += 1
            else:
                non_mated_results.append(hit[1])
    rank1 = sum(right for right, _ in mated_results) / len(mated_results)
    threshold, fnir = fnir_at_fpir(mated_results, non_mated_results, 0.01)
    default = served["threshold"]
    return {
        "gallery_subjects": len(names), "enrol_refused": dict(refused),
        "mated_probes": len(mated_results), "non_mated_probes": len(non_mated_results),
        "probes_without_face": unfound,
        "rank1_accuracy": round(rank1, 4),
        "fnir_at_fpir_1pct": round(fnir, 4), "threshold_at_fpir_1pct": round(threshold, 4),
        "served_threshold": default, "served_far": served["far"],
        "served_fpir": round(float(np.mean([d < default for d in non_mated_results])), 4),
        "served_fnir": round(1 - sum(1 for r, d in mated_results if r and d < default)
                             / len(mated_results), 4),
        "enrol_per_s": round(len(enrolled) / enrol_s, 3), "enrolments": len(enrolled),
        "model": served["model"],
    }


# ------------------------------------------------------------------ scale
def synthetic(count: int, seed: int):
    """(vectors, subjects, probes, probe subjects): dlib-like raw descriptors."""
    rng = np.random.default_rng(seed)
    subjects = count // FACES_PER_SUBJECT
    centres = rng.normal(size=(subjects, 128)).astype(np.float32)
    # two centres about 0.9 apart: each of norm 0.9 / sqrt(2), nearly orthogonal
    centres *= 0.9 / np.sqrt(2) / np.linalg.norm(centres, axis=1, keepdims=True)
    spread = 0.45 / np.sqrt(2 * 128)  # two faces of one subject: about 0.45 apart
    owner = np.repeat(np.arange(subjects), FACES_PER_SUBJECT)[:count]
    vectors = centres[owner] + rng.normal(scale=spread, size=(count, 128)).astype(np.float32)
    chosen = rng.integers(0, subjects, PROBES)
    probes = centres[chosen] + rng.normal(scale=spread, size=(PROBES, 128)).astype(np.float32)
    return vectors.astype(np.float32), owner, probes.astype(np.float32)


def measure(index, probes, store, rows, record: dict) -> list[int]:
    """Identify's search and names lookup per probe into `record`; the nearest subjects."""
    times, searches, cpu, best = [], [], [], []
    for probe in probes:
        started, cpu_started = time.perf_counter(), time.process_time()
        hits = index.search(probe, 5)
        searched = time.perf_counter()
        store.subjects_by_row([rows[s % len(rows)] for s, _, _ in hits])
        times.append((time.perf_counter() - started) * 1000)
        searches.append((searched - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        best.append(hits[0][0])
    # wall: what a client waits on this crowded host; CPU: the work itself,
    # without the waits for a core that other engineers' jobs cause
    record.update(p50_ms=round(percentile(times, 50), 3), p99_ms=round(percentile(times, 99), 3),
                  search_p50_ms=round(percentile(searches, 50), 3),
                  search_p99_ms=round(percentile(searches, 99), 3),
                  cpu_p50_ms=round(percentile(cpu, 50), 3),
                  cpu_p99_ms=round(percentile(cpu, 99), 3))
    return best


def run_scale(sizes: list[int], kinds: list[str], max_build_s: float, folder: Path,
              search_expansions: list[int] = ()) -> list[dict]:
    from analyzers.face_models.embedding import DLIB
    from gallery.database import open_database
    from gallery.search import make_index
    from gallery.store import GalleryStore

    # the names lookup of an identify answer reads a real gallery database
    store = GalleryStore(open_database("", folder))
    gallery = store.create_gallery(f"bench{os.getpid()}")
    with store.db.write() as run:
        for number in range(1000):
            run("INSERT INTO subjects (gallery_id, subject, display_name, metadata, created_at, "
                "updated_at) VALUES (?, ?, ?, '{}', 0, 0)", (gallery["id"], f"s{number}",
                                                             f"Subject {number}"))
        rows = [r[0] for r in run("SELECT id FROM subjects WHERE gallery_id = ?",
                                  (gallery["id"],))]
    results = []
    for size in sizes:
        vectors, owner, probes = synthetic(size, seed=size)
        exact_best = None
        for kind in kinds:
            gc.collect()
            before = rss_mb()
            index = make_index(kind, DLIB, 128)
            started, cpu_started = time.perf_counter(), time.process_time()
            chunk = 10_000
            built = True
            for start in range(0, size, chunk):
                stop = min(size, start + chunk)
                # as a replica's first load of a gallery does (the HNSW on every core)
                index.add(np.arange(start + 1, stop + 1), owner[start:stop], vectors[start:stop])
                if time.perf_counter() - started > max_build_s:
                    built = False
                    break
            build_s = time.perf_counter() - started
            build_cpu_s = time.process_time() - cpu_started
            record = {"templates": size, "index": kind, "build_s": round(build_s, 1),
                      "build_cpu_s": round(build_cpu_s, 1),
                      "built_per_s": round((stop if not built else size) / build_s, 1)}
            if not built:
                record.update(p50_ms=None, p99_ms=None, rss_mb=None, recall_at_1=None,
                              unavailable=f"the build passed --max-build-s {max_build_s:g} s "
                                          f"at {stop:,} templates on this shared machine")
                results.append(record)
                print(json.dumps(record), flush=True)
                del index
                continue
            record["rss_mb"] = round(rss_mb() - before, 1)
            # the approximate index again at each other search expansion, on the same graph
            expansions = [None] + (search_expansions if kind == "approximate" else [])
            for expansion in expansions:
                if expansion is not None:
                    index.graph.expansion_search = expansion
                    record = {"templates": size, "index": kind, "build_s": record["build_s"],
                              "build_cpu_s": record["build_cpu_s"],
                              "built_per_s": record["built_per_s"], "rss_mb": record["rss_mb"]}
                if kind == "approximate":
                    record["expansion_search"] = index.graph.expansion_search
                best = measure(index, probes, store, rows, record)
                if kind == "exact":
                    exact_best = best
                elif exact_best is not None:
                    record["recall_at_1"] = round(float(np.mean(np.array(best) ==
                                                                np.array(exact_best))), 4)
                results.append(record)
                print(json.dumps(record), flush=True)
            del index
        del vectors
    return results


P99_GOAL_MS = 50.0  # issue 27: identify p99 beyond the face's analysis at 100k templates
RECALL_GOAL = 0.99


def goals(results: list[dict]) -> list[str]:
    """Issue 27's goals against the records measured: value, ratio to the goal, and
    met / missed / unmeasured (an index that was not built)."""
    lines = []
    for record in results:
        name = f"{record['templates']:,} {record['index']}" + (
            f" (expansion_search {record['expansion_search']})"
            if "expansion_search" in record else "")
        if record["templates"] == 100_000:
            if record.get("p99_ms") is None:
                lines.append(f"identify p99 <= {P99_GOAL_MS:g} ms at {name}: unmeasured "
                             f"({record.get('unavailable')})")
            else:
                ratio = record["p99_ms"] / P99_GOAL_MS
                lines.append(f"identify p99 <= {P99_GOAL_MS:g} ms at {name}: {record['p99_ms']} ms "
                             f"wall (CPU {record['cpu_p99_ms']} ms), ratio {ratio:.2f}: "
                             f"{'met' if ratio <= 1 else 'missed'}")
        if record["index"] == "approximate":
            recall = record.get("recall_at_1")
            if recall is None:
                lines.append(f"recall@1 >= {RECALL_GOAL} at {name}: unmeasured "
                             f"({record.get('unavailable', 'no exact run beside it')})")
            else:
                lines.append(f"recall@1 >= {RECALL_GOAL} at {name}: {recall}: "
                             f"{'met' if recall >= RECALL_GOAL else 'missed'}")
    return lines


def run_matvec(rows: int, rounds: int) -> dict:
    """The exact index's product, numpy's `@` (BLAS, threaded) against einsum (one
    thread), alternating in one process: CPU (every thread) and wall ms per product."""
    rng = np.random.default_rng(0)
    matrix = rng.random((rows, 128), dtype=np.float32)
    query = rng.random(128, dtype=np.float32)
    ways = {"matmul": lambda: matrix @ query,
            "einsum": lambda: np.einsum("ij,j->i", matrix, query)}
    measured = {name: {"cpu": [], "wall": []} for name in ways}
    for _ in range(rounds):
        for name, product in ways.items():
            started, cpu = time.perf_counter(), time.process_time()
            product()
            measured[name]["wall"].append((time.perf_counter() - started) * 1000)
            measured[name]["cpu"].append((time.process_time() - cpu) * 1000)
    return {name: {f"{kind}_p50_ms": round(percentile(values, 50), 3)
                   for kind, values in figures.items()} for name, figures in measured.items()}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lfw", action="store_true", help="the LFW open-set run")
    parser.add_argument("--lfw-limit", type=int, default=None,
                        help="at most this many gallery identities (alphabetical)")
    parser.add_argument("--non-mated-limit", type=int, default=None,
                        help="at most this many non-mated probes (alphabetical)")
    parser.add_argument("--scale", default="", help="template counts, e.g. 10000,100000")
    parser.add_argument("--kinds", default="exact,approximate")
    parser.add_argument("--search-expansions", default="",
                        help="the approximate index measured again at these expansion_search "
                             "values, e.g. 512,1024 (the served one first)")
    parser.add_argument("--max-build-s", type=float, default=900.0,
                        help="give up an index whose build takes longer")
    parser.add_argument("--matvec", type=int, default=0,
                        help="compare the exact index's product ways on this many rows")
    parser.add_argument("--out", default=None, help="JSON results (default bench/results/)")
    args = parser.parse_args(argv)
    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "command": "python -m bench.gallery " + " ".join(argv or sys.argv[1:]),
              "cpus": os.cpu_count(), "load_average_at_start": os.getloadavg()}
    if args.lfw:
        folder = LABELLED if LABELLED.is_dir() else SHARED_FALLBACK
        report["lfw"] = run_lfw(folder, args.lfw_limit, args.non_mated_limit)
        print(json.dumps(report["lfw"]), flush=True)
    if args.scale:
        folder = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-gallery-scale-{os.getpid()}"
        report["scale"] = run_scale([int(s) for s in args.scale.split(",")],
                                    args.kinds.split(","), args.max_build_s, folder,
                                    [int(e) for e in args.search_expansions.split(",") if e])
        report["goals"] = goals(report["scale"])
        for line in report["goals"]:
            print("goal:", line, flush=True)
    if args.matvec:
        report["matvec"] = run_matvec(args.matvec, 200)
        print(json.dumps(report["matvec"]), flush=True)
    report["load_average_at_end"] = os.getloadavg()
    out = Path(args.out) if args.out else ROOT / "bench" / "results" / \
        f"gallery-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1))
    print(f"written {out}")


if __name__ == "__main__":
    main()
