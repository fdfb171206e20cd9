"""Latency and throughput of the running service, against the same models in-process
and against face_recognition's (dlib HOG + ResNet) detect+encode as a peer baseline.

    python -m bench.benchmark                 # full run, ~5 minutes
    python -m bench.benchmark --quick         # fewer requests, for a smoke test
    python -m bench.benchmark --json out.json

Starts its own servers on loopback (batching on, then off), so nothing else
should be loading the machine. Prints a table and writes JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import platform
import statistics
import threading
import time
from datetime import datetime, timezone

import httpx
import numpy as np
from PIL import Image

from testkit.photos import photo
from testkit.server import Server

CONCURRENCY = (1, 4, 16)
# the benchmark server's API key: /batch-stats answers only with one
STATS_KEY = "bench-stats-key"


def jpeg(name: str, long_side: int | None = None) -> bytes:
    image = Image.open(photo(name)).convert("RGB")
    if long_side:
        scale = long_side / max(image.size)
        image = image.resize((round(image.width * scale), round(image.height * scale)),
                             Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def workloads() -> dict:
    single = jpeg("obama.jpg", 640)
    return {
        "analyze (1 face, 640 px)": ("/analyze", {"file": ("a.jpg", single)}, {}),
        "analyze (6 faces, t1.jpg)": ("/analyze", {"file": ("t1.jpg", jpeg("t1.jpg"))}, {}),
        "compare-faces (640 px pair)": (
            "/compare-faces",
            {"selfie": ("a.jpg", single), "id_photo": ("b.jpg", jpeg("obama2.jpg", 640))}, {}),
    }


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) if values else float("nan")


def load_test(url: str, path: str, files: dict, data: dict, clients: int, requests: int) -> dict:
    """`clients` threads each sending requests until `requests` are done in total."""
    latencies, faces, errors, error_bodies, stages = [], [], [], set(), []
    lock = threading.Lock()
    remaining = [requests]

    def worker():
        with httpx.Client(base_url=url, timeout=120, headers={"X-API-Key": STATS_KEY}) as http:
            while True:
                with lock:
                    if remaining[0] <= 0:
                        return
                    remaining[0] -= 1
                started = time.perf_counter()
                response = http.post(path, files=files, data=data)
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    if response.status_code != 200:
                        errors.append(response.status_code)
                        error_bodies.add(response.text[:300])
                        continue
                    latencies.append(elapsed)
                    body = response.json()
                    faces.append(body.get("face_count", 2))
                    stages.append(body.get("timings_ms", {}))

    with httpx.Client(base_url=url, timeout=120,
                      headers={"X-API-Key": STATS_KEY}) as http:  # warm-up
        for _ in range(2):
            http.post(path, files=files, data=data)
    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "clients": clients, "requests": len(latencies), "errors": len(errors),
        "error_statuses": sorted(set(errors)), "error_bodies": sorted(error_bodies),
        "p50_ms": percentile(latencies, 50), "p90_ms": percentile(latencies, 90),
        "p99_ms": percentile(latencies, 99),
        "images_per_s": len(latencies) / wall, "faces_per_s": sum(faces) / wall,
        "stages_p50_ms": median_stages(stages),
    }


def median_stages(stages: list[dict]) -> dict:
    """Median of each timings_ms entry: where the time goes inside the service."""
    names = {name for stage in stages for name in stage}
    return {name: round(statistics.median(s[name] for s in stages if name in s), 1)
            for name in sorted(names)}


def batch_stats(url: str) -> dict:
    # internal statistics answer only with the API key (security.PRIVATE_PATHS)
    response = httpx.post(f"{url}/batch-stats", json={}, timeout=30,
                          headers={"X-API-Key": STATS_KEY})
    return response.json() if response.status_code == 200 else {"error": response.text}


def in_process(repeats: int) -> dict:
    """The front's work (decode, crops, merge) and every model, with no server in between."""
    from analyzers.embedding import compare
    from analyzers.face_analysis import FaceAnalysis, Options
    from inputs.imageio import decode_image
    from model_services import load_in_process

    predictors, tags = load_in_process()
    analysis = FaceAnalysis(predictors, tags)
    results = {}

    async def analyze(data: bytes):
        result = await analysis.analyze(decode_image(data), Options())
        stages.append(result["timings_ms"])
        return result

    async def compare_pair(a: bytes, b: bytes):
        image_a, image_b = decode_image(a), decode_image(b)
        face_a = (await analysis.detect(image_a))[0]
        face_b = (await analysis.detect(image_b))[0]
        vectors = await analysis.embed_pair((image_a, face_a), (image_b, face_b))
        return compare(vectors[0], vectors[1])

    for name, (path, files, _) in workloads().items():
        stages: list[dict] = []
        payloads = [content for _, content in files.values()]
        call = analyze if path == "/analyze" else compare_pair
        for _ in range(2):
            asyncio.run(call(*payloads))
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            asyncio.run(call(*payloads))
            times.append((time.perf_counter() - started) * 1000)
        results[name] = {"p50_ms": statistics.median(times),
                         "stages_p50_ms": median_stages(stages[2:])}
    return results


def peer_face_recognition(repeats: int) -> dict:
    """The calls face_recognition makes for compare_faces: HOG detector (upsample 1),
    5-point shape, ResNet descriptor (num_jitters 1), on both photos, then a distance."""
    import bentoml
    import dlib

    from inputs.imageio import decode_image

    folder = bentoml.models.get("face-embedding-dlib:latest").path
    detector = dlib.get_frontal_face_detector()
    shape5 = dlib.shape_predictor(f"{folder}/shape_predictor_5_face_landmarks.dat")
    encoder = dlib.face_recognition_model_v1(f"{folder}/dlib_face_recognition_resnet_model_v1.dat")
    _, files, _ = workloads()["compare-faces (640 px pair)"]
    images = [decode_image(content) for _, content in files.values()]

    def detect_encode_compare():
        vectors = []
        for image in images:
            box = detector(image, 1)[0]
            vectors.append(np.array(encoder.compute_face_descriptor(image, shape5(image, box), 1)))
        return float(np.linalg.norm(vectors[0] - vectors[1]))

    detect_encode_compare()
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        distance = detect_encode_compare()
        times.append((time.perf_counter() - started) * 1000)
    return {"compare-faces (640 px pair)": {"p50_ms": statistics.median(times),
                                            "distance": distance}}


def table(rows: list[list], header: list[str]) -> str:
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w)
                               for i, (x, w) in enumerate(zip(r, widths)))
    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(r) for r in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests per level")
    parser.add_argument("--json", default="bench/results/latest.json")
    args = parser.parse_args()
    per_client = 3 if args.quick else 8
    repeats = 5 if args.quick else 20

    report = {"date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
              "server": {}, "batching_off": {}}
    with Server(env={"FACE_API_KEY": STATS_KEY}) as server:
        for name, (path, files, data) in workloads().items():
            report["server"][name] = [
                load_test(server.url, path, files, data, c, max(12, per_client * c))
                for c in CONCURRENCY]
        report["batch_sizes"] = batch_stats(server.url)
    with Server(env={"FACE_BATCHING": "off"}) as server:
        name = "analyze (6 faces, t1.jpg)"
        path, files, data = workloads()[name]
        report["batching_off"][name] = load_test(server.url, path, files, data, 16,
                                                 max(12, per_client * 16))
    report["in_process"] = in_process(repeats)
    report["peer_face_recognition"] = peer_face_recognition(repeats)

    rows = []
    for name, levels in report["server"].items():
        for level in levels:
            rows.append([name, level["clients"], level["requests"], level["errors"],
                         f"{level['p50_ms']:.0f}", f"{level['p90_ms']:.0f}",
                         f"{level['p99_ms']:.0f}", f"{level['images_per_s']:.1f}",
                         f"{level['faces_per_s']:.1f}"])
    print(table(rows, ["endpoint", "clients", "requests", "errors", "p50 ms", "p90 ms",
                       "p99 ms", "images/s", "faces/s"]))
    print()
    rows = []
    for name, measured in report["in_process"].items():
        served = report["server"][name][0]["p50_ms"]
        peer = report["peer_face_recognition"].get(name, {}).get("p50_ms")
        rows.append([name, f"{served:.0f}", f"{measured['p50_ms']:.0f}",
                     f"{(served / measured['p50_ms'] - 1) * 100:+.0f}%",
                     "" if peer is None else f"{peer:.0f}"])
    print(table(rows, ["1 client", "served p50 ms", "in-process p50 ms", "overhead",
                       "face_recognition p50 ms"]))
    print()
    print("where the time goes, 1 client, p50 ms per stage (served | in-process):")
    for name, measured in report["in_process"].items():
        served = report["server"][name][0]["stages_p50_ms"]
        local = measured["stages_p50_ms"]
        if served:
            print(f"  {name}: " + ", ".join(
                f"{stage} {served[stage]:.0f} | {local.get(stage, float('nan')):.0f}"
                for stage in served))
    print()
    on = report["server"]["analyze (6 faces, t1.jpg)"][-1]
    off = report["batching_off"]["analyze (6 faces, t1.jpg)"]
    print(f"batching at 16 clients, t1.jpg: on {on['images_per_s']:.2f} images/s "
          f"(p50 {on['p50_ms']:.0f} ms), off {off['images_per_s']:.2f} images/s "
          f"(p50 {off['p50_ms']:.0f} ms)")
    print("batch sizes seen (items per model run: runs):")
    for service, stats in report["batch_sizes"].items():
        print(f"  {service}: {stats.get('batch_sizes', stats)}")
    from pathlib import Path

    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(report, indent=2))
    print(f"\nJSON: {args.json}")


if __name__ == "__main__":
    main()
