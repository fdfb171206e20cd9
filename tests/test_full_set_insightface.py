"""InsightFace buffalo_l as a source: stand-in ONNX files with the real files'
signatures, imported with --from an unpacked buffalo_l folder and downloaded from
a zip on a local HTTP server; the four analyzers decoding planted outputs;
servers on both sets, where the InsightFace models answer detection, embedding
and age (or, with FACE_MODEL_PRIORITY=default, only add landmarks_106).

No real weights are reachable offline. The stand-ins copy the signatures of the
buffalo_l files as published in the InsightFace model zoo (names, shapes, count):

    det_10g.onnx    input "input.1" [1, 3, ?, ?] -> 9 outputs, for a 640x640 input:
                    "448" [12800, 1], "471" [3200, 1], "494" [800, 1]   (scores, strides 8/16/32)
                    "451" [12800, 4], "474" [3200, 4], "497" [800, 4]   (box distances)
                    "454" [12800, 10], "477" [3200, 10], "500" [800, 10] (5 key points)
    w600k_r50.onnx  input "input.1" [N, 3, 112, 112] -> "683" [N, 512]
    2d106det.onnx   input "data" [N, 3, 192, 192] -> "fc1" [N, 212]
    genderage.onnx  input "data" [N, 3, 96, 96] -> "fc1" [N, 3]

(1k3d68.onnx, "data" [1, 3, 192, 192] -> "fc1" [1, 3309], is not registered.)
The analyzers only rely on the order of the outputs, not their names.
"""

from __future__ import annotations

import asyncio
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import cv2
import httpx
import numpy as np
import onnx
import pytest
import yaml
from onnx import TensorProto, helper, numpy_helper

from analyzers.detectors import scrfd
from analyzers.face_models import arcface, genderage, landmarks106
from analyzers.runtime import crops
from models import fetch
from models.fetch import FetchError, sha256_of
from testkit.model_store import linked_store, models_cli
from tests.fetch_server import FetchServer

ROOT = Path(__file__).resolve().parent.parent
NAMES = {"det_10g.onnx": "face-detector-scrfd", "w600k_r50.onnx": "face-embedding-arcface",
         "2d106det.onnx": "face-landmarks106-insightface",
         "genderage.onnx": "face-genderage-insightface"}


def save(graph, path: Path) -> Path:
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return path


def constant_outputs(input_name, input_shape, outputs: dict[str, np.ndarray], name: str):
    """A graph whose outputs are planted constants (plus 0 x the input's mean, so
    the input stays part of the graph)."""
    nodes = [helper.make_node("ReduceMean", [input_name], ["mean"], keepdims=0),
             helper.make_node("Mul", ["mean", "zero"], ["nothing"])]
    inits = [numpy_helper.from_array(np.zeros((), np.float32), "zero")]
    infos = []
    for out, value in outputs.items():
        inits.append(numpy_helper.from_array(value.astype(np.float32), f"{out}_value"))
        nodes.append(helper.make_node("Add", [f"{out}_value", "nothing"], [out]))
        infos.append(helper.make_tensor_value_info(out, TensorProto.FLOAT, list(value.shape)))
    return helper.make_graph(
        nodes, name, [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, input_shape)],
        infos, inits)


# ------------------------------------------------------------------ det_10g
# One hot anchor: stride 16, cell row 10, col 20, anchor 1 (score 0.9), its
# neighbour anchor 0 of the same cell with the same box (0.8, removed by NMS);
# everything else 0.2 (below 0.5).
HOT = {"stride": 16, "row": 10, "col": 20}
DIST = np.array([2, 3, 4, 5], np.float32)  # x stride: left 32, top 48, right 64, bottom 80
KPS = np.array([[-1, -1], [1, -1], [0, 0], [-1, 1], [1, 1]], np.float32)


def tiny_scrfd(path: Path, levels: int = 3, size: int = 640) -> Path:
    """Outputs for a size x size canvas; the hot cell at the same place relative to it."""
    scores, boxes, points = {}, {}, {}
    names = iter(["448", "471", "494", "451", "474", "497", "454", "477", "500"])
    row, col = HOT["row"] * size // 640, HOT["col"] * size // 640
    for stride in (8, 16, 32):
        anchors = (size // stride) ** 2 * 2
        score = np.full((anchors, 1), 0.2, np.float32)
        box = np.ones((anchors, 4), np.float32)
        kps = np.zeros((anchors, 10), np.float32)
        if stride == HOT["stride"]:
            cell = row * (size // stride) + col
            score[cell * 2 + 1], score[cell * 2] = 0.9, 0.8
            box[cell * 2: cell * 2 + 2] = DIST
            kps[cell * 2: cell * 2 + 2] = KPS.reshape(-1)
        scores[stride], boxes[stride], points[stride] = score, box, kps
    outputs = {}
    for table in (scores, boxes, points):
        for stride in (8, 16, 32):
            outputs[next(names)] = table[stride]
    outputs = dict(list(outputs.items())[: levels * 3]) if levels != 3 else outputs
    return save(constant_outputs("input.1", [1, 3, "height", "width"], outputs, "tiny_scrfd"),
                path)


def pooled_gemm(path: Path, input_name, size, output_name, weight, bias, name) -> Path:
    """[N, 3, size, size] -> global mean per channel -> Gemm -> [N, len(bias)]."""
    graph = helper.make_graph(
        [helper.make_node("GlobalAveragePool", [input_name], ["pool"]),
         helper.make_node("Flatten", ["pool"], ["flat"]),
         helper.make_node("Gemm", ["flat", "w", "b"], [output_name], transB=1)],
        name,
        [helper.make_tensor_value_info(input_name, TensorProto.FLOAT, ["N", 3, size, size])],
        [helper.make_tensor_value_info(output_name, TensorProto.FLOAT, ["N", len(bias)])],
        [numpy_helper.from_array(np.asarray(weight, np.float32), "w"),
         numpy_helper.from_array(np.asarray(bias, np.float32), "b")])
    return save(graph, path)


def tiny_arcface(path: Path) -> Path:
    # vector = (mean R, mean G, mean B, 0, ...) of the normalised input
    weight = np.zeros((512, 3), np.float32)
    weight[:3] = np.eye(3)
    return pooled_gemm(path, "input.1", 112, "683", weight, np.zeros(512), "tiny_arcface")


# 2d106det: point k planted at (-1 + k/53, 0.5) in [-1, 1], whatever the face
PLANTED_106 = np.stack([np.linspace(-1, 1, 106, endpoint=False), np.full(106, 0.5)], axis=1)


def tiny_landmarks106(path: Path) -> Path:
    return pooled_gemm(path, "data", 192, "fc1", np.zeros((212, 3)), PLANTED_106.reshape(-1),
                       "tiny_2d106det")


def tiny_genderage(path: Path) -> Path:
    # female = mean B / 255, male = mean R / 255 (input 0..255 RGB), age / 100 = 0.35
    weight = np.array([[0, 0, 1 / 255], [1 / 255, 0, 0], [0, 0, 0]], np.float32)
    return pooled_gemm(path, "data", 96, "fc1", weight, [0, 0, 0.35], "tiny_genderage")


def buffalo_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    tiny_scrfd(folder / "det_10g.onnx")
    tiny_arcface(folder / "w600k_r50.onnx")
    tiny_landmarks106(folder / "2d106det.onnx")
    tiny_genderage(folder / "genderage.onnx")
    return folder



def stored_info(home: Path, name: str) -> dict:
    [version] = [p for p in (home / "models" / name).iterdir() if p.is_dir()]
    return yaml.safe_load((version / "model.yaml").read_text())


@pytest.fixture(scope="module")
def buffalo(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("buffalo")
    folder = buffalo_folder(root / "buffalo_l")
    home = root / "home"
    only = [arg for name in NAMES.values() for arg in ("--only", name)]
    result = models_cli(home, "import", *only, "--from", str(folder))
    assert result.returncode == 0, result.stdout + result.stderr
    return {"root": root, "folder": folder, "home": home}


# ------------------------------------------------------------------ import
def test_unpacked_buffalo_folder_imports_all_four_with_labels(buffalo):
    for filename, name in NAMES.items():
        info = stored_info(buffalo["home"], name)
        labels = info["labels"]
        assert labels["set"] == "full"
        assert "non-commercial" in labels["license"]
        assert "non-commercial" in info["metadata"]["license"]
        assert labels["source"] == f"local:{filename}"
        sha = sha256_of(buffalo["folder"] / filename)
        assert labels["sha256"] == f"{filename}={sha}"
        assert info["metadata"]["artifacts"][0]["sha256"] == sha
    assert stored_info(buffalo["home"], NAMES["det_10g.onnx"])["labels"]["task"] == "detection"
    listed = models_cli(buffalo["home"], "list")
    row = next(line for line in listed.stdout.splitlines()
               if line.startswith("face-detector-scrfd"))
    assert "full" in row and "missing" not in row
    # a field variable naming MTCNN: the list says the stored SCRFD does not answer
    listed = models_cli(buffalo["home"], "list", env={"FACE_DETECTION_MODEL": "mtcnn"})
    row = next(line for line in listed.stdout.splitlines()
               if line.startswith("face-detector-scrfd"))
    assert "(stored, not answering: face-detector-mtcnn does)" in row


def test_scrfd_with_the_wrong_output_count_is_refused(tmp_path):
    tiny_scrfd(tmp_path / "det_10g.onnx", levels=1)
    result = models_cli(tmp_path / "home", "import", "--only", "face-detector-scrfd",
                        "--from", str(tmp_path / "det_10g.onnx"))
    assert result.returncode == 1
    assert "has 3 outputs; face-detector-scrfd expects 9" in result.stderr, result.stderr


def test_wrong_arcface_shape_is_refused(tmp_path):
    pooled_gemm(tmp_path / "w600k_r50.onnx", "input.1", 112, "683", np.zeros((128, 3)),
                np.zeros(128), "not_512")
    result = models_cli(tmp_path / "home", "import", "--only", "face-embedding-arcface",
                        "--from", str(tmp_path))
    assert result.returncode == 1 and "expects [N, 512]" in result.stderr, result.stderr


# ------------------------------------------------------------------ analyzers
def test_scrfd_decodes_the_one_hot_anchor_into_one_box(buffalo):
    detector = scrfd.SCRFDDetector(buffalo["folder"] / "det_10g.onnx")
    image = np.zeros((960, 1280, 3), np.uint8)  # letterboxed at scale 0.5
    [face] = detector.detect(image)
    cx, cy = HOT["col"] * 16, HOT["row"] * 16  # anchor centre (320, 160) on the canvas
    expected = np.array([cx - 32, cy - 48, cx + 64, cy + 80]) / 0.5
    np.testing.assert_allclose(face.box, expected, atol=1e-3)
    assert face.score == pytest.approx(0.9)
    np.testing.assert_allclose(face.keypoints, (KPS * 16 + [cx, cy]) / 0.5, atol=1e-3)
    assert face.box.dtype == np.float32 and face.keypoints.shape == (5, 2)


def test_scrfd_runs_at_a_smaller_canvas_when_asked(tmp_path):
    detector = scrfd.SCRFDDetector(tiny_scrfd(tmp_path / "det.onnx", size=320), size=320)
    assert detector.size == 320
    image = np.zeros((480, 640, 3), np.uint8)  # letterboxed at half scale
    [face] = detector.detect(image)
    # hot cell (row 5, col 10) of stride 16 in the 320 canvas: centre (160, 80);
    # distances (2, 3, 4, 5) strides; then x2 back to the image
    assert face.box.tolist() == pytest.approx([(160 - 32) * 2, (80 - 48) * 2,
                                               (160 + 64) * 2, (80 + 80) * 2])
    with pytest.raises(ValueError, match="multiple of 32"):
        scrfd.SCRFDDetector(tmp_path / "det.onnx", size=300)


def test_scrfd_letterbox_and_input():
    image = np.full((300, 600, 3), 255, np.uint8)
    canvas, scale = scrfd.letterbox(image)
    assert scale == pytest.approx(640 / 600)
    assert canvas[:320].min() == 255 and canvas[320:].max() == 0  # image at the top-left
    blob = scrfd.to_input(canvas)
    assert blob.shape == (1, 3, 640, 640)
    assert blob.max() == pytest.approx((255 - 127.5) / 128)
    # the 2 anchors of a cell are consecutive, cells row by row
    centres = scrfd.anchor_centres(640, 32)
    assert centres.shape == (800, 2)
    np.testing.assert_array_equal(centres[:4], [[0, 0], [0, 0], [32, 0], [32, 0]])
    np.testing.assert_array_equal(centres[40], [0, 32])


def test_arcface_alignment_maps_the_five_points_onto_the_template():
    # an aligned 112x112 face pattern, placed in a photo by a known similarity
    pattern = np.zeros((112, 112, 3), np.uint8)
    for x, y in arcface.TEMPLATE:
        cv2.circle(pattern, (int(round(x)), int(round(y))), 3, (255, 255, 255), -1)
    angle, scale = np.radians(20), 2.0
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    to_photo = np.hstack([rotation, [[150.0], [90.0]]])
    photo = cv2.warpAffine(pattern, to_photo, (500, 400))
    points = arcface.TEMPLATE @ to_photo[:, :2].T + to_photo[:, 2]
    aligned = arcface.align(photo, points)
    assert aligned.shape == (112, 112, 3)
    for x, y in arcface.TEMPLATE:
        assert aligned[int(round(y)), int(round(x))].min() > 200
    assert np.abs(aligned.astype(int) - pattern.astype(int)).mean() < 6


def test_arcface_reads_rgb_scaled_to_plus_minus_one_and_unit_normalises(buffalo):
    net = arcface.ArcFace(buffalo["folder"] / "w600k_r50.onnx")
    faces = np.zeros((2, 112, 112, 3), np.uint8)
    faces[0] = (255, 0, 0)  # -> (1, -1, -1)
    faces[1] = (0, 0, 255)  # -> (-1, -1, 1)
    vectors = net.predict(faces)
    assert vectors.shape == (2, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(vectors[0, :3], np.array([1, -1, -1]) / np.sqrt(3), atol=1e-5)
    np.testing.assert_allclose(vectors[1, :3], np.array([-1, -1, 1]) / np.sqrt(3), atol=1e-5)
    assert arcface.cosine(vectors[0], vectors[1]) == pytest.approx(-1 / 3, abs=1e-5)
    assert net.predict(np.zeros((0, 112, 112, 3), np.uint8)).shape == (0, 512)


def test_landmarks106_maps_minus_one_one_to_the_crop_and_back(buffalo):
    net = landmarks106.Landmarks106(buffalo["folder"] / "2d106det.onnx")
    image = np.zeros((400, 600, 3), np.uint8)
    box = (200, 100, 300, 180)  # 100 wide: crop side 150, centred on (250, 140)
    crop, to_image = landmarks106.prepare(image, box)
    assert crop.shape == (192, 192, 3)
    points = net.predict(crop[None])
    assert points.shape == (1, 106, 2)
    np.testing.assert_allclose(points[0], (PLANTED_106 + 1) * 96, atol=1e-4)
    in_image = crops.apply_affine(points[0], to_image)
    # [-1, 1] spans the 150 px square around the box centre
    np.testing.assert_allclose(in_image, PLANTED_106 * 75 + [250, 140], atol=1e-3)


def test_genderage_reads_rgb_0_255_and_age_over_100(buffalo):
    net = genderage.GenderAge(buffalo["folder"] / "genderage.onnx")
    image = np.zeros((300, 300, 3), np.uint8)
    image[..., 0] = 200  # red face: the stand-in says male
    crop = genderage.prepare(image, (100, 100, 200, 200))
    assert crop.shape == (96, 96, 3)
    blue = np.zeros_like(crop)
    blue[..., 2] = 200
    male, female = net.predict(np.stack([crop, blue]))
    assert male["gender"]["value"] == "male" and male["age"] == 35
    assert male["age_bracket"] == "30-39"
    # (0, 200/255) is not a probability pair: softmax
    assert male["gender"]["scores"]["male"] == pytest.approx(
        1 / (1 + np.exp(-200 / 255)), abs=1e-3)
    assert female["gender"]["value"] == "female"


def test_genderage_reads_a_probability_pair_as_it_is():
    from analyzers.face_models.genderage import interpret

    answer = interpret([0.25, 0.75, 0.4])
    assert answer["gender"] == {"value": "male", "confidence": 0.75,
                                "scores": {"female": 0.25, "male": 0.75}}
    assert answer["age"] == 40.0 and answer["age_bracket"] == "40-49"


# ------------------------------------------------------------------ URL downloads
def buffalo_zip(folder: Path, extra: dict | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, f"buffalo_l/{path.name}")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture()
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(fetch, "CACHE_DIR", tmp_path / "cache")
    return tmp_path / "cache"


def test_url_fetch_downloads_extracts_and_reports_progress(buffalo, cache):
    data = buffalo_zip(buffalo["folder"])
    lines = []
    with FetchServer(files={"/v0.7/buffalo_l.zip": data}) as server:
        url = server.url("/v0.7/buffalo_l.zip")
        path = fetch.fetch_file("buffalo_l", "v0.7", "genderage.onnx", None, registry="url",
                                url=url, log=lines.append)
        assert sha256_of(path) == sha256_of(buffalo["folder"] / "genderage.onnx")
        # a second member comes from the cached archive: no second request
        fetch.fetch_file("buffalo_l", "v0.7", "2d106det.onnx", None, registry="url",
                         url=url, log=lines.append)
        assert len(server.seen) == 1
        # a known sha256 that does not match is refused
        with pytest.raises(FetchError, match="sha256 mismatch"):
            fetch.fetch_file("buffalo_l", "v0.7", "det_10g.onnx", "0" * 64, registry="url",
                             url=url, log=lines.append)
    assert any(f"({len(data)} bytes)" in line for line in lines), lines
    assert any("(100%)" in line for line in lines), lines


def test_url_download_byte_cap(cache):
    with FetchServer(files={"/a.zip": b"x" * 5000}) as server:
        with pytest.raises(FetchError, match="more than the 1000 byte limit"):
            fetch.download_url(server.url("/a.zip"), max_bytes=1000, log=lambda *_: None)
        # no Content-Length: counted while streaming
        with pytest.raises(FetchError, match="sent more than the 2000000 byte limit"):
            fetch.download_url(server.url("/big"), max_bytes=2_000_000, log=lambda *_: None)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch.download_url(server.url("/nothing.zip"), log=lambda *_: None)
    assert not list((cache / "downloads").rglob("*.zip"))


def test_url_download_resumes_a_partial_file(cache):
    """A .part left over is resumed with a Range request; this server ignores Range
    (answers 200), so the download starts over and still ends whole."""
    body = bytes(range(256)) * 40
    with FetchServer(files={"/r.zip": body}) as server:
        url = server.url("/r.zip")
        dest_dir = cache / "downloads" / fetch.hashlib.sha256(url.encode()).hexdigest()[:12]
        dest_dir.mkdir(parents=True)
        (dest_dir / "r.zip.part").write_bytes(body[:100])
        path = fetch.download_url(url, log=lambda *_: None)
    assert path.read_bytes() == body


def test_bad_zip_is_refused_and_not_kept(cache):
    with FetchServer(files={"/bad.zip": b"this is not a zip archive"}) as server:
        with pytest.raises(FetchError, match="not a readable zip archive"):
            fetch.fetch_file("buffalo_l", "v0.7", "det_10g.onnx", None, registry="url",
                             url=server.url("/bad.zip"), log=lambda *_: None)
    assert not list((cache / "downloads").rglob("bad.zip"))


def test_cli_imports_from_the_url_and_records_the_sha256_seen(buffalo, tmp_path):
    data = buffalo_zip(buffalo["folder"])
    name = "face-genderage-insightface"
    with FetchServer(files={"/mirror/buffalo_l.zip": data}) as server:
        env = {"FACE_BUFFALO_URL": server.url("/mirror/buffalo_l.zip"),
               "FACE_ANALYSIS_CACHE": str(tmp_path / "cache")}
        result = models_cli(tmp_path / "home", "import", "--only", name, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        again = models_cli(tmp_path / "home", "import", "--only", name, env=env)
    sha = sha256_of(buffalo["folder"] / "genderage.onnx")
    assert f"sha256 {sha} (no published checksum; recorded)" in result.stdout
    assert "bytes (100%)" in result.stdout
    info = stored_info(tmp_path / "home", name)
    assert info["labels"]["sha256"] == f"genderage.onnx={sha}"
    assert info["labels"]["source"] == "url:buffalo_l@v0.7"
    [artifact] = info["metadata"]["artifacts"]
    assert artifact["sha256"] == sha and artifact["url"].endswith("/mirror/buffalo_l.zip")
    assert artifact["sha256_published"] is False
    assert again.returncode == 0 and "already in the store" in again.stdout


# ------------------------------------------------------------------ servers with them
def serve_home(buffalo, name: str) -> Path:
    """The default store's models (linked) plus the four buffalo_l stand-ins."""
    return linked_store(buffalo["root"] / name,
                        *(buffalo["home"] / "models" / model for model in NAMES.values()))


@pytest.fixture(scope="module")
def server(default_models, buffalo):
    """Both sets stored, FACE_MODEL_PRIORITY unset: the InsightFace models answer."""
    from testkit.server import Server

    with Server(env={"BENTOML_HOME": str(serve_home(buffalo, "serve-full"))},
                log_path=ROOT / ".pytest_cache" / "server-buffalo.log") as running:
        yield running


def post_photo(http, route, name="obama.jpg", **data):
    from testkit.photos import photo

    return http.post(route, files={"file": (name, photo(name).read_bytes())}, data=data)


def test_the_insightface_models_answer_detection_embedding_and_age(server, buffalo):
    import model_services as ms
    from analyzers.face_analysis import FaceAnalysis
    from inputs.imageio import decode_image
    from schemas import AnalyzeResponse
    from testkit.photos import photo

    with httpx.Client(base_url=server.url, timeout=120) as http:
        asked = post_photo(http, "/analyze", attributes="all")
        plain = post_photo(http, "/analyze")
        health = http.get("/health").json()
    assert asked.status_code == 200, asked.text
    body = asked.json()
    AnalyzeResponse.model_validate(body)
    models = body["models"]
    assert models["detection"].startswith("face-detector-scrfd:")
    assert models["embedding"].startswith("face-embedding-arcface:")
    assert models["age"].startswith("face-genderage-insightface:")
    # a gender model of its own answers gender whichever model answers age: the default
    # set's FaceRes (linked into this store), not genderage
    assert models["gender"].startswith("face-gender-faceres:")
    assert models["landmarks_106"].startswith("face-landmarks106-insightface:")
    # the stand-in detector plants one face; the served box is the one SCRFD decodes
    detector = served(ms.SCRFDModel, buffalo["folder"])

    async def local_scrfd(images):
        return detector.run_batch(images)

    [expected] = asyncio.run(FaceAnalysis({"detection": local_scrfd}, {}).detect(
        decode_image(photo("obama.jpg").read_bytes())))
    [face] = body["faces"]
    assert face["bbox"] == pytest.approx([float(v) for v in expected.box], abs=0.2)
    assert face["confidence"] == pytest.approx(0.9, abs=1e-4)
    assert len(face["embedding"]) == 512
    assert np.linalg.norm(face["embedding"]) == pytest.approx(1.0, abs=1e-4)
    assert face["age"] == 35.0 and face["age_bracket"] == "30-39"
    assert face["gender"]["value"] in ("female", "male")
    assert len(face["landmarks_106"]) == 106 and len(face["landmarks_68"]) == 68
    ys = np.array(face["landmarks_106"])[:, 1]  # planted on one row below the box centre
    assert np.ptp(ys) < 0.2 and ys[0] > (face["bbox"][1] + face["bbox"][3]) / 2
    assert "embedding_512" not in face
    # the default set's detector, embedding and age model run nowhere
    assert "landmarks_106" not in plain.json()["faces"][0]
    assert health["models"]["detection"].startswith("face-detector-scrfd:")
    assert not any(tag.startswith(("face-detector-cascade", "face-detector-mtcnn",
                                   "face-embedding-dlib", "face-age-gender-cydral"))
                   for tag in health["models"].values())


def test_comparisons_use_the_arcface_rule(server):
    from testkit.photos import photo

    # two photos in which the stand-in detector's planted face lies inside the image
    obama, hopper = photo("obama.jpg").read_bytes(), photo("grace_hopper.jpg").read_bytes()
    with httpx.Client(base_url=server.url, timeout=120) as http:
        compared = http.post("/compare-faces", files={"selfie": ("a.jpg", obama),
                                                      "id_photo": ("b.jpg", hopper)})
        extracted = http.post("/templates/extract", files={"file": ("a.jpg", obama)})
        other = http.post("/templates/extract", files={"file": ("b.jpg", hopper)})
    assert compared.status_code == 200, compared.text
    result = compared.json()
    assert result["model"].startswith("face-embedding-arcface:")
    assert result["threshold"] == pytest.approx(1.2) and "cosine above 0.28" in result["metric"]
    # unit vectors: distance and cosine agree
    assert result["distance"] == pytest.approx(np.sqrt(2 - 2 * result["similarity"]), abs=1e-4)
    assert result["match"] == (result["distance"] < 1.2)
    [face] = extracted.json()["faces"]
    assert face["template_size"] == 512 and face["model"].startswith("face-embedding-arcface:")
    with httpx.Client(base_url=server.url, timeout=120) as http:
        verified = http.post("/templates/verify", json={
            "template1": face["$template"], "template2": other.json()["faces"][0]["$template"]})
    assert verified.status_code == 200, verified.text
    verdict = verified.json()
    assert verdict["operating_point"] == "model" and verdict["threshold"] == pytest.approx(1.2)
    assert verdict["distance"] == pytest.approx(result["distance"], abs=1e-3)
    # no FAR/FRR table was measured for ArcFace here: null with the reason
    assert verdict["fa_r"] is None and "no calibration table" in verdict["unavailable"]["fa_r"]


@pytest.fixture(scope="module")
def default_priority_server(default_models, buffalo):
    """Both sets stored, FACE_MODEL_PRIORITY=default: the default set keeps answering."""
    from testkit.server import Server

    env = {"BENTOML_HOME": str(serve_home(buffalo, "serve-default")),
           "FACE_MODEL_PRIORITY": "default", "FACE_EMBEDDING_MODEL": "auto"}
    with Server(env=env, log_path=ROOT / ".pytest_cache" / "server-buffalo-default.log") \
            as running:
        yield running


def test_priority_default_keeps_the_default_models_and_adds_the_106_points(
        default_priority_server):
    with httpx.Client(base_url=default_priority_server.url, timeout=120) as http:
        answer = post_photo(http, "/analyze", attributes="all")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    models = body["models"]
    assert models["detection"].startswith("face-detector-cascade:")
    assert models["embedding"].startswith("face-embedding-dlib:")
    assert models["age"].startswith("face-age-gender-cydral:")
    [face] = body["faces"]
    assert len(face["embedding"]) == 128 and 30 < face["age"] < 60
    assert len(face["landmarks_106"]) == 106


def test_calibration_measures_arcface_under_its_own_rule(buffalo, tmp_path):
    """training/calibration/calibrate.py on the chosen embedding model: the table
    spans ArcFace's distances and is read at its threshold (stand-in weights, so
    only the shape of the output is checked, not its figures)."""
    home = serve_home(buffalo, "calibrate-home")
    env = dict(os.environ, BENTOML_HOME=str(home), BENTOML_DO_NOT_TRACK="true",
               FACE_DETECTION_MODEL="cascade", FACE_EMBEDDING_MODEL="arcface")
    result = subprocess.run([sys.executable, "-m", "training.calibration.calibrate", "--out",
                             str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    import json

    from responses import templates

    data = json.loads((tmp_path / "face-embedding-arcface.json").read_text())
    assert data["model"].startswith("face-embedding-arcface:")
    assert data["detector"].startswith("face-detector-cascade:")
    assert data["model_threshold"] == pytest.approx(1.2)
    assert data["at_model_threshold"]["distance"] == 1.2
    assert data["table"][-1]["distance"] == 2.5 and data["published_reference"] is None
    assert "unit ArcFace vectors" in data["metric"] and data["pairs"]["impostor"] > 1000
    calibration = templates.load_calibration(data["model"], str(tmp_path))
    assert calibration.rates(1.2) == (data["at_model_threshold"]["far"],
                                      data["at_model_threshold"]["frr"])


def served(service, folder: Path):
    """The model a model service class would serve from `folder` (its registry
    wrapper's load, as `bentoml serve` runs it)."""
    import model_services as ms
    from models.registry import BY_NAME

    return ms.load_model(BY_NAME[service.inner.source_name], folder)


def test_model_services_load_the_stand_ins(buffalo):
    """Each service's load/run on the stored folder layout (what bentoml serve runs)."""
    import model_services as ms

    folder = buffalo["folder"]
    [[face]] = served(ms.SCRFDModel, folder).run_batch([np.zeros((640, 640, 3), np.uint8)])
    assert set(face) == {"box", "score", "keypoints"} and face["score"] == pytest.approx(0.9)
    faces = np.zeros((3, 112, 112, 3), np.uint8)
    assert served(ms.ArcFaceModel, folder).run_batch(faces).shape == (3, 512)
    crops192 = np.zeros((2, 192, 192, 3), np.uint8)
    points = served(ms.Landmarks106Model, folder).run_batch(crops192)
    assert points.shape == (2, 106, 2)
    ages = served(ms.GenderAgeInsightFace, folder).run_batch(np.zeros((1, 96, 96, 3), np.uint8))
    assert ages[0]["age"] == 35
    assert {ms.SERVICES[name] for name in NAMES.values()} == {
        ms.SCRFDModel, ms.ArcFaceModel, ms.Landmarks106Model, ms.GenderAgeInsightFace}
