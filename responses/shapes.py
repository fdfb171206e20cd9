"""The answers of the endpoints beyond /analyze, built from the flows' results
(front/flows/), with the one formatter of precision.py."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from analyzers.detectors.detection import Detection
from analyzers.face_models.mesh import LEFT_IRIS_CENTER, RIGHT_IRIS_CENTER
from precision import fractions, pixels, score


def face_box(box, confidence: float, width: int, height: int) -> dict:
    """bbox (0..1), bbox_pixels and confidence of a detected face or body."""
    return {"bbox": fractions(box, width, height), "bbox_pixels": pixels(box),
            "confidence": score(confidence)}


def angles(pose: dict) -> dict:
    return {k: pose[k] for k in ("yaw", "pitch", "roll")}


def counted(image: np.ndarray, faces: list[dict], total: int, models: dict, **more) -> dict:
    """The envelope of the per-face inspection answers."""
    height, width = image.shape[:2]
    return {"faces": faces, "face_count": len(faces), "faces_detected": total,
            "image": {"width": width, "height": height}, **more, "models": models}


# ------------------------------------------------------------ the endpoints
def extract_face(image: np.ndarray, faces: list[Detection], scores: list[dict], best: int,
                 margin: float) -> dict:
    """/extract-face: the chosen face cut with its margin, as a JPEG data URL."""
    height, width = image.shape[:2]
    face = faces[best]
    x1, y1, x2, y2 = (float(v) for v in face.box)
    pad_x, pad_y = (x2 - x1) * margin, (y2 - y1) * margin
    left, top = max(0, int(x1 - pad_x)), max(0, int(y1 - pad_y))
    right, bottom = min(width, int(np.ceil(x2 + pad_x))), min(height, int(np.ceil(y2 + pad_y)))
    buffer = io.BytesIO()
    Image.fromarray(image[top:bottom, left:right]).save(buffer, "JPEG", quality=95)
    return {
        "success": True,
        "face_image": "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode(),
        "metadata": {
            "total_faces": len(faces),
            "selected_index": best,
            # NSFAS's meaning (percent, the combined score); the detector's score beside it
            "confidence": scores[best]["combined_score"],
            "detector_confidence": score(face.score),
            "bbox": pixels(face.box),
            "crop_box": [left, top, right, bottom],
            "face_size": {"width": round(x2 - x1, 1), "height": round(y2 - y1, 1)},
            **scores[best],
            "all_faces": [{"index": i, "bbox": pixels(f.box),
                           "confidence": scores[i]["combined_score"],
                           "detector_confidence": score(f.score), **scores[i]}
                          for i, f in enumerate(faces)],
        },
    }


def compared_face(faces: list[Detection]) -> dict:
    """/compare-faces: the face of one side that was compared."""
    return {"bbox": pixels(faces[0].box), "confidence": score(faces[0].score),
            "faces_found": len(faces)}


def fitted_face(record: dict, width: int, height: int) -> dict:
    """/fitter: one face's mesh as a flat x, y, z pixel list, its iris centres and pose."""
    points = record["points"]
    return {
        **face_box(record["face"].box, record["face"].score, width, height),
        "fitter": {
            "fitter_type": "mediapipe_mesh_478",
            "num_keypoints": int(len(points)),
            "keypoints": [round(float(v), 2) for v in np.asarray(points).ravel()],
            "left_eye": [round(float(v), 2) for v in points[LEFT_IRIS_CENTER, :2]],
            "right_eye": [round(float(v), 2) for v in points[RIGHT_IRIS_CENTER, :2]],
            "eye_convention": "subject",
            "mesh_score": round(record["mesh_score"], 4),
        },
        "angles": angles(record["pose"]),
    }


def body(found: dict, width: int, height: int) -> dict:
    """/body: one person."""
    return {**face_box(found["box"], found["score"], width, height), "class": "body",
            "keypoints": [pixels(point) for point in found["keypoints"]],
            "rotation": round(float(np.degrees(found["rotation"])), 2)}
