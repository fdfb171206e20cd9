"""training/beauty/train.py on a fake SCUT-FBP5500 tree: a few steps on 8 made-up
images, its metrics JSON, and the exported ONNX imported into a throwaway store."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from PIL import Image

from testkit.model_store import models_cli

ROOT = Path(__file__).resolve().parent.parent
NAME = "face-beauty-resnet50"


def fake_scut(root: Path) -> Path:
    """SCUT-FBP5500_v2's layout: Images/*.jpg, 350x350, and the 60/40 split files."""
    rng = np.random.default_rng(0)
    (root / "Images").mkdir(parents=True)
    split = root / "train_test_files" / "split_of_60%training and 40%testing"
    split.mkdir(parents=True)
    rows = []
    for index, prefix in enumerate(("AF", "AM", "CF", "CM", "AF", "AM", "CF", "CM")):
        score = 1.5 + index * 0.4
        pixels = rng.integers(0, 60, (350, 350, 3)) + int(score * 35)
        name = f"{prefix}{index + 1}.jpg"
        Image.fromarray(pixels.astype(np.uint8)).save(root / "Images" / name, quality=90)
        rows.append(f"{name} {score:.6f}")
    (split / "train.txt").write_text("\n".join(rows[:5]) + "\n")
    (split / "test.txt").write_text("\n".join(rows[5:]) + "\n")
    return root


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("beauty")
    data = fake_scut(folder / "SCUT-FBP5500_v2")
    out = folder / "run"
    result = subprocess.run(
        [sys.executable, "training/beauty/train.py", "--data", str(data), "--out", str(out),
         "--max-steps", "3", "--batch-size", "2", "--workers", "0", "--lr", "1e-3",
         "--device", "cpu"],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "test split: Pearson r" in result.stdout
    return out


def test_training_runs_and_writes_metrics(trained):
    metrics = json.loads((trained / "metrics.json").read_text())
    assert metrics["steps"] == 3 and len(metrics["losses"]) == 3
    assert all(math.isfinite(loss) for loss in metrics["losses"])
    assert metrics["train_faces"] == 5 and metrics["test"]["n"] == 3
    assert set(metrics["test"]) >= {"pearson_r", "mae", "rmse"}
    assert 0 <= metrics["test"]["mae"] < 4


def test_exported_onnx_imports_and_scores(trained, tmp_path):
    onnx_file = trained / "beauty_resnet50.onnx"
    result = models_cli(tmp_path / "home", "import", "--only", NAME, "--from", str(onnx_file))
    assert result.returncode == 0, result.stdout + result.stderr
    [version] = [p for p in (tmp_path / "home" / "models" / NAME).iterdir() if p.is_dir()]
    info = yaml.safe_load((version / "model.yaml").read_text())
    assert info["labels"]["task"] == "beauty" and info["labels"]["set"] == "full"

    from analyzers.face_models.beauty import BeautyNet

    scores = BeautyNet(version / "beauty_resnet50.onnx").predict(
        np.full((2, 224, 224, 3), 128, np.uint8))
    assert len(scores) == 2 and all(1.0 <= s <= 5.0 for s in scores)


def test_resnet_takes_a_torchvision_state_dict():
    sys.path.insert(0, str(ROOT / "training" / "beauty"))
    from resnet import ResNet50, load_backbone

    # a torchvision resnet50 state dict has these names and a 1000-class fc
    state = {k: v.clone() for k, v in ResNet50(outputs=1000).state_dict().items()}
    state["layer3.2.conv2.weight"].fill_(0.5)
    model = ResNet50()
    assert load_backbone(model, {"state_dict": state}) == ["fc.bias", "fc.weight"]
    assert torch.equal(model.layer3[2].conv2.weight, state["layer3.2.conv2.weight"])
    with pytest.raises(ValueError, match="not a ResNet-50"):
        load_backbone(ResNet50(), {"conv1.weight": torch.zeros(1)})
