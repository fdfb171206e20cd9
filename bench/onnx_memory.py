"""onnxruntime session options on each served ONNX model: memory and time, side by side.

`python -m bench.onnx_memory [--models NAME ...] [--variants NAME ...] [--rounds 20]`

For every model (default: the default set's models that run in onnxruntime) and
every variant of analyzers/runtime/onnx_session.session_options below:

- memory: a fresh Python process imports what a model service imports for it, loads
  the stored model with the variant, and runs it `--runs` times on t1.jpg's six faces
  and obama.jpg's one (the detector: on the two photos), with glibc set up as a
  server process is (allocator.keep_freed_memory) and malloc_trim before each reading,
  as the services' trim thread does. Printed: RSS and anonymous MB the model added
  after loading and after the runs, and the peak RSS during the runs (VmHWM, reset
  after loading), all above the process before the model (from /proc/self/status);
- time: one process loads every variant of the model and runs them in turn, round
  after round (each round starts with the next variant), so the ratios compare
  variants under the same load of the machine. Printed: the median ms per batch
  and its ratio to the first variant.

The inputs are cut by each model's own prepare_face from the default detector's faces,
so they are what the front sends the service.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

DEFAULT_MODELS = ("face-detector-cascade", "face-embedding-dlib", "face-age-gender-cydral",
                  "face-gender-faceres", "face-race-gear", "face-antispoof-minifasnet",
                  "face-liveness-human")
# name -> the options it sets on top of threads (arena on is onnxruntime's default;
# off is what analyzers/runtime/onnx_session.py chose before this measurement)
VARIANTS = {
    "arena on": {"arena": True},
    "arena off": {},
    "arena off, no mem pattern": {"mem_pattern": False},
    "arena off, no prepacking": {"prepacking": False},
    "arena off, neither": {"mem_pattern": False, "prepacking": False},
    "arena off, basic graph opt": {"level": "basic"},
}
PHOTOS = ("t1.jpg", "obama.jpg")


def variant_options(threads: int = 1, arena: bool = False, mem_pattern: bool = True,
                    prepacking: bool = True, level: str = "all"):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_cpu_mem_arena = arena
    options.enable_mem_pattern = mem_pattern
    if not prepacking:
        options.add_session_config_entry("session.disable_prepacking", "1")
    if level == "basic":
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    return options


def use_variant(name: str) -> None:
    """Make analyzers.runtime.onnx_session build every session with this variant's options."""
    from analyzers.runtime import onnx_session

    settings = VARIANTS[name]
    onnx_session.session_options = lambda threads=1: variant_options(threads, **settings)


def load(model: str, folder: str):
    from models.registry import BY_NAME, wrapper_of

    return wrapper_of(BY_NAME[model]).load(Path(folder), threads=1)


def prepare_inputs(models: list[str], where: Path) -> dict[str, tuple[str, str]]:
    """model -> (its stored folder, an .npz of its inputs for the two photos)."""
    import bentoml

    from models.registry import BY_NAME, wrapper_of
    from testkit.local_models import load as photo_array

    folders = {m: bentoml.models.get(BY_NAME[m].tag).path for m in models}
    detector_name = "face-detector-cascade"
    detector = load(detector_name, bentoml.models.get(BY_NAME[detector_name].tag).path)
    images = [np.ascontiguousarray(photo_array(name)) for name in PHOTOS]
    faces = detector.run_batch(images)
    found = {}
    for model in models:
        if BY_NAME[model].task == "detection":
            batches = images
        else:
            prepare = wrapper_of(BY_NAME[model]).prepare_face
            batches = [np.stack([prepare(image, face, BY_NAME[model])[0] for face in found_faces])
                       for image, found_faces in zip(images, faces)]
        path = where / f"{model}.npz"
        np.savez(path, *batches)
        found[model] = (folders[model], str(path))
    return found


def read_batches(path: str, model: str) -> list:
    from models.registry import BY_NAME

    stored = np.load(path)
    batches = [stored[f"arr_{i}"] for i in range(len(stored.files))]
    # a detector takes a list of images, one call for each photo here
    return [[b] for b in batches] if BY_NAME[model].task == "detection" else batches


def memory_now(trim: bool = True) -> dict[str, float]:
    import allocator

    if trim:
        allocator.trim_now()
    found = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "RssAnon:", "VmHWM:")):
            found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return {"rss": found["VmRSS"], "anon": found["RssAnon"], "peak": found["VmHWM"]}


def reset_peak() -> None:
    """Start VmHWM (the peak RSS) afresh at the current RSS (Linux's clear_refs 5)."""
    Path("/proc/self/clear_refs").write_text("5")


def child(model: str, variant: str, folder: str, inputs: str, runs: int) -> None:
    """One variant's memory, in this fresh process; prints a JSON line."""
    import cv2  # noqa: F401  what every model service process has loaded anyway
    import onnxruntime  # noqa: F401

    import allocator
    from models.registry import BY_NAME, wrapper_of

    allocator.keep_freed_memory()
    wrapper_of(BY_NAME[model])  # its module imported before the baseline
    use_variant(variant)
    batches = read_batches(inputs, model)
    before = memory_now()
    runner = load(model, folder)
    loaded = memory_now()
    reset_peak()
    for _ in range(runs):
        for batch in batches:
            runner.run_batch(batch)
    peak = memory_now(trim=False)["peak"]
    ran = memory_now()
    found = {key: {"load": loaded[key] - before[key], "runs": ran[key] - before[key]}
             for key in ("rss", "anon")}
    found["rss"]["peak"] = peak - before["rss"]
    print(json.dumps(found))


def memory(model: str, variant: str, folder: str, inputs: str, runs: int) -> dict:
    done = subprocess.run([sys.executable, "-m", "bench.onnx_memory", "--child", model, variant,
                           folder, inputs, str(runs)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def timing(model: str, variants: list[str], folder: str, inputs: str, rounds: int) -> dict:
    """variant -> [median ms per batch, one per photo], all variants in this process."""
    import allocator

    allocator.keep_freed_memory()  # as in a model service process
    runners = {}
    for variant in variants:
        use_variant(variant)
        runners[variant] = load(model, folder)
    batches = read_batches(inputs, model)
    for runner in runners.values():  # first runs warm each session up
        for batch in batches:
            runner.run_batch(batch)
    times = {variant: [[] for _ in batches] for variant in variants}
    for round_ in range(rounds):
        order = variants[round_ % len(variants):] + variants[:round_ % len(variants)]
        for variant in order:
            for i, batch in enumerate(batches):
                started = time.perf_counter()
                runners[variant].run_batch(batch)
                times[variant][i].append((time.perf_counter() - started) * 1000)
    return {variant: [statistics.median(t) for t in per_batch]
            for variant, per_batch in times.items()}


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        model, variant, folder, inputs, runs = sys.argv[2:7]
        child(model, variant, folder, inputs, int(runs))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--models", nargs="+", default=list(DEFAULT_MODELS))
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--runs", type=int, default=10, help="runs before the memory reading")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds of every variant")
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    from models.registry import BY_NAME

    with tempfile.TemporaryDirectory(prefix="onnx-memory-") as where:
        inputs = prepare_inputs(args.models, Path(where))
        for model in args.models:
            folder, path = inputs[model]
            sizes = [len(b) for b in read_batches(path, model)]
            times = ({} if args.no_timing
                     else timing(model, args.variants, folder, path, args.rounds))
            what = "image" if BY_NAME[model].task == "detection" else "faces"
            print(f"\n{model}: {what} of {PHOTOS[0]} and {PHOTOS[1]} "
                  f"(a batch of {sizes[0]} and of {sizes[1]})\n")
            print("| variant | RSS load MB | peak in runs | after runs | anon load MB | after runs |"
                  + ("" if args.no_timing else
                     f" ms, {PHOTOS[0]} | ms, {PHOTOS[1]} | ratios to {args.variants[0]} |"))
            print("|---|---:|---:|---:|---:|---:|" + ("" if args.no_timing else "---:|---:|---|"))
            first = args.variants[0]
            for variant in args.variants:
                measured = memory(model, variant, folder, path, args.runs)
                cells = (f"| {variant} | {measured['rss']['load']:.1f} | "
                         f"{measured['rss']['peak']:.1f} | {measured['rss']['runs']:.1f} | {measured['anon']['load']:.1f} | "
                         f"{measured['anon']['runs']:.1f} |")
                if times:
                    ms = times[variant]
                    ratios = " / ".join(f"{m / f:.2f}" for m, f in zip(ms, times[first]))
                    cells += f" {ms[0]:.2f} | {ms[1]:.2f} | {ratios} |"
                print(cells, flush=True)


if __name__ == "__main__":
    main()
