"""The two topologies side by side (issue 30): a per-model server and a compact one
(FACE_TOPOLOGY=compact) running at once, their requests alternating in rounds, against
the same models in-process.

    python -m bench.topologies                       # 3 rounds
    python -m bench.topologies --rounds 2 --requests 4 --json out.json

Per topology and round: served p50 of the 1-face 640 px and the 5-face 1920 px photos,
each request followed by the same work in-process (so the host's drift hits all three
alike); a burst of 16 clients on the 1-face photo (images/s, and each process's CPU ms
per request and cores kept busy, beside the whole host's busy cores: what bounds it);
64 photos as one /analyze-batch request against the same 64 as single requests from
16 clients. After the rounds, each server's total RSS (bench.memory's sum). The
targets are ratios within a round; the median and worst round are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import time
from pathlib import Path

import httpx

from bench.workloads import LARGE, process_cpu_ms, table, workloads
from testkit.server import Server

ONE = "analyze (1 face, 640 px)"
TOPOLOGIES = ("per-model", "compact")
CLIENTS = 16


def host_busy_ticks() -> tuple[float, float]:
    """(busy, all) CPU ticks of the whole host so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [float(v) for v in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def in_process_analysis():
    """FaceAnalysis on the stored models with no server, as bench.benchmark measures it
    (gender from its own model where one answers it, as service.py decides)."""
    from analyzers.face_analysis import FaceAnalysis
    from model_services import load_in_process

    predictors, tags = load_in_process()
    return FaceAnalysis(predictors, tags,
                        gender_task="gender" if "gender" in tags else "age_gender")


def in_process_call(analysis, data: bytes) -> tuple[float, float]:
    """(wall ms, CPU ms of this process) of one in-process analysis of `data`."""
    from analyzers.face_analysis import Options
    from inputs.imageio import decode_image

    started, cpu = time.perf_counter(), time.process_time()
    asyncio.run(analysis.analyze(decode_image(data), Options()))
    return (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000


def burst(server: Server, clients: int, requests: int) -> dict:
    """images/s of `requests` 1-face requests from `clients` clients; per process its CPU
    ms per request and the cores it kept busy; the host's busy cores over the burst."""
    from bench.malloc_arenas import burst as images_per_s

    data = workloads()[ONE][1]["file"][1]
    cpu_before, host_before = process_cpu_ms(server), host_busy_ticks()
    started, clients_cpu = time.perf_counter(), time.process_time()
    with httpx.Client(timeout=300) as http:  # every answer must be 200
        rate = images_per_s(http, server.url, [data], requests, clients)
    wall = time.perf_counter() - started
    clients_cpu = time.process_time() - clients_cpu
    cpu_after, host_after = process_cpu_ms(server), host_busy_ticks()
    used = {name: cpu_after[name] - cpu_before.get(name, 0.0) for name in cpu_after}
    busy, total = (after - before for after, before in zip(host_after, host_before))
    return {"images_per_s": rate,
            "cpu_ms_per_request": {k: v / requests for k, v in used.items()},
            "cores_busy": {k: v / 1000 / wall for k, v in used.items()},
            "host_cores_busy": busy / total * (os.cpu_count() or 1),
            # the 16 client threads of this process share the same cores
            "clients_cores_busy": clients_cpu / wall}


def batch_against_singles(server: Server, sent) -> dict:
    """64 photos as one batch request and as 64 single requests (bench.batch_throughput)."""
    from bench import batch_throughput

    singles = batch_throughput.singles(server.url, sent, CLIENTS)
    batch = batch_throughput.batch(server.url, sent)
    return {"batch_images_per_s": len(sent) / batch,
            "singles_images_per_s": len(sent) / singles, "ratio": singles / batch}


def one_round(servers: dict, analysis, requests: int, sent, order: list[str]) -> dict:
    found: dict = {side: {"served": {}, "in_process": {}, "in_process_cpu": {}}
                   for side in servers}
    with httpx.Client(timeout=300) as http:
        for name in (ONE, LARGE):
            path, files, _ = workloads()[name]
            data = files["file"][1]
            for _ in range(requests):
                for side in order:
                    started = time.perf_counter()
                    answer = http.post(servers[side].url + path, files=files)
                    assert answer.status_code == 200, answer.text[:300]
                    found[side]["served"].setdefault(name, []).append(
                        (time.perf_counter() - started) * 1000)
                    wall, cpu = in_process_call(analysis, data)
                    found[side]["in_process"].setdefault(name, []).append(wall)
                    found[side]["in_process_cpu"].setdefault(name, []).append(cpu)
    for side in order:
        found[side]["burst"] = burst(servers[side], CLIENTS, 3 * CLIENTS)
    for side in order:
        found[side]["batch"] = batch_against_singles(servers[side], sent)
    for side in servers:
        for key in ("served", "in_process", "in_process_cpu"):
            found[side][key] = {k: statistics.median(v) for k, v in found[side][key].items()}
    return found


def measure(rounds: int, requests: int) -> dict:
    from bench.batch_throughput import photos
    from bench.memory import snapshot, totals

    analysis = in_process_analysis()
    sent = photos()
    envs = {side: {"FACE_TOPOLOGY": side} for side in TOPOLOGIES}
    with Server(env=envs["per-model"]) as per_model, Server(env=envs["compact"]) as compact:
        servers = {"per-model": per_model, "compact": compact}
        one_round(servers, analysis, 1, sent[:CLIENTS], list(TOPOLOGIES))  # warm up
        found = []
        for round_ in range(rounds):
            order = list(TOPOLOGIES) if round_ % 2 == 0 else list(TOPOLOGIES)[::-1]
            found.append(one_round(servers, analysis, requests, sent, order))
            print(f"round {round_ + 1} of {rounds} done", flush=True)
        rss = {side: totals(snapshot(server))["rss"] for side, server in servers.items()}
        processes = {side: len(server.pids()) for side, server in servers.items()}
    return {"cores": os.cpu_count(), "rounds": found, "rss_mb_after_load": rss,
            "processes": processes}


def targets(report: dict) -> list[dict]:
    """Issue 30's per-topology targets, each a ratio within each round:
    [{what, goal, at_most, values: {side: (median, [per round])}, met: {side: bool},
    bound: {side: what bounds it}}]."""
    cores = report["cores"]
    rows = []

    def row(what, goal, at_most, values_of, bound=None):
        found = {"what": what, "goal": goal, "at_most": at_most, "values": {}, "met": {},
                 "bound": {}}
        for side in TOPOLOGIES:
            values = [values_of(r[side]) for r in report["rounds"]]
            median = statistics.median(values)
            found["values"][side] = (median, values)
            found["met"][side] = median <= goal if at_most else median >= goal
            found["bound"][side] = bound(side) if bound else ""
        rows.append(found)

    rss = report["rss_mb_after_load"]
    rows.append({"what": "total RSS after load, GB", "goal": 1.2, "at_most": True,
                 "values": {s: (rss[s] / 1024, [rss[s] / 1024]) for s in TOPOLOGIES},
                 "met": {s: rss[s] / 1024 <= 1.2 for s in TOPOLOGIES},
                 "bound": {s: f"{report['processes'][s]} processes" for s in TOPOLOGIES}})
    row("1 face served / in-process p50", 1.10, True,
        lambda r: r["served"][ONE] / r["in_process"][ONE])

    def ceiling(r):
        return cores * 1000 / r["in_process_cpu"][ONE]

    def busiest(side):
        """The cores each part of the host kept busy over the bursts (median round)."""
        bursts = [r[side]["burst"] for r in report["rounds"]]
        median = statistics.median
        names = {name for b in bursts for name in b["cores_busy"]}
        by_process = {n: median(b["cores_busy"].get(n, 0.0) for b in bursts) for n in names}
        name = max(by_process, key=by_process.get)
        served_cpu = median(sum(r[side]["burst"]["cpu_ms_per_request"].values())
                            / r[side]["in_process_cpu"][ONE] for r in report["rounds"])
        return (f"host {median(b['host_cores_busy'] for b in bursts):.2f} of {cores} cores "
                f"busy: server {median(sum(b['cores_busy'].values()) for b in bursts):.2f} "
                f"(busiest process {name} {by_process[name]:.2f}), load generator "
                f"{median(b.get('clients_cores_busy', math.nan) for b in bursts):.2f}, the rest other "
                f"work; served / in-process CPU per request {served_cpu:.2f}")

    row(f"{CLIENTS} clients images/s / CPU ceiling (cores x 1000 / in-process CPU ms)",
        0.85, False, lambda r: r["burst"]["images_per_s"] / ceiling(r), busiest)
    row(f"served p50, {LARGE} / 1 face", 3.0, True,
        lambda r: r["served"][LARGE] / r["served"][ONE])
    row("64 photos as one batch / 64 singles at 16 clients, images/s", 1.3, False,
        lambda r: r["batch"]["ratio"])
    return rows


def print_report(report: dict) -> None:
    rows = []
    for target in targets(report):
        cells = [target["what"], f"{'<=' if target['at_most'] else '>='} {target['goal']}"]
        for side in TOPOLOGIES:
            median, values = target["values"][side]
            worst = max(values) if target["at_most"] else min(values)
            cells.append(f"{median:.2f} ({worst:.2f}) "
                         f"{'met' if target['met'][side] else 'MISSED'}")
        rows.append(cells)
    print(f"issue 30, both topologies side by side, {len(report['rounds'])} rounds: "
          "median (worst) round")
    print(table(rows, ["measure", "target", *TOPOLOGIES]))
    print("\nwhat bounds the 16-client throughput (median round's bursts):")
    for target in targets(report):
        for side, bound in target["bound"].items():
            if bound and "host" in bound:
                print(f"  {side}: {bound}")
    print("\nCPU ms per 1-face request by process at 16 clients, last round:")
    for side in TOPOLOGIES:
        last = report["rounds"][-1][side]
        cpu = last["burst"]["cpu_ms_per_request"]
        print(f"  {side}: served {sum(cpu.values()):.0f} (" + ", ".join(
            f"{k} {v:.0f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]) if v >= 0.5)
            + f"), in-process {last['in_process_cpu'][ONE]:.0f}")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=6, help="per workload, side and round")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--report", type=Path, default=None,
                        help="print the tables of a run saved with --json, measuring nothing")
    args = parser.parse_args(argv)
    report = json.loads(args.report.read_text()) if args.report \
        else measure(args.rounds, args.requests)
    print_report(report)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2))
    return report


if __name__ == "__main__":
    main()
