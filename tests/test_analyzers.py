"""The task analyzers (embedding, age/gender, emotion, 68 points) on real photos,
in-process, plus the crop and prominence geometry they rely on.

Faces are found with the MTCNN detector and cut with `crops.square_crop`, the
same way the front service feeds the model services.
"""

from __future__ import annotations

import numpy as np
import pytest

from analyzers.face_models import embedding, emotion
from analyzers.runtime import crops
from analyzers.face_models.age_gender import AGE_CLASS_VALUES, age_bracket
from measures import prominence
from measures.pose import head_pose_from_5
from testkit import local_models as lm


def crop_of(name: str, index: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The 256x256 square crop of one detected face and its crop -> image affine."""
    return crops.square_crop(lm.load(name), lm.faces_in(name)[index].box, crops.FACE_CROP_SIZE)


def crops_of(name: str) -> np.ndarray:
    image = lm.load(name)
    return np.stack([crops.square_crop(image, f.box, crops.FACE_CROP_SIZE)[0]
                     for f in lm.faces_in(name)])


def emotion_inputs(name: str) -> np.ndarray:
    image = lm.load(name)
    return np.stack([emotion.prepare(image, f.box) for f in lm.faces_in(name)])


# ---------------------------------------------------------------- embedding
@pytest.fixture(scope="module")
def descriptors() -> dict[str, np.ndarray]:
    names = ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg"]
    batch = np.stack([crop_of(name)[0] for name in names])
    return dict(zip(names, lm.embedder().predict(batch)))


@pytest.mark.parametrize("other", ["obama2.jpg", "obama3.jpg"])
def test_same_person_is_within_dlib_threshold(descriptors, other):
    result = embedding.compare(descriptors["obama.jpg"], descriptors[other])
    assert result["distance"] < 0.6
    assert result["match"] is True
    assert result["threshold"] == embedding.DLIB_THRESHOLD == 0.6
    # the distance is the euclidean one between the raw vectors
    expected = np.linalg.norm(descriptors["obama.jpg"] - descriptors[other])
    assert result["distance"] == pytest.approx(float(expected), abs=1e-5)


def test_different_people_are_beyond_threshold(descriptors):
    result = embedding.compare(descriptors["obama.jpg"], descriptors["biden.jpg"])
    assert result["distance"] > 0.6
    assert result["match"] is False
    same = embedding.compare(descriptors["obama.jpg"], descriptors["obama2.jpg"])
    assert result["similarity"] < same["similarity"] <= 1.0


def test_descriptors_are_raw_and_normalise_gives_unit_vectors(descriptors):
    vectors = np.stack(list(descriptors.values()))
    assert vectors.shape == (4, 128) and vectors.dtype == np.float32
    norms = np.linalg.norm(vectors, axis=1)
    assert np.all(norms > 1.2), norms  # dlib's raw descriptors sit around 1.4
    unit = embedding.normalise(vectors)
    np.testing.assert_allclose(np.linalg.norm(unit, axis=1), 1.0, atol=1e-5)
    # normalising only rescales: the directions are unchanged
    np.testing.assert_allclose(unit * norms[:, None], vectors, atol=1e-5)
    # cosine similarity in compare() is the dot product of the unit vectors
    result = embedding.compare(vectors[0], vectors[1])
    assert result["similarity"] == pytest.approx(float(unit[0] @ unit[1]), abs=1e-5)


def test_normalise_leaves_zero_vector_finite():
    assert np.all(np.isfinite(embedding.normalise(np.zeros(128))))


def test_batched_descriptors_match_single_ones(descriptors):
    single = lm.embedder().predict(crop_of("biden.jpg")[0][None])[0]
    np.testing.assert_allclose(single, descriptors["biden.jpg"], atol=1e-4)


def test_empty_batch_gives_no_descriptors():
    out = lm.embedder().predict(np.zeros((0, 256, 256, 3), np.uint8))
    assert out.shape == (0, 128)


def test_compare_rejects_different_sizes():
    with pytest.raises(ValueError, match="different sizes"):
        embedding.compare(np.zeros(128), np.zeros(512))


def test_decision_confidence_is_50_at_threshold_and_grows_with_margin():
    threshold = 0.6
    assert embedding.decision_confidence(threshold, threshold) == 50.0
    margins = np.linspace(0.0, 0.4, 21)
    for sign in (-1, 1):  # below the threshold (match) and above it (no match)
        values = [embedding.decision_confidence(threshold + sign * m, threshold) for m in margins]
        assert all(b >= a for a, b in zip(values, values[1:])), values
        assert values[-1] > 99.0
        assert all(0.0 <= v <= 100.0 for v in values)
    # symmetric: equally far on either side is equally clear-cut
    assert (embedding.decision_confidence(0.5, threshold)
            == embedding.decision_confidence(0.7, threshold))
    # compare() reports the same number
    a, b = np.zeros(4), np.array([0.3, 0.0, 0.0, 0.0])
    assert embedding.compare(a, b)["confidence"] == embedding.decision_confidence(0.3, 0.6)


# ---------------------------------------------------------------- age / gender
@pytest.fixture(scope="module")
def age_gender_of() -> dict[str, dict]:
    names = ["obama.jpg", "biden.jpg", "astronaut.png"]
    batch = np.stack([crop_of(name)[0] for name in names])
    return dict(zip(names, lm.age_gender().predict(batch)))


def test_obama_and_biden_are_men_and_biden_is_older(age_gender_of):
    obama, biden = age_gender_of["obama.jpg"], age_gender_of["biden.jpg"]
    assert obama["gender"]["value"] == "male"
    assert biden["gender"]["value"] == "male"
    assert biden["age"] > obama["age"]


def test_astronaut_is_a_woman(age_gender_of):
    gender = age_gender_of["astronaut.png"]["gender"]
    assert gender["value"] == "female"
    assert gender["confidence"] == gender["scores"]["female"] > 0.5


def test_age_gender_fields_are_consistent(age_gender_of):
    for result in age_gender_of.values():
        assert 0.25 <= result["age"] <= 80
        assert result["age_bracket"] == age_bracket(result["age"])
        scores = result["gender"]["scores"]
        assert set(scores) == {"female", "male"}
        assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
        assert result["gender"]["value"] == max(scores, key=scores.get)


def test_age_gender_batch_matches_single(age_gender_of):
    single = lm.age_gender().predict(crop_of("biden.jpg")[0][None])[0]
    assert single["gender"]["value"] == age_gender_of["biden.jpg"]["gender"]["value"]
    assert single["age"] == pytest.approx(age_gender_of["biden.jpg"]["age"], abs=0.2)
    assert lm.age_gender().predict(np.zeros((0, 256, 256, 3), np.uint8)) == []


@pytest.mark.parametrize("age, bracket", [
    (0.0, "0-2"), (0.25, "0-2"), (2.9, "0-2"), (3.0, "3-9"), (9.99, "3-9"), (10.0, "10-19"),
    (29.9, "20-29"), (30.0, "30-39"), (69.9, "60-69"), (70.0, "70+"), (80.0, "70+"),
])
def test_age_bracket_boundaries(age, bracket):
    assert age_bracket(age) == bracket


class _FixedAgeSession:
    """Stands in for the age ONNX session: every face gets `age` as its mean."""

    def __init__(self, age: float):
        low = int(np.searchsorted(AGE_CLASS_VALUES, age)) - 1
        weight = (age - AGE_CLASS_VALUES[low]) / (AGE_CLASS_VALUES[low + 1] - AGE_CLASS_VALUES[low])
        self.row = np.zeros(len(AGE_CLASS_VALUES), np.float32)
        self.row[low], self.row[low + 1] = 1.0 - weight, weight

    def run(self, _outputs, feeds):
        return [np.tile(self.row, (len(feeds["images"]), 1))]


def test_reported_age_and_bracket_agree_near_a_boundary():
    from analyzers.face_models.age_gender import AgeGender

    model = AgeGender.__new__(AgeGender)  # the real gender net and 5-point predictor ...
    real = lm.age_gender()
    model.gender, model.shape5 = real.gender, real.shape5
    model.age = _FixedAgeSession(29.97)  # ... and an age net that always says 29.97
    result = model.predict(crop_of("obama.jpg")[0][None])[0]
    assert result["age_bracket"] == age_bracket(result["age"])


# ---------------------------------------------------------------- emotion
def test_emotion_inputs_are_64px_grey():
    faces = emotion_inputs("t1.jpg")
    assert faces.shape == (6, 64, 64) and faces.dtype == np.uint8


def test_astronaut_is_happy():
    result = lm.emotion_model().predict(emotion_inputs("astronaut.png")[:1])[0]
    assert result["dominant"] == "happy"
    assert result["confidence"] == result["scores"]["happy"] > 0.5


def test_emotion_scores_are_a_distribution():
    for name in ("t1.jpg", "obama.jpg", "biden.jpg", "grace_hopper.jpg"):
        for result in lm.emotion_model().predict(emotion_inputs(name)):
            scores = result["scores"]
            assert set(scores) == set(emotion.LABELS)
            assert all(0.0 <= p <= 1.0 for p in scores.values())
            assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
            assert result["dominant"] == max(scores, key=scores.get)


def test_emotion_batch_equals_single_calls():
    model = lm.emotion_model()
    faces = np.concatenate([emotion_inputs("t1.jpg"), emotion_inputs("astronaut.png"),
                            emotion_inputs("biden.jpg")])
    batched = model.predict(faces)
    singles = [model.predict(face[None])[0] for face in faces]
    again = model.predict(faces)  # back to the large batch after resizing to 1
    assert len(batched) == len(singles) == len(faces)
    for b, s, a in zip(batched, singles, again):
        assert b["dominant"] == s["dominant"] == a["dominant"]
        for label in emotion.LABELS:
            assert b["scores"][label] == pytest.approx(s["scores"][label], abs=1e-5)
            assert b["scores"][label] == pytest.approx(a["scores"][label], abs=1e-5)
    # not all faces get the same answer, so the order of the batch is kept
    assert len({tuple(r["scores"].values()) for r in batched}) == len(faces)


def test_emotion_empty_batch():
    assert lm.emotion_model().predict(np.zeros((0, 64, 64), np.uint8)) == []


# ---------------------------------------------------------------- 68 points
@pytest.mark.parametrize("name", ["obama.jpg", "biden.jpg", "astronaut.png", "grace_hopper.jpg",
                                  "t1.jpg"])
def test_68_points_lie_on_the_face(name):
    image = lm.load(name)
    # dlib's 68-point model is for faces seen from the front: on the man in
    # profile in t1.jpg (coarse yaw about -40) it lays a frontal template wider
    # than the face, so faces turned more than 35 degrees are left out.
    faces = [f for f in lm.faces_in(name) if abs(head_pose_from_5(f.keypoints)["yaw"]) < 35]
    assert len(faces) >= (5 if name == "t1.jpg" else 1)
    squares = [crops.square_crop(image, f.box, crops.FACE_CROP_SIZE) for f in faces]
    predicted = lm.landmarks68().predict(np.stack([c for c, _ in squares]))
    assert predicted.shape == (len(faces), 68, 2)
    for face, (_, transform), points in zip(faces, squares, predicted):
        points = crops.apply_affine(points, transform)
        x1, y1, x2, y2 = (float(v) for v in face.box)
        w, h = x2 - x1, y2 - y1
        # inside the detector box grown by 12% on each side (measured: at most 10.4%, t1.jpg's
        # face turned about 32 degrees (coarse yaw), past the side of its 96 px MTCNN box)
        assert np.all((points[:, 0] >= x1 - 0.12 * w) & (points[:, 0] <= x2 + 0.12 * w))
        assert np.all((points[:, 1] >= y1 - 0.12 * h) & (points[:, 1] <= y2 + 0.12 * h))
        jaw = points[0:17]
        assert jaw[:, 0].max() - jaw[:, 0].min() > 0.7 * w
        # the iBUG layout: jaw runs from the image's left to its right, the eye
        # on the image's left (36-41) is left of the other (42-47), both above
        # the nose tip (30), which is above the mouth (48-67), above the chin (8)
        assert jaw[0, 0] < jaw[8, 0] < jaw[16, 0]
        left_eye, right_eye = points[36:42].mean(0), points[42:48].mean(0)
        assert left_eye[0] < points[30, 0] < right_eye[0]
        assert max(left_eye[1], right_eye[1]) < points[30, 1] < points[48:68, 1].min()
        assert points[48:68, 1].max() < points[8, 1]


def test_68_points_empty_batch():
    assert lm.landmarks68().predict(np.zeros((0, 256, 256, 3), np.uint8)).shape == (0, 68, 2)


# ---------------------------------------------------------------- crops
def test_square_crop_and_affine_round_trip():
    image = np.zeros((400, 600, 3), np.uint8)
    dot = np.array([330.0, 170.0])
    image[170, 330] = 255  # one white pixel, whose centre is at (330.5, 170.5)
    box = (280, 120, 380, 240)  # taller than wide: the crop side follows the height
    crop, to_image = crops.square_crop(image, box, 256)
    assert crop.shape == (256, 256, 3) and to_image.shape == (2, 3)
    # the dot's position in the crop (brightness-weighted), mapped back
    ys, xs = np.nonzero(crop[..., 0])
    weights = crop[ys, xs, 0].astype(np.float64)
    in_crop = np.array([[np.average(xs, weights=weights), np.average(ys, weights=weights)]])
    back = crops.apply_affine(in_crop, to_image)[0]
    # warpAffine samples at integer pixel positions: compare against the pixel index
    np.testing.assert_allclose(back, dot, atol=1.0)
    # and the inverse affine maps image points onto the crop and back exactly
    to_crop = crops.invert_affine(to_image)
    points = np.array([[10.0, 20.0], [330.0, 170.0], [599.0, 399.0]])
    np.testing.assert_allclose(
        crops.apply_affine(crops.apply_affine(points, to_crop), to_image), points, atol=1e-9)
    # the box centre lands on the crop centre, the box side on 256 / 1.5
    centre = crops.apply_affine(np.array([[330.0, 180.0]]), to_crop)[0]
    np.testing.assert_allclose(centre, [128.0, 128.0], atol=1e-9)
    assert to_crop[0, 0] == pytest.approx(256 / (120 * crops.CONTEXT_SCALE))


def test_square_crop_pads_with_black_outside_the_image():
    image = np.full((100, 100, 3), 200, np.uint8)
    crop, _ = crops.square_crop(image, (0, 0, 50, 50), 64)  # box in the top-left corner
    assert np.all(crop[:5, :5] == 0) and np.all(crop[-5:, -5:] == 200)


def test_apply_affine_matches_opencv_and_scales_depth():
    import cv2

    matrix = cv2.getRotationMatrix2D((50.0, 40.0), 30.0, 1.5)  # rotation, scale and shift
    points = np.array([[0.0, 0.0], [100.0, 0.0], [20.0, 70.0]])
    np.testing.assert_allclose(crops.apply_affine(points, matrix),
                               cv2.transform(points[None], matrix)[0], atol=1e-9)
    # a third column (depth) is scaled by the affine's scale, 1.5 here
    out = crops.apply_affine(np.array([[20.0, 70.0, 4.0]]), matrix)
    np.testing.assert_allclose(out[0], [*cv2.transform(points[None, 2:], matrix)[0, 0], 6.0],
                               atol=1e-9)


@pytest.mark.parametrize("size", [256, 192, 101])
def test_inner_box_is_centred(size):
    x1, y1, x2, y2 = crops.inner_box(size)
    assert (x1, y1) == (y1, x1) and x2 == y2
    assert abs((x1 + x2) / 2 - size / 2) <= 0.5
    assert abs((x2 - x1) - size / crops.CONTEXT_SCALE) <= 1.0


def test_inner_box_is_where_square_crop_puts_the_box():
    image = np.zeros((300, 300, 3), np.uint8)
    box = (100.0, 80.0, 180.0, 160.0)
    _, to_image = crops.square_crop(image, box, 256)
    corners = crops.apply_affine(np.array(crops.inner_box(256), float).reshape(2, 2), to_image)
    np.testing.assert_allclose(corners.ravel(), box, atol=0.5)


# ---------------------------------------------------------------- prominence
def test_largest_face_gets_full_size_score():
    boxes = [(0, 0, 50, 50), (100, 100, 200, 200), (300, 300, 370, 370)]
    scores = prominence.prominence_scores(boxes, 640, 480)
    assert scores[1]["size_score"] == 100.0
    assert scores[0]["size_score"] == pytest.approx(25.0)
    assert scores[2]["size_score"] == pytest.approx(49.0)


def test_top_centre_outranks_an_equal_face_in_a_corner():
    width, height = 1000, 800
    centre = (450, 150, 550, 250)  # centred on (500, 200): near the top-centre point
    corner = (880, 680, 980, 780)
    top, bottom = prominence.prominence_scores([centre, corner], width, height)
    assert top["size_score"] == bottom["size_score"] == 100.0
    assert top["position_score"] > bottom["position_score"]
    assert top["combined_score"] > bottom["combined_score"]


def test_position_score_is_100_at_top_centre_and_0_at_the_farthest_corner():
    width, height = 1000, 800
    at_reference = (490, 190, 510, 210)  # centred on (500, 200) = (0.5 w, 0.25 h)
    in_far_corner = (-10, 790, 10, 810)  # centred on (0, 800), a bottom corner
    near, far = prominence.prominence_scores([at_reference, in_far_corner], width, height)
    assert near["position_score"] == pytest.approx(100.0)
    assert far["position_score"] == pytest.approx(0.0, abs=0.01)


def test_combined_score_weights_size_and_position():
    boxes = [(10, 10, 60, 70), (300, 40, 420, 200), (500, 400, 540, 430)]
    for score in prominence.prominence_scores(boxes, 640, 480):
        expected = 0.7 * score["size_score"] + 0.3 * score["position_score"]
        assert score["combined_score"] == pytest.approx(expected, abs=0.02)


def test_rank_by_size():
    boxes = [(0, 0, 10, 10), (0, 0, 30, 30), (5, 5, 15, 15), (0, 0, 20, 20)]
    # the two 10x10 boxes tie and keep their order
    assert prominence.rank_by_size(boxes) == [1, 3, 0, 2]
    assert prominence.rank_by_size([]) == []
    assert prominence.prominence_scores([], 100, 100) == []
