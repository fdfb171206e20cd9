"""Served /analyze speed of two checkouts (or one checkout two ways), side by side.

    python -m bench.ab --before ../face-analysis-old --after . [--rounds 10] [--clients 16]
    python -m bench.ab --before . --after . --hide-before uvloop,httptools
    python -m bench.ab --before . --after . --after-env FACE_TOPOLOGY=compact

Both servers run at once (each its own `bentoml serve`, the same model store), and
the requests alternate between them in rounds, so a change in the host's speed
during the run hits both alike: the after/before ratios are what to read, not the
milliseconds. Each round sends, to each server, PER_ROUND requests of each workload
from one client (latency), then a burst of 2 x --clients requests of the 1-face
photo from --clients clients (images/s, and the CPU ms per request of all the
server's processes). For a refactor that must not cost speed (make a `git worktree
add` of the old commit for --before; its .venv may be a link to this one's).

--hide-before names modules the before server cannot import (a folder of modules
that raise ImportError goes first on its PYTHONPATH): the same code with and without
an optional dependency, such as uvicorn's uvloop and httptools, which it takes
when they import.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench.benchmark import memory_totals_mb, process_cpu_ms
from bench.malloc_arenas import burst as images_per_s
from testkit.photos import photo
from testkit.server import Server

WORKLOADS = {"1 face, obama.jpg": "obama.jpg", "6 faces, t1.jpg": "t1.jpg"}
PER_ROUND = 3  # requests per workload per server per round


def hidden(folder: Path, modules: list[str]) -> dict:
    """The environment that hides `modules` from a server: stubs in `folder` first on
    PYTHONPATH, each raising ImportError as a missing module does."""
    for name in modules:
        (folder / f"{name}.py").write_text(
            f"raise ImportError('{name} hidden by bench.ab --hide-before')\n")
    paths = [str(folder), os.environ.get("PYTHONPATH", "")]
    return {"PYTHONPATH": os.pathsep.join(path for path in paths if path)} if modules else {}


def burst(http: httpx.Client, server: Server, data: bytes, clients: int) -> tuple[float, float]:
    """images/s (bench.malloc_arenas's burst) and CPU ms per request of 2 x `clients`
    1-face requests from `clients` clients."""
    requests = 2 * clients
    cpu_before = process_cpu_ms(server)
    rate = images_per_s(http, server.url, [data], requests, clients)
    after = process_cpu_ms(server)
    return rate, sum(after[name] - cpu_before.get(name, 0.0) for name in after) / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the old checkout")
    parser.add_argument("--after", type=Path, default=Path("."), help="the new checkout")
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--clients", type=int, default=16,
                        help="clients of each round's burst (0: no bursts)")
    parser.add_argument("--hide-before", default="",
                        help="modules the before server cannot import, comma-separated")
    parser.add_argument("--after-env", default="",
                        help="settings of the after server only: KEY=VALUE,KEY=VALUE")
    args = parser.parse_args()
    after_env = dict(item.split("=", 1) for item in args.after_env.split(",") if "=" in item)
    loads = {label: photo(name).read_bytes() for label, name in WORKLOADS.items()}
    stubs = tempfile.TemporaryDirectory(prefix="bench-ab-")
    env = hidden(Path(stubs.name), [m.strip() for m in args.hide_before.split(",") if m.strip()])
    with stubs, Server(cwd=args.before.resolve(), env=env) as before, \
            Server(cwd=args.after.resolve(), env=after_env) as after:
        servers = {"before": before, "after": after}
        times: dict = {(side, label): [] for side in servers for label in loads}
        rates: dict = {side: [] for side in servers}
        cpu: dict = {side: [] for side in servers}
        with httpx.Client(timeout=120) as http:
            for round_ in range(args.rounds + 1):  # round 0 warms up
                order = list(servers.items())
                order = order if round_ % 2 == 0 else order[::-1]
                for side, server in order:
                    for label, data in loads.items():
                        for _ in range(PER_ROUND):
                            started = time.perf_counter()
                            answer = http.post(server.url + "/analyze",
                                               files={"file": ("a.jpg", data)})
                            answer.raise_for_status()
                            if round_:
                                times[(side, label)].append(
                                    (time.perf_counter() - started) * 1000)
                for side, server in order if args.clients else ():
                    rate, used = burst(http, server, loads["1 face, obama.jpg"], args.clients)
                    if round_:
                        rates[side].append(rate)
                        cpu[side].append(used)
        rss = {side: memory_totals_mb(server)["rss"] for side, server in servers.items()}
        processes = {side: len(server.pids()) for side, server in servers.items()}
    print(f"total RSS after load: before {rss['before']:.0f} MB ({processes['before']} "
          f"processes), after {rss['after']:.0f} MB ({processes['after']}), after/before "
          f"{rss['after'] / rss['before']:.2f}")
    for label in loads:
        old, new = (statistics.median(times[(side, label)]) for side in ("before", "after"))
        print(f"{label}: before p50 {old:.1f} ms, after p50 {new:.1f} ms, "
              f"after/before {new / old:.2f} (n={len(times[('after', label)])} each)")
    if args.clients:
        old, new = (statistics.median(rates[side]) for side in ("before", "after"))
        cpu_old, cpu_new = (statistics.median(cpu[side]) for side in ("before", "after"))
        print(f"1 face, obama.jpg, {args.clients} clients: before {old:.2f} images/s, after "
              f"{new:.2f}, after/before {new / old:.2f}; CPU ms per request (all processes) "
              f"before {cpu_old:.1f}, after {cpu_new:.1f}, after/before {cpu_new / cpu_old:.2f}"
              f" (n={len(rates['after'])} bursts each)")


if __name__ == "__main__":
    main()
