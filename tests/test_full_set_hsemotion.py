"""An HSEmotion-shaped ONNX model (enet_b0_8_va_mtl.onnx's signature) and a beauty
stand-in, brought with `python -m models import --from PATH` into a throwaway
store, and a real server answering /analyze with them.

The stand-in HSEmotion is built here with `onnx`: a global average pool of the
normalised input and a Gemm to 10 outputs: the Contempt logit is 5 x the mean
normalised red, the other seven logits 0, valence 0.5 and arousal -0.25 (biases).
Skin is redder than ImageNet's mean, so a face comes out contemptuous, which
checks the RGB order and the normalisation; the fixed valence / arousal check
the output order. The beauty stand-in answers 4.2 for every face.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import numpy as np
import onnx
import pytest
import yaml
from onnx import TensorProto, helper, numpy_helper

from analyzers.face_models import hsemotion
from testkit.model_store import linked_store, models_cli
from testkit.photos import photo
from testkit.server import Server

ROOT = Path(__file__).resolve().parent.parent
NAME = "face-emotion-hsemotion"
BEAUTY = "face-beauty-resnet50"


def pooled_gemm(path: Path, weight: np.ndarray, bias: np.ndarray, batch="N") -> Path:
    outputs = len(bias)
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", ["input"], ["pool"]),
         helper.make_node("Flatten", ["pool"], ["flat"]),
         helper.make_node("Gemm", ["flat", "w", "b"], ["out"], transB=1)],
        path.stem,
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, [batch, 3, 224, 224])],
        [helper.make_tensor_value_info("out", TensorProto.FLOAT, [batch, outputs])],
        [numpy_helper.from_array(weight.astype(np.float32), "w"),
         numpy_helper.from_array(bias.astype(np.float32), "b")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def tiny_hsemotion(path: Path, batch="N") -> Path:
    weight = np.zeros((10, 3))
    weight[1, 0] = 5.0  # Contempt <- red
    bias = np.zeros(10)
    bias[8], bias[9] = 0.5, -0.25
    return pooled_gemm(path, weight, bias, batch)


def tiny_beauty(path: Path) -> Path:
    return pooled_gemm(path, np.zeros((1, 3)), np.array([4.2]))


def test_interpret_softmaxes_eight_and_clips_valence_arousal():
    raw = np.zeros((1, 10))
    raw[0, 4] = 3.0  # Happiness
    raw[0, 8], raw[0, 9] = 1.7, -0.3
    [record] = hsemotion.interpret(raw)
    assert record["dominant"] == "happy"
    assert list(record["scores"]) == ["angry", "contempt", "disgust", "fear", "happy",
                                      "neutral", "sad", "surprise"]
    assert sum(record["scores"].values()) == pytest.approx(1.0, abs=1e-3)
    assert record["valence"] == 1.0 and record["arousal"] == -0.3


@pytest.mark.parametrize("batch", ["N", 1])
def test_model_reads_rgb_normalised(tmp_path, batch):
    model = hsemotion.HSEmotion(tiny_hsemotion(tmp_path / "e.onnx", batch=batch))
    faces = np.zeros((2, 224, 224, 3), np.uint8)
    faces[0, ..., 0] = 220  # red
    faces[1, ..., 2] = 220  # blue: red channel at 0 -> negative contempt logit
    red, blue = model.predict(faces)
    assert red["dominant"] == "contempt" and red["valence"] == 0.5
    assert blue["scores"]["contempt"] < 0.01 and blue["arousal"] == -0.25


def test_prepare_cuts_the_box():
    image = np.zeros((100, 200, 3), np.uint8)
    image[20:60, 50:90] = 255
    crop = hsemotion.prepare(image, (50, 20, 90, 60))
    assert crop.shape == (224, 224, 3) and crop.min() == 255
    assert hsemotion.prepare(image, (-50, -50, -10, -10)).max() == 0  # outside: blank


def test_wrong_signature_is_refused(tmp_path):
    wrong = pooled_gemm(tmp_path / "seven.onnx", np.zeros((7, 3)), np.zeros(7))
    result = models_cli(tmp_path / "home", "import", "--only", NAME, "--from", str(wrong))
    assert result.returncode == 1 and "expects [N, 10]" in result.stderr, result.stderr


# ------------------------------------------------- a server on a store that has them
@pytest.fixture(scope="module")
def imported(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("hsemotion")
    home = folder / "home"
    emotion_file = tiny_hsemotion(folder / "enet_b0_8_va_mtl.onnx")
    beauty_file = tiny_beauty(folder / "my_beauty.onnx")
    for name, file in ((NAME, emotion_file), (BEAUTY, beauty_file)):
        result = models_cli(home, "import", "--only", name, "--from", str(file))
        assert result.returncode == 0, result.stdout + result.stderr
    return {"home": home, "folder": folder}


def test_imported_with_labels(imported):
    [version] = [p for p in (imported["home"] / "models" / NAME).iterdir() if p.is_dir()]
    info = yaml.safe_load((version / "model.yaml").read_text())
    assert info["labels"]["task"] == "emotion" and info["labels"]["set"] == "full"
    assert info["labels"]["source"] == "local:enet_b0_8_va_mtl.onnx"
    assert info["metadata"]["url"].endswith("/enet_b0_8_va_mtl.onnx")


@pytest.fixture(scope="module")
def server(default_models, imported):
    """The default store's models (linked) plus the imported stand-ins; auto picks HSEmotion."""
    home = linked_store(imported["folder"] / "serve-home", imported["home"] / "models" / NAME,
                        imported["home"] / "models" / BEAUTY)
    with Server(env={"BENTOML_HOME": str(home), "FACE_EMOTION_MODEL": "auto"},
                log_path=ROOT / ".pytest_cache" / "server-hsemotion.log") as running:
        yield running


def test_analyze_emotion_comes_from_hsemotion_with_beauty(server):
    with httpx.Client(base_url=server.url, timeout=120) as http:
        response = http.post("/analyze", data={"attributes": "emotion,beauty"},
                             files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
        quality = http.post("/quality", files={"file": ("o.jpg", photo("obama.jpg").read_bytes())})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["models"]["emotion"].startswith(f"{NAME}:")
    assert body["models"]["beauty_score"].startswith(f"{BEAUTY}:")
    [face] = body["faces"]
    emotion = face["emotion"]
    assert "contempt" in emotion["scores"] and len(emotion["scores"]) == 8
    assert emotion["dominant"] == "contempt"  # skin is redder than ImageNet's mean
    assert emotion["valence"] == 0.5 and emotion["arousal"] == -0.25
    assert face["beauty_score"] == pytest.approx(4.2, abs=1e-3)
    chopped = face["chopped_score"]
    assert chopped["beauty_model"].startswith(f"{BEAUTY}:")
    assert chopped["components"]["beauty_model"]["score"] == pytest.approx(80.0, abs=0.1)
    assert chopped["value"] == pytest.approx(0.5 * 80 + 0.5 * chopped["heuristic"], abs=0.1)
    # /quality's neutral-expression check reads HSEmotion's neutral score
    assert quality.status_code == 200, quality.text
    neutral = quality.json()["faces"][0]["quality"]["qaa"]["neutralEmotion"]
    assert neutral is not None and neutral["value"] == pytest.approx(
        emotion["scores"]["neutral"], abs=1e-3)
