"""Served /analyze latency of two checkouts, measured side by side.

    python -m bench.ab --before ../face-analysis-old --after . [--rounds 10]

Both checkouts serve at once (each its own `bentoml serve`, the same model store),
and the requests alternate between them in rounds, so a change in the host's speed
during the run hits both alike: the after/before ratio is what to read, not the
milliseconds. For a refactor that must not cost speed (make a `git worktree add`
of the old commit for --before; its .venv may be a link to this one's).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import httpx

from testkit.photos import photo
from testkit.server import Server

WORKLOADS = {"1 face 640 px": "obama.jpg", "t1.jpg 6 faces": "t1.jpg"}
PER_ROUND = 3  # requests per workload per server per round


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the old checkout")
    parser.add_argument("--after", type=Path, default=Path("."), help="the new checkout")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    loads = {label: photo(name).read_bytes() for label, name in WORKLOADS.items()}
    with Server(cwd=args.before.resolve()) as before, Server(cwd=args.after.resolve()) as after:
        servers = {"before": before.url, "after": after.url}
        times: dict = {(side, label): [] for side in servers for label in loads}
        with httpx.Client(timeout=120) as http:
            for round_ in range(args.rounds + 1):  # round 0 warms up
                for side, url in servers.items():
                    for label, data in loads.items():
                        for _ in range(PER_ROUND):
                            started = time.perf_counter()
                            answer = http.post(url + "/analyze", files={"file": ("a.jpg", data)})
                            answer.raise_for_status()
                            if round_:
                                times[(side, label)].append(
                                    (time.perf_counter() - started) * 1000)
    for label in loads:
        old, new = (statistics.median(times[(side, label)]) for side in ("before", "after"))
        print(f"{label}: before p50 {old:.1f} ms, after p50 {new:.1f} ms, "
              f"after/before {new / old:.2f} (n={len(times[('after', label)])} each)")


if __name__ == "__main__":
    main()
