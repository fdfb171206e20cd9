"""Dense face mesh (analyzers.face_models.mesh) and what is derived from it: head pose,
eye / mouth state, smile and colours -- on real photos, in-process.

Face boxes come from dlib's HOG detector; no eye points are given to the
mesh (its own later passes level the eye line).
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np
import pytest
from PIL import Image

from analyzers.face_models import mesh as m
from measures import colour, geometry
from measures.pose import head_pose, head_pose_from_5
from models.importer import fetch_artifacts
from models.registry import BY_NAME
from testkit.photos import photo


def model_paths():
    """The registry's mesh and iris models (fetching checks their sha256)."""
    files = fetch_artifacts(BY_NAME["face-mesh-mediapipe"], log=lambda *_: None)
    return files["face_landmark.tflite"], files["iris_landmark.tflite"]


# ---------------------------------------------------------------- fixtures
@lru_cache(maxsize=None)
def face_mesh() -> m.FaceMesh:
    return m.FaceMesh(*model_paths())


@lru_cache(maxsize=None)
def detector():
    import dlib

    return dlib.get_frontal_face_detector()


@lru_cache(maxsize=None)
def load(name: str) -> np.ndarray:
    image = np.array(Image.open(photo(name)).convert("RGB"))
    image.setflags(write=False)
    return image


def boxes_of(image: np.ndarray) -> list[list[int]]:
    """dlib boxes, most confident first."""
    dets, scores, _ = detector().run(image, 0, 0)
    if not len(dets):
        dets, scores, _ = detector().run(image, 1, 0)
    order = np.argsort(scores)[::-1]
    return [[dets[i].left(), dets[i].top(), dets[i].right(), dets[i].bottom()]
            for i in order]


@lru_cache(maxsize=None)
def faces(name: str) -> tuple[dict, ...]:
    """Mesh results for every face of a photo, left to right in the image
    (dlib boxes where the mesh model sees no face are dropped)."""
    image = load(name)
    boxes = sorted(boxes_of(image), key=lambda b: b[0])
    results = face_mesh().detect_many(image, boxes)
    for box, result in zip(boxes, results):
        result["box"] = box
    return tuple(r for r in results if r["score"] >= m.FACE_SCORE_THRESHOLD)


def main_face(image: np.ndarray) -> dict:
    boxes = boxes_of(image)
    assert boxes, "dlib found no face"
    return face_mesh().detect(image, boxes[0])


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Counter-clockwise (as seen) rotation about the centre, same size."""
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), degrees, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REFLECT)


# ---------------------------------------------------------------- models
def test_model_tensors():
    mesh_path, iris_path = model_paths()
    from ai_edge_litert.interpreter import Interpreter

    mesh = Interpreter(model_path=str(mesh_path))
    (inp,) = mesh.get_input_details()
    assert list(inp["shape"]) == [1, 192, 192, 3] and inp["dtype"] == np.float32
    assert sorted(list(o["shape"]) for o in mesh.get_output_details()) == [
        [1, 1, 1, 1], [1, 1, 1, 1404]]
    iris = Interpreter(model_path=str(iris_path))
    (inp,) = iris.get_input_details()
    assert list(inp["shape"]) == [1, 64, 64, 3] and inp["dtype"] == np.float32
    assert {o["name"]: list(o["shape"]) for o in iris.get_output_details()} == {
        "output_eyes_contours_and_brows": [1, 213], "output_iris": [1, 15]}


# ---------------------------------------------------------------- mesh
def test_prepare_crop_and_transform():
    image = load("obama.jpg")
    box = boxes_of(image)[0]
    fm = face_mesh()
    crop, transform = fm.prepare(image, box)
    assert crop.shape == (192, 192, 3) and crop.dtype == np.uint8
    assert transform.shape == (2, 3)
    # crop centre -> box centre; crop side -> 1.5 x the box's long side
    centre = fm.to_image(np.array([[96.0, 96.0, 0.0]]), transform)[0]
    assert np.allclose(centre[:2], [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2], atol=1e-3)
    corners = fm.to_image(np.array([[0.0, 0.0, 0.0], [192.0, 0.0, 0.0]]), transform)
    assert np.linalg.norm(corners[1, :2] - corners[0, :2]) == pytest.approx(
        1.5 * max(box[2] - box[0], box[3] - box[1]), rel=1e-4)
    # the crop shows the image there: compare a pixel through the transform
    px = fm.to_image(np.array([[100.5, 80.5, 0.0]]), transform)[0]
    assert np.abs(crop[80, 100].astype(int) - image[int(px[1]), int(px[0])].astype(int)).max() < 40

    # with eye points the eye line becomes horizontal in the crop
    left_eye, right_eye = (400.0, 260.0), (560.0, 300.0)
    crop, transform = fm.prepare(image, box, left_eye, right_eye)
    inverse = m.invert_affine(transform)
    eyes = m.apply_affine(np.array([left_eye, right_eye]), inverse)
    assert abs(eyes[1, 1] - eyes[0, 1]) < 1e-6 and eyes[1, 0] > eyes[0, 0]


def test_predict_shapes_scores_and_batching():
    image = load("t1.jpg")
    fm = face_mesh()
    crops = np.stack([fm.prepare(image, r["box"])[0] for r in faces("t1.jpg")])
    points, scores = fm.predict(crops)
    assert points.shape == (len(crops), 478, 3) and points.dtype == np.float32
    assert scores.shape == (len(crops),) and scores.dtype == np.float32
    assert (scores > 0.9).all()
    single = np.stack([fm.predict(c[None])[0][0] for c in crops])
    assert np.abs(single - points).max() < 1e-3
    # not a face: background patch, flat grey
    background, _ = fm.prepare(load("obama.jpg"), [700, 600, 900, 800])
    flat = np.full((192, 192, 3), 128, np.uint8)
    _, low = fm.predict(np.stack([background, flat]))
    assert (low < 0.05).all()


def test_points_on_the_face():
    result = faces("obama.jpg")[0]
    pts, box = result["points"], result["box"]
    assert pts.shape == (478, 3) and result["score"] > 0.99
    x1, y1, x2, y2 = box
    side = x2 - x1
    # every point near the (tight) dlib box: the mesh reaches up the forehead
    assert (pts[:, 0] > x1 - 0.15 * side).all() and (pts[:, 0] < x2 + 0.15 * side).all()
    assert (pts[:, 1] > y1 - 0.35 * side).all() and (pts[:, 1] < y2 + 0.15 * side).all()
    # anatomy: subject's right eye on the image's left, nose between, chin lowest
    assert pts[m.RIGHT_EYE_OUTER, 0] < pts[m.RIGHT_EYE_INNER, 0] < pts[m.NOSE_TIP, 0]
    assert pts[m.NOSE_TIP, 0] < pts[m.LEFT_EYE_INNER, 0] < pts[m.LEFT_EYE_OUTER, 0]
    assert pts[m.FOREHEAD_TOP, 1] < pts[m.NOSE_BRIDGE, 1] < pts[m.NOSE_TIP, 1] \
        < pts[m.UPPER_LIP_TOP, 1] < pts[m.CHIN, 1]
    # the nose tip is nearer the camera than the eyes, cheeks and chin
    assert pts[m.NOSE_TIP, 2] < pts[[m.RIGHT_EYE_OUTER, m.LEFT_EYE_OUTER, m.CHIN,
                                     m.FACE_RIGHT_EDGE, m.FACE_LEFT_EDGE], 2].min()
    # each iris centre lies inside its eye, iris radius plausible (~5% of face width)
    face_width = np.linalg.norm(pts[m.FACE_LEFT_EDGE, :2] - pts[m.FACE_RIGHT_EDGE, :2])
    for centre, ring, contour in ((m.RIGHT_IRIS_CENTER, m.RIGHT_IRIS, m.RIGHT_EYE),
                                  (m.LEFT_IRIS_CENTER, m.LEFT_IRIS, m.LEFT_EYE)):
        poly = pts[list(contour[:9]) + list(contour[9:])[::-1], :2].astype(np.float32)
        assert cv2.pointPolygonTest(poly, tuple(map(float, pts[centre, :2])), False) >= 0
        radius = np.linalg.norm(pts[list(ring), :2] - pts[centre, :2], axis=1).mean()
        assert 0.03 < radius / face_width < 0.08


def test_mesh_follows_the_image():
    """Flipped and rotated photos give the correspondingly moved mesh."""
    image = load("astronaut.png")
    base = main_face(image)["points"]
    h, w = image.shape[:2]
    flipped = main_face(np.ascontiguousarray(image[:, ::-1]))["points"]
    # mirror: the subject's right eye of the flipped image is the left one mirrored
    mirrored = flipped[m.RIGHT_EYE_OUTER, :2].copy()
    mirrored[0] = w - mirrored[0]
    side = np.linalg.norm(base[m.LEFT_EYE_OUTER, :2] - base[m.RIGHT_EYE_OUTER, :2])
    assert np.linalg.norm(mirrored - base[m.LEFT_EYE_OUTER, :2]) < 0.08 * side
    # rotation: the nose tip moves with the image
    matrix = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), 20, 1.0)
    turned = main_face(rotate(image, 20))["points"]
    expected = matrix @ np.append(base[m.NOSE_TIP, :2], 1.0)
    assert np.linalg.norm(turned[m.NOSE_TIP, :2] - expected) < 0.08 * side


# ---------------------------------------------------------------- pose
def test_pose_flip_gives_opposite_yaw():
    for name in ("obama2.jpg", "biden.jpg"):
        image = load(name)
        pose = head_pose(main_face(image)["points"])
        mirror = head_pose(main_face(np.ascontiguousarray(image[:, ::-1]))["points"])
        assert abs(pose["yaw"]) > 8, (name, pose)           # clearly turned
        assert np.sign(mirror["yaw"]) == -np.sign(pose["yaw"]), (name, pose, mirror)
        assert abs(pose["yaw"] + mirror["yaw"]) < 4, (name, pose, mirror)
        assert abs(pose["roll"] + mirror["roll"]) < 4, (name, pose, mirror)
        assert abs(pose["pitch"] - mirror["pitch"]) < 4, (name, pose, mirror)
    # obama2: Obama turned towards the image's left -> negative yaw
    assert head_pose(main_face(load("obama2.jpg"))["points"])["yaw"] < -8


def test_pose_in_plane_rotation_changes_roll():
    for name in ("obama.jpg", "astronaut.png", "grace_hopper.jpg"):
        image = load(name)
        base = head_pose(main_face(image)["points"])
        assert abs(base["yaw"]) < 10 and abs(base["pitch"]) < 12, (name, base)
        for degrees in (20, -20):
            turned = head_pose(main_face(rotate(image, degrees))["points"])
            assert turned["roll"] - base["roll"] == pytest.approx(degrees, abs=5), (
                name, degrees, base, turned)
            assert abs(turned["yaw"] - base["yaw"]) < 5


def test_pose_from_5_points_is_coarse_but_signed():
    pts = main_face(load("obama2.jpg"))["points"]
    five = pts[[m.RIGHT_IRIS_CENTER, m.LEFT_IRIS_CENTER, m.NOSE_TIP, m.MOUTH_RIGHT,
                m.MOUTH_LEFT], :2]
    coarse = head_pose_from_5(five)
    fine = head_pose(pts)
    assert coarse["method"].endswith("(coarse)")
    assert np.sign(coarse["yaw"]) == np.sign(fine["yaw"])
    assert abs(coarse["yaw"] - fine["yaw"]) < 10 and abs(coarse["roll"] - fine["roll"]) < 6
    # a level face tilted counter-clockwise by 20 deg -> roll +20
    c, s = math.cos(math.radians(20)), math.sin(math.radians(20))
    level = np.array([[-30, 0], [30, 0], [0, 35], [-25, 60], [25, 60]], float)
    tilted = level @ np.array([[c, -s], [s, c]])       # (1, 0) -> (c, -s): up, i.e. CCW as seen
    assert head_pose_from_5(tilted)["roll"] == pytest.approx(20, abs=0.1)
    assert head_pose_from_5(level)["yaw"] == 0
    shifted = level.copy()
    shifted[2, 0] += 15                                # nose towards the image's right
    assert head_pose_from_5(shifted)["yaw"] > 10


# ---------------------------------------------------------------- geometry
def test_astronaut_smiles_with_mouth_slightly_open():
    pts = main_face(load("astronaut.png"))["points"]
    smile = geometry.smiling(pts)
    assert smile["value"] and smile["score"] > 0.8, smile
    mouth = geometry.mouth_open(pts)
    assert mouth["value"] and mouth["ratio"] < 0.3, mouth      # open, but only slightly
    eyes = geometry.eyes_open(pts)
    assert eyes["left"]["open"] and eyes["right"]["open"]


def test_obama_eyes_open_and_smiling():
    result = geometry.analyze(faces("obama.jpg")[0]["points"])
    assert result["eyes_open"]["left"]["open"] and result["eyes_open"]["right"]["open"]
    assert result["smiling"]["value"]


def test_neutral_faces_and_closed_eyes():
    # biden.jpg and grace_hopper.jpg: closed mouth, no smile, eyes open
    for name in ("biden.jpg", "grace_hopper.jpg"):
        result = geometry.analyze(faces(name)[0]["points"])
        assert not result["smiling"]["value"], (name, result)
        assert not result["mouth_open"]["value"], (name, result)
        assert result["eyes_open"]["left"]["open"] and result["eyes_open"]["right"]["open"]
    # t1.jpg, rightmost face (Lisa Kudrow): looking down with her eyes shut
    lisa = faces("t1.jpg")[-1]["points"]
    eyes = geometry.eyes_open(lisa)
    assert not eyes["left"]["open"] and not eyes["right"]["open"], eyes
    # obama2.jpg: talking, mouth wide open, not smiling
    talk = geometry.analyze(faces("obama2.jpg")[0]["points"])
    assert talk["mouth_open"]["value"] and talk["mouth_open"]["ratio"] > 0.3
    assert not talk["smiling"]["value"]


def test_far_eye_is_estimated_when_turned_away():
    # t1.jpg top right (Matt LeBlanc) is turned far to the image's left
    matt = min(faces("t1.jpg"), key=lambda r: r["box"][1])   # the highest box
    yaw = head_pose(matt["points"])["yaw"]
    assert yaw < -35
    eyes = geometry.eyes_open(matt["points"], yaw)
    assert eyes["right"]["estimated"] and not eyes["left"]["estimated"]
    assert eyes["right"]["open"] == eyes["left"]["open"] is True


# ---------------------------------------------------------------- colour
def test_skin_tone_ita_plausible_and_ordered():
    obama = colour.skin_tone(load("obama.jpg"), faces("obama.jpg")[0]["points"])
    astronaut = colour.skin_tone(load("astronaut.png"), main_face(load("astronaut.png"))["points"])
    t1 = [colour.skin_tone(load("t1.jpg"), r["points"]) for r in faces("t1.jpg")]
    for tone in [obama, astronaut, *t1]:
        assert -60 < tone["ita"] < 80, tone
        assert tone["category"] in {name for _, name in colour.ITA_CATEGORIES}
        assert tone["hex"].startswith("#") and len(tone["hex"]) == 7
        assert tone["pixels"] > 100
    # a dark-skinned face has a lower ITA than the light-skinned faces
    # (same kind of even, frontal studio lighting for obama.jpg / astronaut.png)
    assert obama["ita"] < astronaut["ita"] - 10
    assert obama["ita"] < min(t["ita"] for t in t1)
    assert astronaut["category"] in ("very light", "light")


def test_lip_colour():
    for name in ("obama.jpg", "astronaut.png", "biden.jpg"):
        result = colour.lip_colour(load(name), faces(name)[0]["points"])
        assert result["name"] in colour.LIP_NAMES
        assert result["pixels"] > 50
    # Obama's lips are darker than the astronaut's
    dark = colour.lip_colour(load("obama.jpg"), faces("obama.jpg")[0]["points"])
    light = colour.lip_colour(load("astronaut.png"), faces("astronaut.png")[0]["points"])
    assert dark["lab"]["L"] < light["lab"]["L"]


def test_eye_colour():
    obama = colour.eye_colour(load("obama.jpg"), faces("obama.jpg")[0]["points"])
    assert obama["name"] in ("dark brown", "brown") and obama["radius_px"] >= 5
    # the astronaut's irises are ~4 px in a 512 px photo: no answer, and why
    small = colour.eye_colour(load("astronaut.png"), faces("astronaut.png")[0]["points"])
    assert small["value"] is None and "radius" in small["reason"]
    # eyes shut (Lisa Kudrow, t1.jpg, upscaled so the iris size is not the reason)
    image = cv2.resize(load("t1.jpg"), None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    lisa = faces("t1.jpg")[-1]["points"].copy()
    lisa[:, :3] *= 3
    closed = colour.eye_colour(image, lisa)
    assert closed["value"] is None and "closed" in closed["reason"]


def test_hair_colour():
    image = load("t1.jpg")
    t1 = faces("t1.jpg")
    lisa, jennifer = t1[-1], t1[0]                          # the two blondes
    for face in (lisa, jennifer):
        result = colour.hair_colour(image, face["points"])
        assert result["name"] == "blond", result
    dark = colour.hair_colour(load("obama2.jpg"), faces("obama2.jpg")[0]["points"])
    assert dark["name"] in ("black", "dark brown", "brown") and dark["lab"]["L"] < 40
    blond = colour.hair_colour(image, lisa["points"])
    assert blond["lab"]["L"] > dark["lab"]["L"] + 15
    # the band above the head cut off by the image border -> no answer
    pts = faces("obama.jpg")[0]["points"]
    top = int(pts[m.FOREHEAD_TOP, 1])
    cropped = np.ascontiguousarray(load("obama.jpg")[top - 5:])
    shifted = pts.copy()
    shifted[:, 1] -= top - 5
    gone = colour.hair_colour(cropped, shifted)
    assert gone["value"] is None and "outside" in gone["reason"]
