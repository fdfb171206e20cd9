"""Memory of each server process at start and after a burst of /analyze (issue 15).

`python -m bench.memory [--before PATH] [--requests 24] [--clients 8] [--settle 12]`
starts one server on loopback, reads every process's memory 5 s after it is ready,
sends `requests` /analyze requests (obama.jpg and t1.jpg alternating) from `clients`
threads, waits `settle` seconds (past FACE_MALLOC_TRIM_S, so what the burst freed is
given back) and reads it again. Per process (the arbiter `bentoml serve`, the front
`face-analysis`, each model service by name), from /proc/PID/smaps_rollup:

- RSS: resident pages, shared library pages counted in full in every process that
  maps them (what bench/benchmark.py's "total RSS" rows add up);
- PSS: proportional set size, each shared page split among the processes mapping it,
  so the PSS column adds up to what the server really holds;
- anon: anonymous pages (heap, arenas, thread stacks, model weights copied in),
  the part that is the process's own.

`--env NAME=VALUE` sets a variable for the servers (a FACE_* setting, or glibc's own
MALLOC_ARENA_MAX). `--before PATH` serves another checkout first (an export of an older commit,
`git worktree add /tmp/x main`), then this one, and prints both tables side by side:
memory does not depend on the CPU's load, so the two servers run one after the other.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import time
from pathlib import Path

import httpx

from bench.huge_images import process_name
from testkit.photos import photo
from testkit.server import ROOT, Server

FIELDS = {"Rss": "rss", "Pss": "pss", "Anonymous": "anon"}


def smaps_mb(pid: int) -> dict[str, float] | None:
    """{"rss", "pss", "anon"} of one process in MB, None when it is gone."""
    found = {}
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            parts = line.split()
            key = parts[0].rstrip(":") if parts else ""
            if key in FIELDS and parts[-1] == "kB":
                found[FIELDS[key]] = int(parts[1]) / 1024
    except OSError:
        return None
    return found if len(found) == len(FIELDS) else None


def snapshot(server: Server) -> dict[str, dict[str, float]]:
    """process name -> {"rss", "pss", "anon"} MB (workers of one service added up)."""
    table: dict[str, dict[str, float]] = {}
    for pid in server.pids():
        measured = smaps_mb(pid)
        if measured is None:
            continue
        row = table.setdefault(process_name(pid), dict.fromkeys(FIELDS.values(), 0.0))
        for key, value in measured.items():
            row[key] += value
    return table


def totals(table: dict[str, dict[str, float]]) -> dict[str, float]:
    return {key: sum(row[key] for row in table.values()) for key in FIELDS.values()}


def measure(checkout: Path, requests: int, clients: int, settle: float,
            env: dict | None = None) -> dict:
    t1, obama = photo("t1.jpg").read_bytes(), photo("obama.jpg").read_bytes()
    with Server(env=env, cwd=checkout.resolve()) as server:
        time.sleep(5)  # past the start-up's own allocations, as bench/benchmark.py
        start = snapshot(server)
        with httpx.Client(base_url=server.url, timeout=300) as http:
            def send(i):
                data = t1 if i % 2 else obama
                return http.post("/analyze", files={"file": ("a.jpg", data)}).status_code

            with cf.ThreadPoolExecutor(clients) as pool:
                statuses = sorted(set(pool.map(send, range(requests))))
        time.sleep(settle)
        return {"checkout": str(checkout), "statuses": statuses, "after_start": start,
                "after_load": snapshot(server)}


def table(runs: list[dict], when: str) -> str:
    """One markdown table: a row per process, RSS / PSS / anon per run side by side."""
    heads = [Path(run["checkout"]).name for run in runs]
    names = sorted({name for run in runs for name in run[when]},
                   key=lambda n: -runs[-1][when].get(n, {"rss": 0})["rss"])
    lines = ["| process | " + " | ".join(f"{h} RSS | PSS | anon" for h in heads) + " |",
             "|---|" + "---:|" * (3 * len(runs))]
    rows = [(name, [run[when].get(name) for run in runs]) for name in names]
    rows.append(("**total**", [totals(run[when]) for run in runs]))
    for name, cells in rows:
        values = [f"{c['rss']:.0f} | {c['pss']:.0f} | {c['anon']:.0f}" if c else "- | - | -"
                  for c in cells]
        lines.append(f"| {name} | " + " | ".join(values) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, help="another checkout, measured first")
    parser.add_argument("--requests", type=int, default=24)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--settle", type=float, default=12.0,
                        help="seconds after the last answer before memory is read again")
    parser.add_argument("--json", type=Path, help="also write the measurements here")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="an environment variable for the servers (repeatable)")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    checkouts = ([args.before] if args.before else []) + [ROOT]
    runs = [measure(c, args.requests, args.clients, args.settle, env) for c in checkouts]
    for run in runs:
        print(f"{run['checkout']}: /analyze statuses {run['statuses']}")
    for when in ("after_start", "after_load"):
        print(f"\n{when.replace('_', ' ')}, MB (from /proc/PID/smaps_rollup)\n")
        print(table(runs, when))
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
