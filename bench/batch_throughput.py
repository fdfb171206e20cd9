"""64 photos as one /analyze-batch request against the same 64 photos as single
/analyze requests from 16 clients, on one server, side by side (issue 30, bulk).

    python -m bench.batch_throughput                 # 5 rounds
    python -m bench.batch_throughput --rounds 3 --json out.json

Each round sends both, in alternating order (batch first in even rounds), so the
host's drift hits both alike; it prints images/s of each, their ratio per round
(median and worst), and the CPU ms per photo of each server process (what bounds
the ratio on a machine of few cores: CPU time hardly depends on the other load).
Target: batch / singles >= 1.3.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import threading
import time
from pathlib import Path

import httpx
from PIL import Image

from bench.workloads import process_cpu_ms, run_clients, table
from testkit.photos import photo
from testkit.server import Server

PHOTOS = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "grace_hopper.jpg")
COUNT, CLIENTS = 64, 16


def photos(count: int = COUNT) -> list[tuple[str, bytes]]:
    """`count` real one-face photos, 640 px on the long side, the five cycled."""
    made = []
    for name in PHOTOS:
        image = Image.open(photo(name)).convert("RGB")
        scale = 640 / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=92)
        made.append((name, buffer.getvalue()))
    return [made[i % len(made)] for i in range(count)]


def singles(url: str, sent: list[tuple[str, bytes]], clients: int) -> float:
    """Seconds for every photo as its own /analyze, `clients` at a time."""
    todo = list(sent)
    lock, failures = threading.Lock(), []

    def worker():
        with httpx.Client(base_url=url, timeout=300) as http:
            while True:
                with lock:
                    if not todo:
                        return
                    name, data = todo.pop()
                response = http.post("/analyze", files={"file": (name, data)})
                if response.status_code != 200:
                    failures.append(response.text[:200])

    started = time.perf_counter()
    run_clients(worker, clients)
    assert not failures, failures[:3]
    return time.perf_counter() - started


def batch(url: str, sent: list[tuple[str, bytes]]) -> float:
    """Seconds for every photo in one /analyze-batch request."""
    with httpx.Client(base_url=url, timeout=300) as http:
        started = time.perf_counter()
        response = http.post("/analyze-batch", files=[("files", part) for part in sent])
        seconds = time.perf_counter() - started
    assert response.status_code == 200, response.text[:300]
    assert response.json()["succeeded"] == len(sent), response.text[:500]
    return seconds


def measured(server: Server, work) -> tuple[float, dict]:
    before = process_cpu_ms(server)
    seconds = work()
    after = process_cpu_ms(server)
    return seconds, {name: after[name] - before.get(name, 0.0) for name in after}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    sent = photos()
    rounds = []
    with Server() as server:
        kinds = {"batch": lambda: batch(server.url, sent),
                 "singles": lambda: singles(server.url, sent, CLIENTS)}
        batch(server.url, sent[:CLIENTS])  # warm up
        singles(server.url, sent[:CLIENTS], CLIENTS)
        for round_ in range(args.rounds):
            found = {}
            for kind in ("batch", "singles") if round_ % 2 == 0 else ("singles", "batch"):
                seconds, cpu = measured(server, kinds[kind])
                found[kind] = {"images_per_s": len(sent) / seconds,
                               "cpu_ms_per_photo": {k: v / len(sent) for k, v in cpu.items()}}
            found["ratio"] = found["batch"]["images_per_s"] / found["singles"]["images_per_s"]
            rounds.append(found)
            print(f"round {round_ + 1}: batch {found['batch']['images_per_s']:.2f} images/s, "
                  f"singles {found['singles']['images_per_s']:.2f} images/s, "
                  f"ratio {found['ratio']:.2f}", flush=True)
    ratios = [r["ratio"] for r in rounds]
    print(f"\n{COUNT} photos (1 face, 640 px) as one batch request / as {COUNT} requests at "
          f"{CLIENTS} clients, images/s: median {statistics.median(ratios):.2f}, worst "
          f"{min(ratios):.2f} over {len(ratios)} rounds; target >= 1.3: "
          f"{'met' if statistics.median(ratios) >= 1.3 else 'MISSED'}")
    names = sorted({name for r in rounds for kind in ("batch", "singles")
                    for name in r[kind]["cpu_ms_per_photo"]})
    rows = [[name] + [f"{statistics.median(r[kind]['cpu_ms_per_photo'].get(name, 0.0) for r in rounds):.1f}"
                      for kind in ("batch", "singles")] for name in names]
    rows.append(["all processes"] + [
        f"{statistics.median(sum(r[kind]['cpu_ms_per_photo'].values()) for r in rounds):.1f}"
        for kind in ("batch", "singles")])
    print("\nCPU ms per photo by process, median round:")
    print(table(rows, ["process", "batch", "singles"]))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rounds, indent=2))


if __name__ == "__main__":
    main()
