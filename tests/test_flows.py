"""front/flows/ without BentoML: the request deadline, the face limit and a whole
flow on the real models in-process."""

from __future__ import annotations

import asyncio

import pytest

from analyzers.face_analysis import FaceAnalysis
from errors import InputError
from front.flows import Flows
from inputs.imageio import Limits
from inputs.sources import FetchPolicy
from measures.quality import DEFAULT_THRESHOLDS
from security import Settings
from testkit.local_models import TAGS, predictors
from testkit.photos import photo


def flows(**settings) -> Flows:
    analysis = FaceAnalysis(predictors(), TAGS)
    return Flows(analysis, Limits(), Settings(**settings), FetchPolicy(), DEFAULT_THRESHOLDS)


def test_a_flow_past_the_deadline_is_a_504():
    async def slow():
        await asyncio.sleep(5)

    with pytest.raises(InputError) as raised:
        asyncio.run(flows(request_deadline_s=0.05).within_deadline(slow()))
    assert raised.value.status == 504 and "FACE_REQUEST_DEADLINE_S" in raised.value.detail


def test_the_face_limit_defaults_and_caps():
    front = flows(max_faces=3)
    assert front.face_limit(None) == 3 and front.face_limit(2) == 2
    with pytest.raises(InputError) as raised:
        front.face_limit(4)
    assert raised.value.status == 422


def test_the_fitter_flow_on_a_real_photo():
    image, fitted, total = asyncio.run(flows().fit(photo("t1.jpg").read_bytes(), 2))
    assert image.shape[2] == 3 and total == 6 and len(fitted) == 2
    assert all(record["points"].shape == (478, 3) for record in fitted)


def test_a_reduced_analysis_answers_in_the_uploads_pixels():
    # t1.jpg at 2.66 times its size, analysed whole and decoded at 1/2
    # (FACE_ANALYSIS_MAX_SIDE): the same faces at the same places in the upload's pixels.
    # Both decodes are larger than the detector's 1600 px, so it sees the same shrink.
    import io

    import numpy as np
    from PIL import Image

    with Image.open(photo("t1.jpg")) as src:
        big = src.convert("RGB").resize((3400, 2354), Image.BICUBIC)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=92)

    def analysed(max_side):
        front = flows()
        front.limits = Limits(analysis_max_side=max_side)
        return asyncio.run(front.analyze(buffer.getvalue(), "all", None, False, True))

    whole, reduced = analysed(4096), analysed(3000)
    assert whole["image"] == {"width": 3400, "height": 2354}
    assert reduced["image"] == {"width": 3400, "height": 2354,
                                "analysed_width": 1700, "analysed_height": 1177}
    assert reduced["face_count"] == whole["face_count"] >= 6
    for a, b in zip(whole["faces"], reduced["faces"]):
        width = a["bbox"][2] - a["bbox"][0]
        assert np.abs(np.subtract(a["bbox"], b["bbox"])).max() < 0.02 * width
        assert np.abs(np.subtract(list(a["landmarks"].values()),
                                  list(b["landmarks"].values()))).max() < 0.03 * width
        # the mesh and the 68 points, fitted to other pixels, within a few % of the face
        # (measured: the mesh 0.3-2.1% of the width on the seven faces over 250 px, 5.5%
        # on the two of 112-123 px, which the mesh sees at 56-61 px; dlib's 68 up to 3.9%)
        assert np.abs(np.subtract(a["landmarks_mesh"], b["landmarks_mesh"]))[:, :2].max() \
            < 0.06 * width
        assert np.abs(np.subtract(a["landmarks_68"], b["landmarks_68"])).max() < 0.06 * width
        assert a["gender"]["value"] == b["gender"]["value"]
        assert a["bbox_normalized"] == b["bbox_normalized"] or np.allclose(
            a["bbox_normalized"], b["bbox_normalized"], atol=0.01)


def _enlarged(name: str, factor: float) -> bytes:
    import io

    from PIL import Image

    with Image.open(photo(name)) as src:
        src = src.convert("RGB")
        big = src.resize((round(src.width * factor), round(src.height * factor)),
                         Image.BICUBIC)
    buffer = io.BytesIO()
    big.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _decodes_recorded(monkeypatch) -> list[int]:
    """The scale (1, 2, 4, 8) of each decode the flows make from now on, in order."""
    import front.flows.plumbing as flows_module

    decodes: list[int] = []
    real = flows_module.decode_scaled
    monkeypatch.setattr(flows_module, "decode_scaled", lambda data, limits, factor_of: real(
        data, limits, lambda width, height: decodes.append(factor_of(width, height))
        or decodes[-1]))
    return decodes


def _matched(reduced: dict, native: dict, factor: float) -> list[tuple[dict, dict]]:
    """Each face of `reduced` with the `native` face whose box, enlarged, overlaps it most."""
    import numpy as np

    from bench.metrics import iou

    pairs = []
    for face in reduced["faces"]:
        best = max(native["faces"], key=lambda other: iou(
            face["bbox"], np.multiply(other["bbox"], factor)))
        if iou(face["bbox"], np.multiply(best["bbox"], factor)) > 0.5:
            pairs.append((face, best))
    return pairs


def test_a_huge_portrait_is_analysed_once_at_a_quarter(monkeypatch):
    # obama.jpg six times enlarged (5460 x 6822, 37 MP): its face is ~1400 px wide, so
    # the detection decode at 1/4 (1365 x 1706) gives every model its pixels. With
    # max_faces=1 only that face counts (MTCNN, which the in-process predictors detect
    # with, also finds an 86 px false face there, which would ask for a finer decode).
    import numpy as np

    data = _enlarged("obama.jpg", 6)
    decodes = _decodes_recorded(monkeypatch)
    front = flows()
    reduced = asyncio.run(front.analyze(data, "all", 1, False, True))
    assert decodes == [4]
    native = asyncio.run(front.analyze(photo("obama.jpg").read_bytes(), "all", None, False,
                                       True))
    assert reduced["image"] == {"width": 5460, "height": 6822,
                                "analysed_width": 1365, "analysed_height": 1706}
    assert reduced["face_count"] == 1 and reduced["timings_ms"]["detection"] > 0
    (face, same), = _matched(reduced, native, 6)
    width = face["bbox"][2] - face["bbox"][0]
    assert np.abs(np.subtract(face["bbox"], np.multiply(same["bbox"], 6))).max() < 0.03 * width
    assert np.abs(np.subtract(face["landmarks_mesh"], np.multiply(same["landmarks_mesh"], 6))
                  )[:, :2].max() < 0.05 * width
    assert face["gender"]["value"] == same["gender"]["value"]


def test_small_faces_in_a_huge_photo_are_decoded_again_finer(monkeypatch):
    # t1.jpg 5.5 times enlarged (7040 x 4873, 34 MP): found at 1/4 (1760 px), its faces
    # are 58-158 px there, under MIN_ANALYSED_FACE: the photo is decoded again at 1/2,
    # the finest FACE_ANALYSIS_MAX_SIDE allows, and the faces' boxes moved with it
    import numpy as np

    data = _enlarged("t1.jpg", 5.5)
    decodes = _decodes_recorded(monkeypatch)
    front = flows()
    reduced = asyncio.run(front.analyze(data, "all", None, False, False))
    assert decodes == [4, 2]
    native = asyncio.run(front.analyze(photo("t1.jpg").read_bytes(), "all", None, False,
                                       False))
    assert reduced["image"] == {"width": 7040, "height": 4873,
                                "analysed_width": 3520, "analysed_height": 2437}
    pairs = _matched(reduced, native, 5.5)
    assert len(pairs) >= 6
    for face, same in pairs:
        width = face["bbox"][2] - face["bbox"][0]
        assert np.abs(np.subtract(face["bbox"], np.multiply(same["bbox"], 5.5))).max() \
            < 0.1 * width
        assert face["gender"]["value"] == same["gender"]["value"]


def test_templates_of_a_huge_photo_are_taken_reduced_with_boxes_in_its_pixels(monkeypatch):
    # /templates/extract's flow on obama.jpg six times enlarged: detected and embedded at
    # 1/4, the box in the upload's pixels, the embedding the same person's as obama.jpg's
    import numpy as np

    data = _enlarged("obama.jpg", 6)
    decodes = _decodes_recorded(monkeypatch)
    front = flows()
    faces, vectors = asyncio.run(front.faces_and_vectors(data, 1))
    assert decodes == [4] and len(faces) == len(vectors) == 1
    native_faces, native_vectors = asyncio.run(front.faces_and_vectors(
        photo("obama.jpg").read_bytes(), 1))
    box, native = np.asarray(faces[0].box), np.asarray(native_faces[0].box) * 6
    assert np.abs(box - native).max() < 0.03 * (native[2] - native[0])
    assert np.linalg.norm(vectors[0] - native_vectors[0]) < 0.3  # dlib: same person < 0.6
