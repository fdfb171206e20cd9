"""Load time and per-face latency: the served ONNX export (onnxruntime) against the
transformers model (torch), for the set-`full` architectures (models/hf.py).

Random weights in the real architectures (the timings do not depend on the
weights): `tiny` is the test configuration (testkit/tiny_hf.py), `base` the size of
the real checkpoints (ViT-Base/16 at 224 px; SegFormer-B5 at 512 px).

    python bench/hf_onnx_vs_torch.py [--threads 1] [--sizes tiny,base] [--runs 10]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def configs(size: str):
    from transformers import SegformerConfig, ViTConfig

    from testkit.tiny_hf import labels_of

    gender = labels_of("face-gender-vit")
    parts = labels_of("human-parsing-segformer")
    common = {"id2label": dict(enumerate(gender)), "label2id": {l: i for i, l in enumerate(gender)}}
    seg_common = {"id2label": dict(enumerate(parts)),
                  "label2id": {l: i for i, l in enumerate(parts)}}
    if size == "tiny":
        return [("vit", 64, ViTConfig(image_size=64, patch_size=16, hidden_size=32,
                                      num_hidden_layers=2, num_attention_heads=2,
                                      intermediate_size=64, **common)),
                ("segformer", 128, SegformerConfig(hidden_sizes=[8, 16, 24, 32],
                                                   depths=[1, 1, 1, 1],
                                                   num_attention_heads=[1, 1, 1, 2],
                                                   decoder_hidden_size=32, **seg_common))]
    return [("vit", 224, ViTConfig(image_size=224, patch_size=16, **common)),  # ViT-Base/16
            ("segformer", 512, SegformerConfig(  # SegFormer-B5
                hidden_sizes=[64, 128, 320, 512], depths=[3, 6, 40, 3],
                decoder_hidden_size=768, **seg_common))]


def median_ms(run, runs: int) -> float:
    run()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def measure(kind: str, pixels: int, config, threads: int, runs: int) -> dict:
    import onnxruntime as ort
    import torch
    from transformers import SegformerForSemanticSegmentation, ViTForImageClassification

    from models.hf import to_onnx

    torch.set_num_threads(threads)
    cls = SegformerForSemanticSegmentation if kind == "segformer" else ViTForImageClassification
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        cls(config).save_pretrained(work / "pretrained")
        (work / "pretrained" / "preprocessor_config.json").write_text(json.dumps(
            {"size": {"height": pixels, "width": pixels}, "image_mean": [0.5] * 3,
             "image_std": [0.5] * 3, "resample": 2}))
        files = {p.name: p for p in (work / "pretrained").iterdir()}
        started = time.perf_counter()
        to_onnx(files, work / "out")
        export_s = time.perf_counter() - started

        started = time.perf_counter()
        model = cls.from_pretrained(work / "pretrained").eval()
        torch_load = time.perf_counter() - started
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        started = time.perf_counter()
        session = ort.InferenceSession(str(work / "out" / "model.onnx"), options,
                                       providers=["CPUExecutionProvider"])
        onnx_load = time.perf_counter() - started

        face = np.random.default_rng(0).random((1, 3, pixels, pixels), np.float32)
        tensor = torch.from_numpy(face)

        def run_torch():
            with torch.inference_mode():
                model(pixel_values=tensor)

        return {"model": kind, "input": pixels,
                "params_M": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
                "onnx_MB": round((work / "out" / "model.onnx").stat().st_size / 2**20, 1),
                "export_s": round(export_s, 1),
                "load_s": {"torch": round(torch_load, 2), "onnxruntime": round(onnx_load, 2)},
                "ms_per_face": {"torch": median_ms(run_torch, runs),
                                "onnxruntime": median_ms(
                                    lambda: session.run(None, {"pixel_values": face}), runs)}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", default="tiny,base")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", default="vit,segformer")
    args = parser.parse_args()
    for size in args.sizes.split(","):
        for kind, pixels, config in configs(size):
            if kind in args.only.split(","):
                result = measure(kind, pixels, config, args.threads, args.runs)
                print(json.dumps({"size": size, "threads": args.threads, **result}), flush=True)


if __name__ == "__main__":
    main()
