"""A MiniFASNet-shaped ONNX model brought with `python -m models import --from PATH`:
the checks on the file, the labels it is stored with, the crop / input convention,
and a real server answering /liveness with it.

The model is built here with the `onnx` package: a 1x1 convolution that keeps the
three channels, a global average pool and a Gemm. Its logits are
[0, (mean R - mean B) / 10, 0] for the BGR input MiniFASNet takes, so a reddish
face (skin) is "real" and a bluish one is not, which also checks the BGR order.
"""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import numpy as np
import onnx
import pytest
import yaml
from onnx import TensorProto, helper, numpy_helper
from PIL import Image

from analyzers import liveness
from models.fetch import sha256_of
from testkit.model_store import linked_store, models_cli
from testkit.photos import photo
from testkit.server import Server

ROOT = Path(__file__).resolve().parent.parent
NAME = "face-antispoof-minifasnet"


def tiny_minifasnet(path: Path, size: int = 80, batch="N") -> Path:
    weights = {
        "conv_w": np.eye(3, dtype=np.float32).reshape(3, 3, 1, 1),
        "conv_b": np.zeros(3, np.float32),
        # pooled [B, G, R] -> logits: class 1 = (R - B) / 10
        "fc_w": np.array([[0, 0, 0], [-0.1, 0, 0.1], [0, 0, 0]], np.float32),
        "fc_b": np.zeros(3, np.float32),
    }
    graph = helper.make_graph(
        [helper.make_node("Conv", ["input", "conv_w", "conv_b"], ["conv"]),
         helper.make_node("GlobalAveragePool", ["conv"], ["pool"]),
         helper.make_node("Flatten", ["pool"], ["flat"]),
         helper.make_node("Gemm", ["flat", "fc_w", "fc_b"], ["logits"], transB=1)],
        "tiny_minifasnet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, [batch, 3])],
        [numpy_helper.from_array(w, name) for name, w in weights.items()],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("minifasnet")
    model = tiny_minifasnet(folder / "my-2.7_80x80_MiniFASNetV2.onnx")
    home = folder / "home"
    result = models_cli(home, "import", "--only", NAME, "--from", str(model))
    assert result.returncode == 0, result.stdout + result.stderr
    return {"home": home, "file": model, "folder": folder}


def test_import_from_a_file_stores_it_with_its_labels(imported):
    [version] = [p for p in (imported["home"] / "models" / NAME).iterdir() if p.is_dir()]
    info = yaml.safe_load((version / "model.yaml").read_text())
    assert info["labels"]["task"] == "antispoof"
    assert info["labels"]["license"] == "Apache-2.0"
    assert info["labels"]["set"] == "extra"
    assert info["labels"]["source"] == "local:my-2.7_80x80_MiniFASNetV2.onnx"
    [artifact] = info["metadata"]["artifacts"]
    assert artifact == {"file": "minifasnet.onnx", "local": imported["file"].name,
                        "sha256": sha256_of(imported["file"])}
    assert sha256_of(version / "minifasnet.onnx") == artifact["sha256"]
    again = models_cli(imported["home"], "import", "--only", NAME, "--from",
                       str(imported["file"]))
    assert again.returncode == 0 and "already in the store" in again.stdout
    listed = models_cli(imported["home"], "list")
    row = next(line for line in listed.stdout.splitlines() if line.startswith(NAME))
    assert "antispoof" in row and "extra" in row and "outdated" not in row


def junk(path: Path) -> Path:
    path.write_bytes(b"not onnx")
    return path


@pytest.mark.parametrize("make, words", [
    (lambda f: tiny_minifasnet(f / "small.onnx", size=64),
     "expects one float32 input [N, 3, 80, 80]"),
    (lambda f: f / "absent.onnx", "no such file or folder"),
    (lambda f: junk(f / "junk.onnx"), "not an ONNX model"),
])
def test_wrong_or_missing_file_is_refused_clearly(tmp_path, make, words):
    result = models_cli(tmp_path / "home", "import", "--only", NAME, "--from",
                        str(make(tmp_path)))
    assert result.returncode == 1
    assert words in result.stderr, result.stderr
    assert not (tmp_path / "home" / "models" / NAME).exists()


def test_local_only_model_without_from_says_how(tmp_path):
    result = models_cli(tmp_path / "home", "import", "--only", NAME)
    assert result.returncode == 1
    assert f"{NAME} has no public package source; import it with --from PATH" in result.stderr
    skipped = models_cli(tmp_path / "home", "import", "--set", "extra")
    assert skipped.returncode == 0 and "skipped" in skipped.stdout


def test_from_needs_exactly_one_model(tmp_path):
    result = models_cli(tmp_path / "home", "import", "--from", str(tmp_path))
    assert result.returncode == 2 and "--from PATH needs exactly one --only" in result.stderr


def test_crop_is_the_scaled_box_moved_inside_the_image():
    # 2.7x of a 40x20 box centred at (100, 60) in a 400x300 image: 108x54
    assert liveness.minifasnet_box(400, 300, (80, 50, 120, 70)) == (46, 33, 154, 87)
    # near the top-left corner the box is shifted in, not clipped
    left, top, right, bottom = liveness.minifasnet_box(400, 300, (0, 0, 40, 20))
    assert (left, top) == (0, 0) and right - left == 108 and bottom - top == 54
    # too large for 2.7x: the scale drops to what fits
    assert liveness.minifasnet_box(100, 100, (20, 20, 80, 80)) == (0, 0, 99, 99)


@pytest.mark.parametrize("batch", ["N", 1])
def test_model_reads_bgr_and_reports_class_one(tmp_path, batch):
    net = liveness.MiniFASNet(tiny_minifasnet(tmp_path / "m.onnx", batch=batch))
    faces = np.zeros((2, 80, 80, 3), np.uint8)
    faces[0, ..., 0] = 200  # red: (R - B) / 10 = 20 -> real
    faces[1, ..., 2] = 200  # blue -> spoof
    scores = net.predict(faces)
    assert scores.shape == (2,) and scores[0] > 0.99 and scores[1] < 0.01


# ------------------------------------------------- a server on a store that has it
@pytest.fixture(scope="module")
def server(default_models, imported):
    """The default store's models (linked) plus the imported MiniFASNet; auto picks it."""
    home = linked_store(imported["folder"] / "serve-home", imported["home"] / "models" / NAME)
    with Server(env={"BENTOML_HOME": str(home)},
                log_path=ROOT / ".pytest_cache" / "server-minifasnet.log") as running:
        yield running


def swapped_red_blue(name: str) -> bytes:
    image = np.array(Image.open(photo(name)).convert("RGB"))[..., ::-1]
    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(image)).save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_liveness_is_answered_by_minifasnet(server):
    with httpx.Client(base_url=server.url, timeout=120) as http:
        response = http.post("/liveness",
                             files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
        blue = http.post("/liveness", files={"file": ("b.jpg", swapped_red_blue("obama.jpg"))})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["models"]["antispoof"].startswith(f"{NAME}:")
    assert body["models"]["liveness"].startswith("face-liveness-human:")
    verdict = body["liveness"]
    # skin is redder than blue: the tiny model calls the face real ...
    assert verdict["scores"]["antispoof"] > 0.7
    assert verdict["value"] == "REAL"
    # ... and the same face with red and blue swapped a spoof (the input is BGR)
    assert blue.status_code == 200, blue.text
    assert blue.json()["liveness"]["scores"]["antispoof"] < 0.3


# -------------------------------- --from for a model the registry does ship
def test_registry_model_from_a_carried_file_must_match_its_sha256(tmp_path, imported):
    from models.importer import fetch_artifacts
    from models.registry import BY_NAME

    emotion = BY_NAME["face-emotion-fer"]
    [carried] = fetch_artifacts(emotion, log=lambda *_: None).values()
    result = models_cli(tmp_path / "home", "import", "--only", emotion.name, "--from", str(carried))
    assert result.returncode == 0, result.stderr
    [version] = [p for p in (tmp_path / "home" / "models" / emotion.name).iterdir() if p.is_dir()]
    info = yaml.safe_load((version / "model.yaml").read_text())
    assert info["labels"]["source"] == f"local:{carried.name}"
    # same file, same fingerprint: the registry import sees it as current
    again = models_cli(tmp_path / "home", "import", "--only", emotion.name)
    assert again.returncode == 0 and "already in the store" in again.stdout
    wrong = models_cli(tmp_path / "other", "import", "--only", emotion.name,
                       "--from", str(imported["file"]))
    assert wrong.returncode == 1 and "is not the" in wrong.stderr and "sha256" in wrong.stderr
