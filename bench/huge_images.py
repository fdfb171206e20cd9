"""Memory of each server process around a burst of huge photos (issue 18).

`python -m bench.huge_images [--clients 8] [--endpoint /analyze] [--settle 5]`
starts one server on loopback, warms it with one normal request, then sends
`clients` 40-megapixel JPEGs at once (obama.jpg upscaled to 5600x7100, just
under FACE_MAX_PIXELS) and prints, per process (the front and each model
service, by name): RSS after warm-up, the peak RSS seen while the burst ran
(sampled every 0.2 s), and RSS `settle` seconds after the last answer. The
statuses of the burst are printed too: a huge photo is legitimate input, so
each should answer 200. `--checkout PATH` serves another checkout (an export of
an older commit, for a before / after).
"""

from __future__ import annotations

import argparse
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from testkit.attacks import huge_photo
from testkit.photos import photo
from testkit.server import ROOT, Server

NORMAL = photo("obama.jpg").read_bytes()


def process_name(pid: int) -> str:
    """'face-analysis', 'FaceDetector', ... from a BentoML worker's command line;
    'bentoml serve' for the parent."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return str(pid)
    words = [w.decode(errors="replace") for w in words]
    if "--service-name" in words:
        return words[words.index("--service-name") + 1]
    return "bentoml serve"


def rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def snapshot(server: Server) -> dict[str, float]:
    """name -> RSS in MB (workers of one service added up)."""
    found: Counter = Counter()
    for pid in server.pids():
        found[process_name(pid)] += rss_mb(pid)
    return dict(found)


def burst(server: Server, endpoint: str, clients: int, data: bytes,
          settle: float) -> tuple[dict, dict, dict, Counter]:
    before = snapshot(server)
    peak = dict(before)
    statuses: Counter = Counter()
    done = threading.Event()

    def send():
        with httpx.Client(base_url=server.url, timeout=120) as http:
            try:
                statuses[http.post(endpoint, files={"file": ("h.jpg", data)}).status_code] += 1
            except httpx.HTTPError as problem:
                statuses[type(problem).__name__] += 1

    threads = [threading.Thread(target=send) for _ in range(clients)]
    for thread in threads:
        thread.start()

    def watch():
        while not done.is_set():
            for name, mb in snapshot(server).items():
                peak[name] = max(peak.get(name, 0.0), mb)
            done.wait(0.2)

    watcher = threading.Thread(target=watch)
    watcher.start()
    for thread in threads:
        thread.join()
    done.set()
    watcher.join()
    time.sleep(settle)
    return before, peak, snapshot(server), statuses


def table(before: dict, peak: dict, after: dict) -> str:
    lines = ["| process | RSS after warm-up MB | peak MB | after the burst MB |",
             "|---|---:|---:|---:|"]
    for name in sorted(before, key=lambda n: -after.get(n, 0.0)):
        lines.append(f"| {name} | {before[name]:.0f} | {peak.get(name, 0.0):.0f} | "
                     f"{after.get(name, 0.0):.0f} |")
    lines.append(f"| **all** | {sum(before.values()):.0f} | {sum(peak.values()):.0f} "
                 f"(sum of per-process peaks) | {sum(after.values()):.0f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent photos (default 8)")
    parser.add_argument("--endpoint", default="/analyze", help="where they go (default /analyze)")
    parser.add_argument("--settle", type=float, default=5.0,
                        help="seconds after the last answer before RSS is read (default 5)")
    parser.add_argument("--checkout", type=Path, default=ROOT,
                        help="the checkout to serve (default: this one)")
    args = parser.parse_args()
    data = huge_photo()
    with Server(cwd=args.checkout.resolve()) as server:
        with httpx.Client(base_url=server.url, timeout=120) as http:  # warm-up
            http.post(args.endpoint, files={"file": ("o.jpg", NORMAL)}).raise_for_status()
        before, peak, after, statuses = burst(server, args.endpoint, args.clients, data,
                                              args.settle)
    print(f"{args.clients} concurrent {len(data) / 1e6:.1f} MB 40 MP JPEGs on {args.endpoint}: "
          f"{dict(statuses)}")
    print(table(before, peak, after))


if __name__ == "__main__":
    main()
