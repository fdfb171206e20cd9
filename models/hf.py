"""Hugging Face models (set `full`): download a transformers checkpoint and export it to ONNX.

`download` fetches only what serving needs (config.json, preprocessor_config.json,
*.safetensors) with huggingface_hub's snapshot_download, which shows progress and
caches under FACE_ANALYSIS_CACHE/hf; HF_ENDPOINT points it at a mirror (the tests
point it at a local stand-in, tests/hf_hub_server.py). `--from PATH` takes a
`save_pretrained` folder holding the same files instead.

`to_onnx` (the `hf_to_onnx` converter) loads the checkpoint with transformers and
torch, exports it with torch.onnx.export (opset 17, dynamic batch), checks the
ONNX answer against torch on a random input, and writes next to model.onnx:
labels.json (config.id2label, in class order) and preprocess.json (size, mean,
std, resample, rescale factor from preprocessor_config.json). Serving needs only
onnxruntime and those two files.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ALLOW_PATTERNS = ["config.json", "preprocessor_config.json", "*.safetensors",
                  "*.safetensors.index.json"]
OPSET = 17


def download(repo_id: str, revision: str, *, log=print) -> tuple[dict[str, Path], str]:
    """({file name: cached path}, resolved commit) of a Hub repo's serving files."""
    from huggingface_hub import snapshot_download

    from models.fetch import CACHE_DIR, FetchError

    log(f"  downloading {repo_id}@{revision} from {os.environ.get('HF_ENDPOINT') or 'the Hub'} ...")
    try:
        folder = Path(snapshot_download(repo_id, revision=revision,
                                        allow_patterns=ALLOW_PATTERNS,
                                        cache_dir=str(CACHE_DIR / "hf")))
    except Exception as error:  # network, missing repo, gated repo: one clear line
        raise FetchError(f"could not download {repo_id}@{revision}: {error}") from None
    files = pretrained_files(folder)
    return files, folder.name  # snapshots/<commit>


def pretrained_files(folder: Path) -> dict[str, Path]:
    """The serving files of a save_pretrained / snapshot folder; config.json and at
    least one .safetensors file are required."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ValueError(f"--from {folder}: a transformers model needs a save_pretrained folder")
    files = {p.name: p for p in sorted(folder.iterdir())
             if p.is_file() and (p.name in ("config.json", "preprocessor_config.json")
                                 or p.name.endswith((".safetensors", ".safetensors.index.json")))}
    if "config.json" not in files or not any(n.endswith(".safetensors") for n in files):
        raise ValueError(f"{folder} lacks config.json or a .safetensors file "
                         "(a save_pretrained folder has both)")
    return files


# preprocessor_config.json "resample" is a PIL constant
RESAMPLE_NAMES = {0: "nearest", 1: "lanczos", 2: "bilinear", 3: "bicubic", 4: "box", 5: "hamming"}


def preprocessing(files: dict[str, Path], config) -> dict:
    """Size, mean, std, resample and rescale factor, from preprocessor_config.json
    (or the image processor defaults of the model type when the folder lacks it)."""
    defaults = {"vit": {"size": config.image_size if hasattr(config, "image_size") else 224,
                        "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5], "resample": 2},
                "segformer": {"size": 512, "mean": [0.485, 0.456, 0.406],
                              "std": [0.229, 0.224, 0.225], "resample": 2}}
    base = dict(defaults.get(config.model_type, defaults["vit"]), rescale_factor=1 / 255,
                do_normalize=True)
    if "preprocessor_config.json" in files:
        raw = json.loads(Path(files["preprocessor_config.json"]).read_text())
        size = raw.get("size", base["size"])
        if isinstance(size, dict):
            size = [size.get("height", size.get("shortest_edge")),
                    size.get("width", size.get("shortest_edge"))]
        base.update(size=size, mean=raw.get("image_mean", base["mean"]),
                    std=raw.get("image_std", base["std"]),
                    resample=raw.get("resample", base["resample"]),
                    rescale_factor=raw.get("rescale_factor", base["rescale_factor"]),
                    do_normalize=raw.get("do_normalize", True))
    if isinstance(base["size"], int):
        base["size"] = [base["size"], base["size"]]
    base["resample_name"] = RESAMPLE_NAMES.get(base["resample"], "bilinear")
    return base


def load_torch(folder: Path):
    """The transformers model (eval mode) of a save_pretrained folder."""
    from transformers import AutoConfig, AutoModelForImageClassification, \
        AutoModelForSemanticSegmentation

    config = AutoConfig.from_pretrained(folder)
    kind = (AutoModelForSemanticSegmentation if config.model_type == "segformer"
            else AutoModelForImageClassification)
    return kind.from_pretrained(folder).eval()


def to_onnx(files: dict[str, Path], out_dir: Path) -> dict[str, Path]:
    """A transformers image classifier / SegFormer -> model.onnx, labels.json, preprocess.json."""
    import shutil
    import warnings

    import numpy as np
    import onnxruntime as ort
    import torch

    staged = out_dir / "pretrained"
    staged.mkdir(parents=True, exist_ok=True)
    for name, path in files.items():
        shutil.copyfile(path, staged / name)
    model = load_torch(staged)
    config = model.config
    prep = preprocessing(files, config)
    height, width = prep["size"]
    sample = torch.rand(2, 3, height, width)
    target = out_dir / "model.onnx"
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (sample,), str(target), input_names=["pixel_values"],
                          output_names=["logits"], opset_version=OPSET, dynamo=False,
                          dynamic_axes={"pixel_values": {0: "batch"}, "logits": {0: "batch"}})
        expected = model(pixel_values=sample).logits.numpy()
    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    got = session.run(None, {"pixel_values": sample.numpy()})[0]
    error = float(np.abs(got - expected).max())
    if got.shape != expected.shape or error > 1e-3 * max(1.0, float(np.abs(expected).max())):
        raise ValueError(f"the ONNX export differs from torch (max |diff| {error:.3g})")
    labels = [config.id2label[i] for i in range(len(config.id2label))]
    (out_dir / "labels.json").write_text(json.dumps(labels))
    (out_dir / "preprocess.json").write_text(json.dumps(
        dict(prep, model_type=config.model_type, onnx_max_abs_diff=error), indent=1))
    return {"model.onnx": target, "labels.json": out_dir / "labels.json",
            "preprocess.json": out_dir / "preprocess.json"}
