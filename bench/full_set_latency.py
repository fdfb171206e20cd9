"""Load time and per-face latency of every model of the optional `full` set, on stand-ins.

The real weights of the set-`full` models cannot be downloaded here, so each model
is a stand-in with the real architecture and size and random weights: the time a
dense network takes depends on its architecture and input size, not on the values
of its weights. Each stand-in goes through the real import path (`python -m
models import --only NAME --from PATH` into a temporary BentoML home: signature
checks, and for the Hugging Face models the ONNX export of models/hf.py) and is
then loaded and run as its model service does (`model_services.load_model` /
`.run_batch`, one onnxruntime thread as FACE_MODEL_THREADS=1), so the preprocessing
inside `predict` is timed too.

Measured per model: the stored ONNX file's size, the stand-in's parameter count
and FLOPs (torch's FlopCounterMode, 2 per multiply-add, one item at the served
input size), the import time (export included), the session load time (median
of 3 loads), and the time of one `run` call on 1 and on 8 items (median of 10
after 2 warm-ups); per face = the batch-8 time / 8. Inputs are random uint8
arrays of the shape each service takes; SCRFD takes whole images (640x480), so
its figures are per image, at the canvas side FACE_SCRFD_SIZE sets (640 unless set).

Stand-ins:
- face-embedding-arcface: IResNet-50 (InsightFace's w600k_r50 architecture);
- face-detector-scrfd: a reconstruction of SCRFD-10GF with key points (det_10g):
  ResNet basic-block backbone, PAFPN neck, per-stride heads, the 9 outputs of
  analyzers/detectors/scrfd.py. Approximation: rebuilt from the published configuration;
  its FLOPs and parameter count are printed next to the published ones. Its
  scores are held at 0.01, so no face is decoded (as on a photo without one;
  decoding and NMS of a few faces cost next to nothing);
- face-genderage-insightface, face-landmarks106-insightface: MobileNet-v1 nets
  sized to the real files (about 1.3 MB and 5 MB). Approximations: the real
  layer plans were not available here;
- face-emotion-hsemotion: EfficientNet-B0 with a 10-output head;
- face-beauty-resnet50: training/beauty/resnet.py's ResNet-50, exported as
  training/beauty/train.py does;
- the four ViT classifiers: ViT-Base/16 at 224 px (the service gets 256 px crops
  and resizes them), and human-parsing-segformer: SegFormer-B5 at 512 px
  (transformers, random init, saved with save_pretrained; no
  preprocessor_config.json, so models/hf.py takes the model type's defaults,
  224 and 512 px).

    .venv/bin/python bench/full_set_latency.py [--only NAME ...] [--quick] [--out FILE]

`--quick`: 1 load, 3 runs after 1 warm-up. The full run takes about 13 minutes on
the project's 2-core VM (SegFormer-B5 alone about 7) and up to 11 GB of memory;
temporary files go to the system temp folder and are removed at the end.
Results: docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# as the services run (bentofile.yaml); read when model_services is imported
os.environ["FACE_MODEL_THREADS"] = "1"  # one onnxruntime thread per model
os.environ["BENTOML_DO_NOT_TRACK"] = "true"

OPSET = 17


# --------------------------------------------------------------------- stand-ins
def init_weights(model: nn.Module) -> nn.Module:
    """He-normal convolutions, so the activations keep their scale through the depth
    (no vanishing values, hence no slow denormal arithmetic in the timings)."""
    for module in model.modules():
        if isinstance(module, nn.Conv2d):
            nn.init.kaiming_normal_(module.weight, mode="fan_in", nonlinearity="relu")
    return model.eval()


def conv_bn(cin: int, cout: int, kernel: int = 3, stride: int = 1, groups: int = 1,
            act: nn.Module | None = None) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(cin, cout, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(cout), act if act is not None else nn.ReLU(inplace=True))


class IBasicBlock(nn.Module):
    """IResNet's block: BN, conv 3x3, BN, PReLU, conv 3x3 (stride), BN, plus the shortcut."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(cin), nn.Conv2d(cin, cout, 3, 1, 1, bias=False),
            nn.BatchNorm2d(cout), nn.PReLU(cout),
            nn.Conv2d(cout, cout, 3, stride, 1, bias=False), nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x) + self.shortcut(x)


class IResNet50(nn.Module):
    """ArcFace's IResNet-50 (InsightFace w600k_r50): [N, 3, 112, 112] -> [N, 512]."""

    def __init__(self, blocks=(3, 4, 14, 3), widths=(64, 128, 256, 512), features: int = 512):
        super().__init__()
        layers = [nn.Conv2d(3, 64, 3, 1, 1, bias=False), nn.BatchNorm2d(64), nn.PReLU(64)]
        cin = 64
        for count, cout in zip(blocks, widths):  # each stage halves the size: 112 -> 7
            layers += [IBasicBlock(cin, cout, 2)] + [IBasicBlock(cout, cout, 1)
                                                     for _ in range(count - 1)]
            cin = cout
        layers.append(nn.BatchNorm2d(cin))
        self.body = nn.Sequential(*layers)
        self.dropout = nn.Dropout(0.0)
        self.fc = nn.Linear(cin * 7 * 7, features)
        self.features = nn.BatchNorm1d(features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dropout(torch.flatten(self.body(x), 1))
        return self.features(self.fc(x))


class MobileNetV1(nn.Module):
    """MobileNet-v1 (depthwise-separable convolutions) of width `alpha`, global average
    pool and one linear layer; normalises its 0..255 input itself, as the InsightFace
    graphs do."""

    PLAN = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
            (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))

    def __init__(self, alpha: float, outputs: int):
        super().__init__()

        def width(channels: int) -> int:
            return max(8, int(channels * alpha + 4) // 8 * 8)

        cin = width(32)
        layers = [conv_bn(3, cin, stride=2)]
        for cout, stride in self.PLAN:
            layers += [conv_bn(cin, cin, stride=stride, groups=cin), conv_bn(cin, width(cout), 1)]
            cin = width(cout)
        self.body = nn.Sequential(*layers)
        self.fc = nn.Linear(cin, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.body((x - 127.5) / 128.0).mean((2, 3)))


class SqueezeExcite(nn.Module):
    def __init__(self, channels: int, squeezed: int):
        super().__init__()
        self.gate = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Conv2d(channels, squeezed, 1),
                                  nn.SiLU(), nn.Conv2d(squeezed, channels, 1), nn.Sigmoid())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.gate(x)


class MBConv(nn.Module):
    """EfficientNet's inverted residual: expand 1x1, depthwise kxk, squeeze-excite, project."""

    def __init__(self, cin: int, cout: int, expand: int, kernel: int, stride: int):
        super().__init__()
        mid = cin * expand
        layers = [conv_bn(cin, mid, 1, act=nn.SiLU())] if expand != 1 else []
        layers += [conv_bn(mid, mid, kernel, stride, groups=mid, act=nn.SiLU()),
                   SqueezeExcite(mid, max(1, cin // 4)),
                   nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and cin == cout

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x) if self.residual else self.body(x)


class EfficientNetB0(nn.Module):
    """EfficientNet-B0 (Tan & Le 2019) with HSEmotion's 10-output head."""

    # expand ratio, kernel, stride, output channels, repeats
    STAGES = ((1, 3, 1, 16, 1), (6, 3, 2, 24, 2), (6, 5, 2, 40, 2), (6, 3, 2, 80, 3),
              (6, 5, 1, 112, 3), (6, 5, 2, 192, 4), (6, 3, 1, 320, 1))

    def __init__(self, outputs: int = 10):
        super().__init__()
        layers = [conv_bn(3, 32, stride=2, act=nn.SiLU())]
        cin = 32
        for expand, kernel, stride, cout, repeats in self.STAGES:
            for index in range(repeats):
                layers.append(MBConv(cin, cout, expand, kernel, stride if index == 0 else 1))
                cin = cout
        layers.append(conv_bn(cin, 1280, 1, act=nn.SiLU()))
        self.body = nn.Sequential(*layers)
        self.classifier = nn.Linear(1280, outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.body(x).mean((2, 3)))


class BasicBlock(nn.Module):
    """ResNet basic block; the downsampling shortcut averages first (ResNet-D, as SCRFD's
    ResNetV1e)."""

    def __init__(self, cin: int, cout: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(conv_bn(cin, cout, 3, stride),
                                  nn.Conv2d(cout, cout, 3, 1, 1, bias=False),
                                  nn.BatchNorm2d(cout))
        self.shortcut = nn.Identity() if stride == 1 and cin == cout else nn.Sequential(
            nn.AvgPool2d(stride, stride, ceil_mode=True, count_include_pad=False),
            nn.Conv2d(cin, cout, 1, bias=False), nn.BatchNorm2d(cout))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.relu(self.body(x) + self.shortcut(x))


class SCRFD10G(nn.Module):
    """SCRFD-10GF with key points (det_10g), rebuilt from the published configuration:
    deep stem 28-28-56, basic-block stages of (3, 4, 2, 3) blocks and (56, 88, 88, 224)
    channels, a PAFPN of 56 channels over strides 8 / 16 / 32, and per stride a head of
    three 3x3 convolutions of 80 channels (BN) with 2 anchors a cell: score (sigmoid),
    4 box distances, 10 key-point offsets. Outputs as analyzers/detectors/scrfd.py reads them."""

    STRIDES = (8, 16, 32)

    def __init__(self, blocks=(3, 4, 2, 3), widths=(56, 88, 88, 224), neck: int = 56,
                 head: int = 80, anchors: int = 2):
        super().__init__()
        self.stem = nn.Sequential(conv_bn(3, 28, stride=2), conv_bn(28, 28), conv_bn(28, 56),
                                  nn.MaxPool2d(3, 2, 1))
        stages, cin = [], 56
        for index, (count, cout) in enumerate(zip(blocks, widths)):
            stride = 1 if index == 0 else 2
            stages.append(nn.Sequential(BasicBlock(cin, cout, stride),
                                        *[BasicBlock(cout, cout, 1) for _ in range(count - 1)]))
            cin = cout
        self.stages = nn.ModuleList(stages)
        levels = widths[1:]  # strides 8, 16, 32
        self.lateral = nn.ModuleList(nn.Conv2d(c, neck, 1) for c in levels)
        self.smooth = nn.ModuleList(nn.Conv2d(neck, neck, 3, 1, 1) for _ in levels)
        self.down = nn.ModuleList(nn.Conv2d(neck, neck, 3, 2, 1) for _ in levels[1:])
        self.merge = nn.ModuleList(nn.Conv2d(neck, neck, 3, 1, 1) for _ in levels[1:])
        self.towers = nn.ModuleList(
            nn.Sequential(conv_bn(neck, head), conv_bn(head, head), conv_bn(head, head))
            for _ in self.STRIDES)
        self.scores = nn.ModuleList(nn.Conv2d(head, anchors, 3, 1, 1) for _ in self.STRIDES)
        self.boxes = nn.ModuleList(nn.Conv2d(head, anchors * 4, 3, 1, 1) for _ in self.STRIDES)
        self.points = nn.ModuleList(nn.Conv2d(head, anchors * 10, 3, 1, 1)
                                    for _ in self.STRIDES)
        init_weights(self)
        for conv in self.scores:  # every score at the usual prior, 0.01: no face is found,
            nn.init.zeros_(conv.weight)  # as on a photo without one (the convolutions
            nn.init.constant_(conv.bias, -4.595)  # still run: their cost is what counts)

    def forward(self, x: torch.Tensor):
        x = self.stem(x)
        features = []
        for stage in self.stages:
            x = stage(x)
            features.append(x)
        laterals = [conv(f) for conv, f in zip(self.lateral, features[1:])]
        for level in (2, 1):  # top-down
            laterals[level - 1] = laterals[level - 1] + nn.functional.interpolate(
                laterals[level], size=laterals[level - 1].shape[2:], mode="nearest")
        outs = [conv(f) for conv, f in zip(self.smooth, laterals)]
        for level in (1, 2):  # bottom-up (the PA path)
            outs[level] = outs[level] + self.down[level - 1](outs[level - 1])
        outs = [outs[0]] + [conv(f) for conv, f in zip(self.merge, outs[1:])]

        def flat(t: torch.Tensor, width: int) -> torch.Tensor:  # [1, A*w, H, W] -> [H*W*A, w]
            return t.permute(0, 2, 3, 1).reshape(-1, width)

        scores, boxes, points = [], [], []
        for level, feature in enumerate(outs):
            tower = self.towers[level](feature)
            scores.append(flat(self.scores[level](tower).sigmoid(), 1))
            boxes.append(flat(self.boxes[level](tower), 4))
            points.append(flat(self.points[level](tower), 10))
        return (*scores, *boxes, *points)


# ------------------------------------------------------------------ model specs
@dataclass
class StandIn:
    name: str  # registry name
    service: str  # model_services class
    architecture: str
    sample: tuple[int, ...]  # one model input, NCHW, for the FLOP count and the export
    item: tuple[int, ...]  # one uint8 item the service's `run` takes
    build: Callable[[], nn.Module]
    filename: str = ""  # ONNX file (empty: a transformers save_pretrained folder)
    input_name: str = "input"
    output_names: tuple[str, ...] = ("output",)
    dynamic_batch: bool = True
    approximation: str = ""
    per: str = "face"


def vit_base(name: str):
    def build():
        from transformers import ViTConfig, ViTForImageClassification

        return ViTForImageClassification(ViTConfig(**label_config(name)))  # ViT-Base/16, 224
    return build


def segformer_b5():
    from transformers import SegformerConfig, SegformerForSemanticSegmentation

    return SegformerForSemanticSegmentation(SegformerConfig(
        depths=[3, 6, 40, 3], hidden_sizes=[64, 128, 320, 512], decoder_hidden_size=768,
        **label_config("human-parsing-segformer")))


def label_config(name: str) -> dict:
    from models.registry import BY_NAME

    labels = BY_NAME[name].metadata["labels"]
    return {"id2label": dict(enumerate(labels)),
            "label2id": {label: i for i, label in enumerate(labels)}}


def beauty_resnet50() -> nn.Module:
    from training.beauty.resnet import ResNet50

    return ResNet50().eval()


def stand_ins() -> list[StandIn]:
    from analyzers.face_models import classifiers, parsing

    crop = classifiers.CROP_SIZE  # the classifiers get 256 px crops, resized to 224
    # SCRFD letterboxes each image into a square canvas (FACE_SCRFD_SIZE, analyzers/detectors/scrfd.py)
    import settings

    canvas = int(settings.read("FACE_SCRFD_SIZE"))
    return [
        StandIn("face-detector-scrfd", "SCRFDModel",
                f"SCRFD-10GF+kps (rebuilt), {canvas} px canvas", (1, 3, canvas, canvas),
                (480, 640, 3), SCRFD10G, "det_10g.onnx", "input.1",
                tuple(f"{kind}_{s}" for kind in ("score", "bbox", "kps") for s in (8, 16, 32)),
                dynamic_batch=False, per="image",
                approximation="rebuilt from the published SCRFD-10GF configuration"),
        StandIn("face-embedding-arcface", "ArcFaceModel", "IResNet-50",
                (1, 3, 112, 112), (112, 112, 3), lambda: init_weights(IResNet50()),
                "w600k_r50.onnx", "input.1", ("embedding",)),
        StandIn("face-landmarks106-insightface", "Landmarks106Model", "MobileNet-v1 x0.6",
                (1, 3, 192, 192), (192, 192, 3),
                lambda: init_weights(MobileNetV1(0.6, 212)), "2d106det.onnx", "data", ("fc1",),
                approximation="a MobileNet-v1 of the real file's size (~5 MB), "
                "not the real layer plan"),
        StandIn("face-genderage-insightface", "GenderAgeInsightFace", "MobileNet-v1 x0.3",
                (1, 3, 96, 96), (96, 96, 3), lambda: init_weights(MobileNetV1(0.3, 3)),
                "genderage.onnx", "data", ("fc1",),
                approximation="a MobileNet-v1 of the real file's size (~1.3 MB), "
                "not the real layer plan"),
        StandIn("face-emotion-hsemotion", "EmotionModel", "EfficientNet-B0",
                (1, 3, 224, 224), (224, 224, 3), lambda: init_weights(EfficientNetB0(10)),
                "enet_b0_8_va_mtl.onnx"),
        StandIn("face-beauty-resnet50", "BeautyModel", "ResNet-50 (training/beauty)",
                (1, 3, 224, 224), (224, 224, 3), beauty_resnet50, "beauty_resnet50.onnx"),
        *[StandIn(name, service, "ViT-Base/16", (1, 3, 224, 224), (crop, crop, 3),
                  vit_base(name))
          for name, service in (("face-gender-vit", "FaceGenderVitModel"),
                                ("face-ethnicity-vit", "FaceEthnicityVitModel"),
                                ("face-obstruction-vit", "FaceObstructionVitModel"),
                                ("hair-type-vit", "HairTypeVitModel"))],
        StandIn("human-parsing-segformer", "HumanParsingModel", "SegFormer-B5",
                (1, 3, 512, 512), (parsing.CROP_SIZE, parsing.CROP_SIZE, 3), segformer_b5),
    ]


# ------------------------------------------------------------------- the steps
def export_onnx(spec: StandIn, model: nn.Module, path: Path) -> None:
    if spec.name == "face-beauty-resnet50":  # as its training script exports it
        from training.beauty.train import export

        export(model, path)
        return
    if spec.dynamic_batch:
        axes = {spec.input_name: {0: "N"}, **{name: {0: "N"} for name in spec.output_names}}
    else:  # SCRFD: batch 1, any image size
        axes = {spec.input_name: {2: "height", 3: "width"}}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (torch.zeros(spec.sample),), str(path),
                          input_names=[spec.input_name], output_names=list(spec.output_names),
                          dynamic_axes=axes, opset_version=OPSET, dynamo=False)


def gflops(model: nn.Module, shape: tuple[int, ...]) -> float:
    from torch.utils.flop_counter import FlopCounterMode

    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(shape))
    return counter.get_total_flops() / 1e9


def prepare(spec: StandIn, work: Path) -> tuple[Path, dict]:
    """Build the stand-in and write what `import --from` takes: its ONNX file or its
    save_pretrained folder."""
    torch.manual_seed(0)
    model = spec.build().eval()
    facts = {"params_M": round(sum(p.numel() for p in model.parameters()) / 1e6, 2),
             "gflops": round(gflops(model, spec.sample), 2)}
    if spec.name == "face-detector-scrfd":  # the published count is at VGA, multiply-adds
        facts["gmacs_640x480"] = round(gflops(model, (1, 3, 480, 640)) / 2, 2)
    if spec.filename:
        source = work / spec.filename
        export_onnx(spec, model, source)
    else:
        from transformers.utils import logging

        logging.disable_progress_bar()
        source = work / spec.name
        model.save_pretrained(source)
    return source, facts


def import_model(name: str, source: Path, home: Path) -> float:
    """`python -m models import --only NAME --from SOURCE` into `home`; seconds taken."""
    env = dict(os.environ, BENTOML_HOME=str(home))
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "models", "import", "--only", name,
                             "--from", str(source)], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"import of {name} failed:\n{result.stdout}{result.stderr}")
    return time.perf_counter() - started


def median_seconds(call: Callable[[], object], runs: int, warmups: int = 0) -> float:
    for _ in range(warmups):
        call()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def measure(spec: StandIn, work: Path, home: Path, loads: int, runs: int,
            warmups: int) -> dict:
    import bentoml

    import model_services
    from models.registry import BY_NAME

    source, facts = prepare(spec, work)
    import_s = import_model(spec.name, source, home)
    stored = bentoml.models.get(BY_NAME[spec.name].tag)
    folder = Path(stored.path)
    onnx_mb = (folder / (spec.filename or "model.onnx")).stat().st_size / 1e6
    model_source = BY_NAME[spec.name]

    load_s = median_seconds(lambda: model_services.load_model(model_source, folder), loads)
    runner = model_services.load_model(model_source, folder)
    rng = np.random.default_rng(0)
    batches = {size: rng.integers(0, 256, (size, *spec.item), dtype=np.uint8)
               for size in (1, 8)}
    if spec.per == "image":  # the detector's run takes a list of whole images
        batches = {size: list(batch) for size, batch in batches.items()}
    timings = {}
    for size, batch in batches.items():
        timings[size] = median_seconds(lambda b=batch: runner.run_batch(b), runs, warmups)
    bentoml.models.delete(stored.tag)
    if source.is_dir():
        shutil.rmtree(source)
    else:
        source.unlink()
    return {
        "model": spec.name, "stand_in": spec.architecture, "approximation": spec.approximation,
        "item": "x".join(map(str, spec.item)), "per": spec.per,
        "onnx_MB": round(onnx_mb, 1),
        **facts, "import_s": round(import_s, 1), "load_s": round(load_s, 3),
        "batch1_ms": round(timings[1] * 1000, 1), "batch8_ms": round(timings[8] * 1000, 1),
        "per_item_ms": round(timings[8] * 1000 / 8, 1),
    }


# --------------------------------------------------------------------- report
def table(rows: list[dict]) -> str:
    columns = ("model", "stand-in", "item (uint8)", "ONNX MB", "params M", "GFLOPs", "import s",
               "load s", "batch 1 ms", "batch 8 ms", "per face ms")
    lines = ["| " + " | ".join(columns) + " |",
             "| --- | --- | --- |" + " --: |" * (len(columns) - 3)]
    for row in rows:
        mark = " *" if row["approximation"] else ""
        per = row["per_item_ms"] if row["per"] == "face" else f"{row['per_item_ms']} (per image)"
        lines.append(f"| {row['model']} | {row['stand_in']}{mark} | {row['item']} "
                     f"| {row['onnx_MB']} | {row['params_M']} | {row['gflops']} "
                     f"| {row['import_s']} | {row['load_s']} | {row['batch1_ms']} "
                     f"| {row['batch8_ms']} | {per} |")
    notes = [f"* {row['model']}: approximation, {row['approximation']}" for row in rows
             if row["approximation"]]
    scrfd = next((row for row in rows if "gmacs_640x480" in row), None)
    if scrfd:
        notes.append(f"SCRFD stand-in: {scrfd['gmacs_640x480']} G multiply-adds at 640x480, "
                     f"{scrfd['params_M']} M parameters (published SCRFD-10GF with key "
                     "points: 10 G at VGA, 4.23 M)")
    return "\n".join(lines + [""] + notes)


def machine() -> str:
    cpu = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                    if line.startswith("model name")), cpu)
    return f"{platform.machine()}, {os.cpu_count()} cores, {cpu or 'unknown CPU'}"


def main(argv: list[str] | None = None) -> int:
    from models.registry import sources_in

    specs = stand_ins()
    assert {s.name for s in specs} == {s.name for s in sources_in("full")}, \
        "every model of set full needs a stand-in"
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", choices=[s.name for s in specs],
                        help="measure just this model (repeatable)")
    parser.add_argument("--quick", action="store_true", help="1 load, 3 runs, 1 warm-up")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)
    loads, runs, warmups = (1, 3, 1) if args.quick else (3, 10, 2)

    started, load_before = time.perf_counter(), os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory(prefix="full_set_latency_") as temp:
        home = Path(temp) / "bentoml"
        os.environ["BENTOML_HOME"] = str(home)  # before bentoml is imported
        for spec in specs:
            if args.only and spec.name not in args.only:
                continue
            print(f"- {spec.name} ({spec.architecture}) ...", file=sys.stderr, flush=True)
            rows.append(measure(spec, Path(temp), home, loads, runs, warmups))
            print(f"  {rows[-1]}", file=sys.stderr, flush=True)
    result = {
        "what": "set full stand-ins (real architectures, random weights): ONNX size, "
                "load time, latency per run call",
        "machine": machine(),
        "threads_per_model": 1, "loads": loads, "runs": runs, "warmups": warmups,
        # others' work on the machine shows here (1-minute load average, start and end)
        "load_average": [round(load_before[0], 2), round(os.getloadavg()[0], 2)],
        "total_s": round(time.perf_counter() - started, 1), "models": rows,
    }
    print(table(rows))
    print(f"\n{len(rows)} models in {result['total_s']} s")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
