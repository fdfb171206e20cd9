"""Each /analyze stage against its model's bare cost, and the 5-face 1920 px photo
against the 1-face one, side by side in rounds (issue 30, item 2).

    python -m bench.stages                  # 5 rounds of 8 requests a workload
    python -m bench.stages --rounds 3 --requests 5 --json out.json

Per stage (detection and each task model) three figures, p50 ms of one round:
- bare: the time inside the stage's networks alone (onnxruntime's `run`, LiteRT's
  `invoke`), on the input the stage prepared, summed over the stage's calls;
- in-process: the stage by itself ("alone": the predictor call on the input the
  analysis prepares, with the model wrapper's own work), and as FaceAnalysis times
  it inside a whole analysis ("in analyze": beside the other stages' threads);
- served: the same stage as the running server's front times it (one model-service
  hop more).
In-process and served requests alternate, so the host's drift hits both alike; the
ratios are taken within each round, and the median and worst round are printed.
Wall and thread-CPU ms both; the target's ratio is the CPU one, which the other
load of a shared machine hardly moves (the wall one beside it). Targets: in-process
<= 1.5 x bare for every stage; 5 faces at 1920 px <= 3.0 x the
1-face p50 (served and in-process).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import threading
import time
from pathlib import Path

import httpx

from bench.workloads import LARGE, table, workloads
from testkit.server import Server

ONE = "analyze (1 face, 640 px)"
_NETS = threading.local()  # per thread: ms inside networks since the stage began


def _time_networks() -> None:
    """onnxruntime's run and LiteRT's invoke add their wall and CPU time to the calling
    thread's account. With one intra-op thread (FACE_MODEL_THREADS=1) both run the
    network in the calling thread, so its thread CPU time is the network's."""
    import onnxruntime
    from ai_edge_litert.interpreter import Interpreter

    def timed(method):
        def run(self, *args, **kwargs):
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return method(self, *args, **kwargs)
            finally:
                _NETS.wall = getattr(_NETS, "wall", 0.0) + (time.perf_counter() - wall) * 1000
                _NETS.cpu = getattr(_NETS, "cpu", 0.0) + (time.thread_time() - cpu) * 1000
        return run

    onnxruntime.InferenceSession.run = timed(onnxruntime.InferenceSession.run)
    Interpreter.invoke = timed(Interpreter.invoke)


def in_process_analysis():
    """FaceAnalysis on the stored models, loaded as model_services.load_in_process
    loads them; each predictor call appends to calls[task] the wall and thread-CPU ms
    of the model's run_batch and of the networks inside it."""
    import bentoml

    from analyzers.face_analysis import FaceAnalysis
    from model_services import is_stored, load_model, task_models
    from models.registry import BY_NAME

    _time_networks()
    calls: dict[str, list[dict]] = {}
    predictors, tags = {}, {}
    for task, name in task_models().items():
        if not is_stored(name):
            continue
        stored_model = bentoml.models.get(BY_NAME[name].tag)
        runner = load_model(BY_NAME[name], Path(stored_model.path))

        def measured(batch, runner=runner, task=task):
            _NETS.wall = _NETS.cpu = 0.0
            wall, cpu = time.perf_counter(), time.thread_time()
            answer = runner.run_batch(batch)
            calls.setdefault(task, []).append({
                "wall": (time.perf_counter() - wall) * 1000,
                "cpu": (time.thread_time() - cpu) * 1000,
                "nets_wall": _NETS.wall, "nets_cpu": _NETS.cpu})
            return answer

        async def predict(batch, measured=measured):
            return await asyncio.to_thread(measured, batch)

        predictors[task], tags[task] = predict, str(stored_model.tag)
    analysis = FaceAnalysis(predictors, tags, gender_task="gender" if "gender" in tags
                            else "age_gender")
    return analysis, calls


def one_round(analysis, calls, http, requests: int) -> dict:
    """p50s of one round: per workload the served and in-process totals, and per stage
    the bare networks, the stage alone, the stage inside analyze and served."""
    from analyzers.face_analysis import Options
    from inputs.imageio import decode_image

    found = {}
    median = statistics.median
    for name in (ONE, LARGE):
        path, files, _ = workloads()[name]
        data = files["file"][1]
        served, local, served_stages, local_stages, alone_stages = [], [], [], [], []
        alone_calls: dict[str, list[dict]] = {}
        for _ in range(requests):
            started = time.perf_counter()
            answer = http.post(path, files=files)
            served.append((time.perf_counter() - started) * 1000)
            assert answer.status_code == 200, answer.text[:300]
            served_stages.append(answer.json()["timings_ms"])
            started = time.perf_counter()
            result = asyncio.run(analysis.analyze(decode_image(data), Options()))
            local.append((time.perf_counter() - started) * 1000)
            local_stages.append(result["timings_ms"])
            for task in calls:
                calls[task].clear()
            alone_stages.append(asyncio.run(alone(analysis, decode_image(data))))
            for task, made in calls.items():  # a stage of several calls: their sum
                alone_calls.setdefault(task, []).append(
                    {key: sum(c[key] for c in made) for key in made[0]} if made else None)

        def of(task, key):
            values = [c[key] for c in alone_calls.get(task, []) if c]
            return median(values) if values else None

        stages = {}
        for task in local_stages[0]:
            if task == "total":
                continue
            stages[task] = {
                "bare": of(task, "nets_wall"), "bare_cpu": of(task, "nets_cpu"),
                "alone": median(s[task] for s in alone_stages) if task in alone_stages[0]
                else None, "alone_cpu": of(task, "cpu"),
                "in_process": median(s[task] for s in local_stages),
                "served": median(s[task] for s in served_stages if task in s)}
        found[name] = {"served_p50_ms": median(served), "in_process_p50_ms": median(local),
                       "stages": stages}
    return found


async def alone(analysis, image) -> dict:
    """Each stage by itself, one after the other: detection, then every task model on
    the input the analysis prepares for it (ms, the predictor call as analyze times it)."""
    from analyzers import tasks
    from analyzers.face_analysis import Options

    times = {}
    started = time.perf_counter()
    faces = await analysis.detect(image)
    times["detection"] = (time.perf_counter() - started) * 1000
    run, _ = analysis._plan(Options())
    for task in sorted(run):
        chosen = faces[:tasks.TASKS[task].max_faces()] if tasks.TASKS[task].max_faces \
            else faces
        batch, _ = analysis.inputs(task, image, chosen)
        started = time.perf_counter()
        await analysis.predictors[task](batch)
        times[task] = (time.perf_counter() - started) * 1000
    return times


def summary(rounds: list[dict]) -> dict:
    """Per stage the median figures and its ratios (median and worst round); the large
    photo's ratios likewise."""
    stages = {}
    keys = ("bare", "bare_cpu", "alone", "alone_cpu", "in_process", "served")

    def spread(values):
        values = [v for v in values if v is not None]
        return (statistics.median(values), max(values)) if values else None

    for task in rounds[0][ONE]["stages"]:
        figures = [r[ONE]["stages"][task] for r in rounds]
        row = {key: statistics.median(f[key] for f in figures if f[key] is not None)
               if any(f[key] is not None for f in figures) else None for key in keys}
        # the target's ratio: the stage's own CPU against its networks' CPU, which
        # the other load on a shared machine hardly moves; the wall-clock one beside it
        row["alone_over_bare_cpu"] = spread(f["alone_cpu"] / f["bare_cpu"] for f in figures
                                            if f["bare_cpu"] and f["alone_cpu"])
        row["alone_over_bare"] = spread(f["alone"] / f["bare"] for f in figures
                                        if f["bare"] and f["alone"])
        row["served_over_in_process"] = spread(f["served"] / f["in_process"] for f in figures
                                               if f["in_process"])
        stages[task] = row
    large = {}
    for side in ("served_p50_ms", "in_process_p50_ms"):
        ratios = [r[LARGE][side] / r[ONE][side] for r in rounds]
        large[side] = (statistics.median(ratios), max(ratios))
    # what the large photo's stages cost in CPU against the 1-face photo's (each
    # stage alone, thread CPU): on a machine whose cores are all busy, its latency
    # ratio tends to this, since its stages then cannot run side by side
    cpu = []
    for r in rounds:
        sums = [sum(f["alone_cpu"] or 0.0 for f in r[name]["stages"].values())
                for name in (LARGE, ONE)]
        cpu.append(sums[0] / sums[1])
    large["cpu"] = (statistics.median(cpu), max(cpu))
    return {"stages": stages, "large_over_one": large}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=8, help="per workload and round")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--report", type=Path, default=None,
                        help="print the tables of a run saved with --json, measuring nothing")
    args = parser.parse_args(argv)

    if args.report:
        rounds = json.loads(args.report.read_text())["rounds"]
        args.rounds, args.requests = len(rounds), "?"
    else:
        analysis, calls = in_process_analysis()
        rounds = []
        with Server() as server, httpx.Client(base_url=server.url, timeout=120) as http:
            one_round(analysis, calls, http, 2)  # warm both sides up
            for _ in range(args.rounds):
                rounds.append(one_round(analysis, calls, http, args.requests))
    found = summary(rounds)

    def ms(value):
        return "-" if value is None else f"{value:.1f}"

    print(f"{args.rounds} rounds x {args.requests} requests a workload, served and "
          "in-process alternating; ms: p50 of the median round (wall clock; CPU: the "
          "thread's CPU time); ratios: median (worst) round")
    rows = []

    def pair(ratio):
        return "-" if ratio is None else f"{ratio[0]:.2f} ({ratio[1]:.2f})"

    for task, row in found["stages"].items():
        ratio = row["alone_over_bare_cpu"]
        rows.append([task, ms(row["bare"]), ms(row["alone"]), ms(row["in_process"]),
                     ms(row["served"]), ms(row["bare_cpu"]), ms(row["alone_cpu"]), pair(ratio),
                     "-" if ratio is None else ("met" if ratio[0] <= 1.5 else "MISSED"),
                     pair(row["alone_over_bare"]), pair(row["served_over_in_process"])])
    print(table(rows, ["stage, 1 face 640 px", "bare nets", "alone", "in analyze", "served",
                       "bare CPU", "alone CPU", "alone / bare, CPU", "<= 1.5",
                       "alone / bare, wall", "served / in analyze"]))
    print()
    rows = [[f"{LARGE} / 1 face p50, {side.split('_p50')[0].replace('_', '-')}",
             f"{ratio[0]:.2f} ({ratio[1]:.2f})", "<= 3.0", "met" if ratio[0] <= 3.0 else "MISSED"]
            for side, ratio in found["large_over_one"].items() if side.endswith("_p50_ms")]
    cpu = found["large_over_one"]["cpu"]
    rows.append([f"{LARGE} / 1 face, CPU of the stages alone (thread CPU)",
                 f"{cpu[0]:.2f} ({cpu[1]:.2f})", "(what bounds it)", ""])
    print(table(rows, ["measure", "median (worst) round", "target", ""]))
    print()
    print("large photo stages, p50 ms of the median round (bare | alone | in analyze | "
          "served | bare CPU | alone CPU):")
    for task in rounds[0][LARGE]["stages"]:
        figures = [r[LARGE]["stages"][task] for r in rounds]
        values = [statistics.median(f[key] for f in figures if f[key] is not None)
                  if any(f[key] is not None for f in figures) else None
                  for key in ("bare", "alone", "in_process", "served", "bare_cpu",
                              "alone_cpu")]
        print(f"  {task}: " + " | ".join(ms(v) for v in values))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"rounds": rounds, "summary": found}, indent=2))
    return found


if __name__ == "__main__":
    main()
