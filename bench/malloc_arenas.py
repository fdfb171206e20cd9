"""glibc's malloc arenas capped (MALLOC_ARENA_MAX) against the default: memory and speed.

`python -m bench.malloc_arenas [--arenas 1] [--rounds 6] [--clients 8] [--requests 16]`

glibc gives each thread that allocates an arena of its own (up to 8 per core), and what
a burst leaves in them is held apart per arena; MALLOC_ARENA_MAX, glibc's own variable,
caps their number at the price of threads sharing a lock. Two servers of this checkout
run at once, one with the cap; bursts of 16 /analyze requests (obama.jpg and t1.jpg
alternating; --requests) from 8 clients (--clients) alternate between them, round after round (each round
starts with the other server), so the images/s ratio compares them under the same load.
Then, 12 s after the last burst, each server's total RSS, PSS and anonymous memory
(bench/memory.py; with 28 processes sharing the libraries, PSS is lower than with one
server).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import statistics
import time

import httpx

from bench.memory import snapshot, totals
from testkit.photos import photo
from testkit.server import Server


def burst(http: httpx.Client, url: str, images: list[bytes], requests: int = 16,
          clients: int = 8) -> float:
    """images/s of `requests` /analyze requests from `clients` threads (all must answer 200)."""
    def send(i):
        data = images[i % len(images)]
        return http.post(url + "/analyze", files={"file": ("a.jpg", data)}).status_code

    started = time.perf_counter()
    with cf.ThreadPoolExecutor(clients) as pool:
        statuses = set(pool.map(send, range(requests)))
    if statuses != {200}:
        raise RuntimeError(f"/analyze answered {statuses}")
    return requests / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--arenas", default="1", help="MALLOC_ARENA_MAX of the capped server")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=16, help="requests per burst")
    args = parser.parse_args()
    images = [photo("obama.jpg").read_bytes(), photo("t1.jpg").read_bytes()]
    capped_name = f"MALLOC_ARENA_MAX={args.arenas}"
    # FACE_MALLOC_ARENAS=0: glibc's own limit (service.py would otherwise set the
    # project's default cap, allocator.py, in the uncapped server too)
    with Server(env={"FACE_MALLOC_ARENAS": "0"}) as default, \
            Server(env={"MALLOC_ARENA_MAX": args.arenas}) as capped:
        servers = {"default": default, capped_name: capped}
        rates: dict[str, list[float]] = {name: [] for name in servers}
        with httpx.Client(timeout=300) as http:
            for server in servers.values():
                burst(http, server.url, images, requests=8)  # warm-up
            for round_ in range(args.rounds):
                order = list(servers.items())
                for name, server in order if round_ % 2 == 0 else order[::-1]:
                    rates[name].append(burst(http, server.url, images, args.requests,
                                             args.clients))
        time.sleep(12)  # past FACE_MALLOC_TRIM_S, as bench/memory.py
        for name, server in servers.items():
            memory = totals(snapshot(server))
            print(f"{name}: images/s median {statistics.median(rates[name]):.2f} "
                  f"({', '.join(f'{r:.2f}' for r in rates[name])}); total RSS "
                  f"{memory['rss']:.0f} MB, PSS {memory['pss']:.0f}, anon {memory['anon']:.0f}")
    ratio = statistics.median(rates[capped_name]) / statistics.median(rates["default"])
    print(f"images/s, {capped_name} / default: {ratio:.2f}")


if __name__ == "__main__":
    main()
