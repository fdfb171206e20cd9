"""buffalo_l's four models answer as InsightFace's own model_zoo classes do.

The project serves det_10g, w600k_r50, 2d106det and genderage with code written
from the models' descriptions (analyzers/detectors/scrfd.py, arcface.py, landmarks106.py,
genderage.py). Here the same ONNX file and the same real photo go through that
code and through `insightface.model_zoo` (SCRFD, ArcFaceONNX, Landmark,
Attribute; insightface 2.1, installed without its opencv-python dependency by
.ci/run), and the answers must agree. The weights are random (no real weights
offline), so what is checked is everything around the network: letterboxing,
channel order, input scaling, output order and decoding, anchors, thresholds,
NMS, alignment, crops and the mapping back to the image.

Stand-ins: SCRFD is SCRFD-10GF's architecture and output layout
(bench/full_set_latency.py's SCRFD10G, 9 outputs score/bbox/kps x stride
8/16/32, 2 anchors a cell, dynamic input size) with its score heads randomised
so that boxes come out; ArcFace is a shallow IResNet; 2d106det and genderage
are MobileNets whose first node is a BatchNormalization named `bn_data` that
normalises the 0..255 input, as in the real mxnet-converted files: that node is
what makes InsightFace feed them raw pixels (mean 0, std 1), which is what the
project does.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import onnx
import pytest

insightface_zoo = pytest.importorskip(
    "insightface.model_zoo", reason="insightface 2.1 is installed by .ci/run (--no-deps)")
face_align = pytest.importorskip("insightface.utils.face_align")
torch = pytest.importorskip("torch")

from analyzers.detectors import scrfd  # noqa: E402
from analyzers.face_models import arcface, genderage, landmarks106  # noqa: E402
from inputs.imageio import decode_image  # noqa: E402
from testkit.photos import photo  # noqa: E402

# insightface 2.1's face_align calls scikit-image 0.26's deprecated estimate(); its
# answer is unchanged
pytestmark = pytest.mark.filterwarnings("ignore:`estimate` is deprecated:FutureWarning")
PHOTOS = ("t1.jpg", "obama.jpg", "biden.jpg")
# float32 arithmetic on both sides, same ONNX session: what is left is summation
# order in the decoding (pixels) and in the crops (uint8 levels)
PIXELS = 1e-3


def rgb(name: str) -> np.ndarray:
    return decode_image(photo(name).read_bytes())


def export(model, sample, path: Path, input_name: str, output_names, axes) -> Path:
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")
        torch.onnx.export(model.eval(), (torch.zeros(sample),), str(path),
                          input_names=[input_name], output_names=list(output_names),
                          dynamic_axes=axes, opset_version=17, dynamo=False)
    return path


# ------------------------------------------------------------------- SCRFD
@pytest.fixture(scope="module")
def det_10g(tmp_path_factory) -> Path:
    from bench.full_set_latency import SCRFD10G

    torch.manual_seed(0)
    model = SCRFD10G()
    # the bench's stand-in finds nothing (every score at the 0.01 prior): small random
    # heads give scores spread around 0.5 and box sides of about 2 strides, as a
    # trained net's would be (the tower's activations run to ~1e4 here)
    for heads, bias in ((model.scores, 0.0), (model.boxes, 2.0), (model.points, 0.0)):
        for conv in heads:
            torch.nn.init.normal_(conv.weight, std=1e-4)
            torch.nn.init.constant_(conv.bias, bias)
    names = [f"{kind}_{s}" for kind in ("score", "bbox", "kps") for s in (8, 16, 32)]
    return export(model, (1, 3, 640, 640), tmp_path_factory.mktemp("scrfd") / "det_10g.onnx",
                  "input.1", names, {"input.1": {2: "height", 3: "width"}})


def threshold_for(path: Path, image: np.ndarray, size: int, keep: int = 60) -> float:
    """A score threshold that lets about `keep` anchors through on this image (the
    random heads score every anchor near 0.5), halfway across the widest gap between
    neighbouring scores there: InsightFace runs its own session per input size, whose
    scores differ from ours by a few float32 steps (1.2e-6 seen), so a threshold equal to
    a score let that anchor through on one side only, as chance had it per CPU."""
    canvas, _ = scrfd.letterbox(image, size)
    model = scrfd.OnnxModel(path)
    outputs = model.run(scrfd.to_input(canvas))
    top = np.sort(np.concatenate([o.reshape(-1) for o in outputs[:3]]))[::-1][:keep + 6]
    widest = keep - 6 + int(np.argmax(top[keep - 6:keep + 5] - top[keep - 5:keep + 6]))
    assert top[widest] - top[widest + 1] > 1e-5, "no gap far wider than the sessions' difference"
    return float((top[widest] + top[widest + 1]) / 2)


@pytest.mark.parametrize("size", [640, 320])
@pytest.mark.parametrize("name", PHOTOS)
def test_scrfd_boxes_scores_and_points_match_insightface(det_10g, name, size):
    image = rgb(name)
    threshold = threshold_for(det_10g, image, size)
    ours = scrfd.SCRFDDetector(det_10g, threshold=threshold, size=size).detect(image)

    reference = insightface_zoo.SCRFD(str(det_10g))
    reference.prepare(-1, det_thresh=threshold, nms_thresh=scrfd.NMS_THRESHOLD,
                      input_size=(size, size))
    # InsightFace takes OpenCV's BGR and swaps it to RGB in blobFromImage
    boxes, points = reference.detect(np.ascontiguousarray(image[..., ::-1]),
                                     input_size=(size, size))
    assert len(boxes) > 3, "the lowered threshold should let several faces through"
    height, width = image.shape[:2]
    # deliberate difference: the project clips boxes to the image (and drops one left
    # empty); InsightFace returns them as decoded, partly outside the frame
    clipped = np.clip(boxes[:, :4], 0, [width, height, width, height])
    inside = (clipped[:, 2] > clipped[:, 0]) & (clipped[:, 3] > clipped[:, 1])
    assert len(ours) == int(inside.sum())
    np.testing.assert_allclose([d.box for d in ours], clipped[inside], atol=PIXELS * size)
    np.testing.assert_allclose([d.score for d in ours], boxes[inside, 4], atol=1e-6)
    np.testing.assert_allclose([d.keypoints for d in ours], points[inside],
                               atol=PIXELS * size)


# ----------------------------------------------------------------- ArcFace
@pytest.fixture(scope="module")
def w600k_r50(tmp_path_factory) -> Path:
    from bench.full_set_latency import IResNet50, init_weights

    torch.manual_seed(1)
    model = init_weights(IResNet50(blocks=(1, 1, 1, 1), widths=(16, 32, 64, 64)))
    return export(model, (1, 3, 112, 112), tmp_path_factory.mktemp("arc") / "w600k_r50.onnx",
                  "input.1", ["embedding"], {"input.1": {0: "N"}, "embedding": {0: "N"}})


def detected_faces(name: str) -> list[scrfd.Detection]:
    """Faces with plausible 5 points: the project's MTCNN-free stand-in has random
    weights, so the points come from a box of the photo laid over ArcFace's template."""
    image = rgb(name)
    height, width = image.shape[:2]
    side = min(height, width) * 0.6
    x0, y0 = (width - side) / 2, (height - side) / 2
    points = arcface.TEMPLATE / 112.0 * side + [x0, y0]
    tilted = points + np.array([[0, -6], [0, 6], [3, 0], [0, -4], [0, 4]])  # roll a little
    box = np.array([x0, y0, x0 + side, y0 + side * 1.1], np.float32)
    return [scrfd.Detection(box=box, score=0.9, keypoints=p.astype(np.float32))
            for p in (points, tilted)]


@pytest.mark.parametrize("name", PHOTOS)
def test_arcface_alignment_and_embedding_match_insightface(w600k_r50, name):
    image = rgb(name)
    bgr = np.ascontiguousarray(image[..., ::-1])
    reference = insightface_zoo.ArcFaceONNX(str(w600k_r50))
    reference.prepare(-1)
    ours = arcface.ArcFace(w600k_r50)
    for face in detected_faces(name):
        chip = arcface.align(image, face.keypoints)
        their_chip = face_align.norm_crop(bgr, landmark=face.keypoints)[..., ::-1]
        # the same similarity (Umeyama) estimated two ways: at most one level apart
        # where a sample lands on a rounding edge
        assert np.abs(chip.astype(int) - their_chip.astype(int)).max() <= 1
        embedding = ours.predict(chip[None])[0]
        theirs = reference.get(bgr, SimpleNamespace(kps=face.keypoints))
        # InsightFace returns the raw vector; the project unit-normalises it
        theirs = theirs / np.linalg.norm(theirs)
        assert float(embedding @ theirs) > 0.9999


# ------------------------------------------------------ 2d106det, genderage
class Plain(torch.nn.Module):
    """bench's MobileNet without its own input normalisation (bn_data does it)."""

    def __init__(self, body):
        super().__init__()
        self.net = body

    def forward(self, x):
        return self.net.fc(self.net.body(x).mean((2, 3)))


def bn_data_model(path: Path, outputs: int, size: int, seed: int) -> Path:
    """The real files' layout: a BatchNormalization named `bn_data` normalising 0..255
    pixels ((x - 127.5) / 128) as the first node, then the network."""
    from onnx import helper, numpy_helper

    from bench.full_set_latency import MobileNetV1, init_weights

    torch.manual_seed(seed)
    export(Plain(init_weights(MobileNetV1(0.25, outputs))), (1, 3, size, size), path, "data",
           ["fc1"], {"data": {0: "N"}, "fc1": {0: "N"}})
    model = onnx.load(str(path))
    graph = model.graph
    for node in graph.node:
        node.input[:] = ["normalised" if name == "data" else name for name in node.input]
    constants = {"bn_scale": [1.0] * 3, "bn_bias": [0.0] * 3, "bn_mean": [127.5] * 3,
                 "bn_var": [128.0 ** 2] * 3}
    graph.initializer.extend(numpy_helper.from_array(np.array(v, np.float32), name)
                             for name, v in constants.items())
    graph.node.insert(0, helper.make_node("BatchNormalization", ["data", *constants],
                                          ["normalised"], name="bn_data", epsilon=0.0))
    onnx.checker.check_model(model)
    onnx.save(model, str(path))
    return path


def boxes_of(name: str) -> list[np.ndarray]:
    image = rgb(name)
    height, width = image.shape[:2]
    return [np.array([width * 0.3, height * 0.2, width * 0.7, height * 0.75], np.float32),
            np.array([-20.0, 10.0, width * 0.4, height * 0.5], np.float32)]  # off the frame


@pytest.fixture(scope="module")
def det106(tmp_path_factory) -> Path:
    return bn_data_model(tmp_path_factory.mktemp("lmk") / "2d106det.onnx", 212,
                         landmarks106.SIZE, seed=2)


@pytest.fixture(scope="module")
def genderage_file(tmp_path_factory) -> Path:
    return bn_data_model(tmp_path_factory.mktemp("ga") / "genderage.onnx", 3,
                         genderage.SIZE, seed=3)


@pytest.mark.parametrize("name", PHOTOS)
def test_landmarks106_match_insightface(det106, name):
    path = det106
    image, reference = rgb(name), raw_pixel_reference(insightface_zoo.Landmark, path)
    ours = landmarks106.Landmarks106(path)
    for box in boxes_of(name):
        crop, to_image = landmarks106.prepare(image, box)
        points = ours.predict(crop[None])[0]
        in_image = points @ to_image[:, :2].T + to_image[:, 2]
        theirs = reference.get(np.ascontiguousarray(image[..., ::-1]), Face(bbox=box))
        np.testing.assert_allclose(in_image, theirs, atol=0.05)


def raw_pixel_reference(kind, path: Path):
    reference = kind(str(path))
    reference.prepare(-1)
    # bn_data made InsightFace feed raw 0..255 pixels, as the project does
    assert (reference.input_mean, reference.input_std) == (0.0, 1.0)
    return reference


class Face(dict):
    """InsightFace's Face: a dict whose keys read as attributes."""

    __getattr__ = dict.get


@pytest.mark.parametrize("name", PHOTOS)
def test_genderage_matches_insightface(genderage_file, name):
    path = genderage_file
    image, reference = rgb(name), raw_pixel_reference(insightface_zoo.Attribute, path)
    ours = genderage.GenderAge(path)
    raw_model = scrfd.OnnxModel(path)
    for box in boxes_of(name):
        crop = genderage.prepare(image, box)
        face = Face(bbox=box)
        gender, age = reference.get(np.ascontiguousarray(image[..., ::-1]), face)
        answer = ours.predict(crop[None])[0]
        raw = raw_model.run(crop[None].astype(np.float32).transpose(0, 3, 1, 2))[0][0]
        # InsightFace: argmax of the pair (0 female, 1 male), age = round(raw * 100)
        assert answer["gender"]["value"] == ("female", "male")[int(gender)] or \
            abs(raw[0] - raw[1]) < 1e-4
        # the project keeps one decimal and clips to 0..120 (deliberate: a raw
        # value of a random or confused net can leave the range)
        assert answer["age"] == pytest.approx(np.clip(raw[2], 0, 1.2) * 100, abs=0.051)
        if 0 <= raw[2] <= 1.2:
            assert round(answer["age"]) == pytest.approx(age, abs=1)
