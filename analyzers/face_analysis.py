"""Detect once, then let every task model annotate the same faces.

`FaceAnalysis` is the orchestration behind /analyze, kept free of BentoML: it
is given one async `predict(batch)` per task (a model service client in
service.py, or a local model in tests and benchmarks) and returns plain dicts.
All faces of an image go to each task model in a single batch, and the task
models run concurrently.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from analyzers import beauty, colour, crops, emotion, geometry, hsemotion, mesh, pose
from analyzers.detection import MAX_SIDE as DETECTION_MAX_SIDE
from analyzers.embedding import normalise
from analyzers.prominence import rank_by_size

Predict = Callable[[object], Awaitable[object]]

# Public attribute names (as in Rekognition's Attributes) -> the task model behind them.
ATTRIBUTE_TASKS = {
    "age": "age_gender",
    "gender": "age_gender",
    "emotion": "emotion",
    "pose": "mesh",
    "expression": "mesh",  # smiling, mouth_open, eyes_open
    "colour": "mesh",  # skin tone, hair, eye and lip colour
    "landmarks": "landmarks68",  # 68 points (the mesh comes with any mesh attribute)
    "embedding": "embedding",
    "beauty": "mesh",  # chopped_score (mesh heuristics), beauty_score (its own model)
    # optional (set `full`, models/hf.py): only when their models are in the store
    "ethnicity": "ethnicity",
    "obstruction": "obstruction",
    "hair": "parsing",  # with hair_type for hair.type
}
ATTRIBUTES = tuple(ATTRIBUTE_TASKS)
# Fields answered by another task than their attribute's (null when that one is missing).
FIELD_TASKS = {"beauty_score": "beauty"}
# Tasks an attribute uses when they are installed, beyond ATTRIBUTE_TASKS.
OPTIONAL_TASKS = {"beauty": ("beauty",)}
# Opt-in attributes: only when asked for by name or with 'all'.
OPT_IN = ("embedding", "landmarks", "beauty")
# Attributes answered by optional models, and the tasks behind them: when none of
# an attribute's models is in the store its field is left out of the answer (not
# null), so a server with the default set answers exactly as before.
OPTIONAL_ATTRIBUTES = {
    "ethnicity": ("ethnicity",),
    "obstruction": ("obstruction",),
    "hair": ("parsing", "hair_type"),
}
# Fields each attribute fills, so a skipped or failed one is reported by name.
ATTRIBUTE_FIELDS = {
    "age": ("age", "age_bracket"),
    "gender": ("gender",),
    "emotion": ("emotion",),
    "pose": ("pose",),
    "expression": ("smiling", "mouth_open", "eyes_open"),
    "colour": ("skin_tone", "hair_colour", "eye_colour", "lip_colour"),
    "landmarks": ("landmarks_68",),
    "embedding": ("embedding",),
    "beauty": ("beauty_score", "chopped_score"),
    "ethnicity": ("ethnicity",),
    "obstruction": ("obstruction",),
    "hair": ("hair",),
}
# Opt-in extras (InsightFace buffalo_l, README Models): filled when the model is
# loaded and the attribute behind them is asked for; simply absent otherwise.
EXTRA_FIELDS = {"landmarks_106": ("landmarks", "landmarks106")}
# hair's sub-fields each of its two models fills (named in `unavailable` when one fails)
PARTIAL_FIELDS = {"parsing": ("hair.length", "hair.colour", "hair.hat"),
                  "hair_type": ("hair.type",)}
# optional classifier task -> its registry model (for the crop margin)
CLASSIFIER_SOURCES = {"gender": "face-gender-vit", "ethnicity": "face-ethnicity-vit",
                      "obstruction": "face-obstruction-vit", "hair_type": "hair-type-vit"}
# The human parser (SegFormer-B5 at 512 px) takes seconds per face on a CPU: only
# the largest FACE_PARSING_MAX_FACES faces of an image are parsed; the others get
# hair length / colour / hat null with the reason.
PARSING_MAX_FACES = max(1, int(os.environ.get("FACE_PARSING_MAX_FACES", "5")))
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@dataclass
class Options:
    attributes: tuple[str, ...] = tuple(a for a in ATTRIBUTES if a not in OPT_IN)
    max_faces: int = 100
    return_embedding: bool = False
    return_landmarks: bool = False

    def __post_init__(self):
        unknown = sorted(set(self.attributes) - set(ATTRIBUTES))
        if unknown:
            # named in the message, but never more than a few short ones (no echo of 1 MB)
            shown = [a if len(a) <= 40 else a[:40] + "..." for a in unknown[:10]]
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            raise ValueError(
                f"unknown attributes {shown}{more}; choose from {list(ATTRIBUTES)} or 'all'"
            )
        if self.max_faces < 1:
            raise ValueError("max_faces must be at least 1")
        attributes = set(self.attributes)
        if self.return_embedding:
            attributes.add("embedding")
        if self.return_landmarks:
            attributes.add("landmarks")
        self.return_embedding = "embedding" in attributes
        self.return_landmarks = "landmarks" in attributes
        self.attributes = tuple(a for a in ATTRIBUTES if a in attributes)

    @classmethod
    def parse(cls, attributes, **kwargs) -> "Options":
        """attributes: None / '' / 'default' / 'all' / 'none' (detection only) / a comma
        string / a list of names (an empty list also means detection only)."""
        if attributes is None or attributes in ("", "default"):
            return cls(**kwargs)
        if attributes == "none":
            attributes = []
        if isinstance(attributes, str):
            attributes = [a.strip() for a in attributes.split(",") if a.strip()]
        if "all" in attributes:
            attributes = ATTRIBUTES
        return cls(attributes=tuple(attributes), **kwargs)


@dataclass
class Timer:
    timings: dict = field(default_factory=dict)

    def since(self, name: str, start: float) -> None:
        self.timings[name] = round((time.perf_counter() - start) * 1000.0, 2)


class FaceAnalysis:
    def __init__(self, predictors: dict[str, Predict], model_tags: dict[str, str],
                 unavailable: dict[str, str] | None = None, gender_task: str = "age_gender",
                 labels: dict[str, list[str]] | None = None):
        """predictors: task -> async predict(batch); model_tags: task -> model tag;
        unavailable: task -> why it has no model; gender_task: the task that answers
        `gender` ("age_gender", or "gender": the ViT classifier); labels: the
        parsing model's class names (for the hair field)."""
        self.predictors = predictors
        self.model_tags = model_tags
        self.unavailable = dict(unavailable or {})
        self.gender_task = gender_task
        self.labels = dict(labels or {})

    def _task_of(self, attribute: str) -> str:
        return self.gender_task if attribute == "gender" else ATTRIBUTE_TASKS[attribute]

    def _tasks_of(self, attribute: str) -> set[str]:
        """The tasks an attribute needs; an optional attribute only those in the store."""
        if attribute in OPTIONAL_ATTRIBUTES:
            return {t for t in OPTIONAL_ATTRIBUTES[attribute] if t in self.predictors}
        return {self._task_of(attribute)}

    async def detect(self, image: np.ndarray) -> list[dict]:
        """Faces as dicts with box, score, keypoints (numpy), largest first."""
        if "detection" not in self.predictors:
            raise ModelUnavailable("detection", self.unavailable.get("detection", "no detector"))
        # The detector gets at most DETECTION_MAX_SIDE pixels a side: it would
        # shrink a larger photo anyway, and a 12 MP array is 36 MB to ship
        # between processes. Boxes and points are scaled back here.
        scale = min(1.0, DETECTION_MAX_SIDE / max(image.shape[:2]))
        sent = image if scale == 1.0 else cv2.resize(
            image, (round(image.shape[1] * scale), round(image.shape[0] * scale)),
            interpolation=cv2.INTER_AREA)
        try:
            found = (await self.predictors["detection"]([sent]))[0]
        except Exception as error:
            raise ModelUnavailable("detection", f"the detector failed: {error}") from error
        if scale != 1.0:
            fx, fy = image.shape[1] / sent.shape[1], image.shape[0] / sent.shape[0]
            found = [dict(face, box=np.asarray(face["box"]) * (fx, fy, fx, fy),
                          keypoints=np.asarray(face["keypoints"]) * (fx, fy))
                     for face in found]
        boxes = [np.asarray(face["box"]) for face in found]
        return [found[i] for i in rank_by_size(boxes)]

    def coarse_pose(self, face: dict) -> dict:
        """The head pose from the detector's 5 points, for when no mesh answered."""
        return pose.head_pose_from_5(np.asarray(face["keypoints"]))

    @property
    def coarse_pose_model(self) -> str:
        """What `models.pose` says when coarse_pose answered."""
        return f"{self.model_tags.get('detection')} (5-point, coarse)"

    def _model(self, task: str) -> str:
        """The registry name of the model answering `task` ('' when none)."""
        return (self.model_tags.get(task) or "").split(":")[0]

    def _embedding_crop(self, image: np.ndarray, face: dict) -> np.ndarray:
        """The embedding model's input: ArcFace's 5-point aligned 112x112, or the
        square crop dlib aligns itself."""
        if self._model("embedding") == "face-embedding-arcface":
            from analyzers import arcface

            return arcface.align(image, face["keypoints"])
        return crops.square_crop(image, face["box"], crops.FACE_CROP_SIZE)[0]

    async def embed_pair(self, *image_faces: tuple[np.ndarray, dict]) -> np.ndarray:
        """Raw embeddings of faces from one or more images, in one batch."""
        if "embedding" not in self.predictors:
            raise ModelUnavailable("embedding", self.unavailable.get("embedding", "no model"))
        batch = np.stack([self._embedding_crop(image, face) for image, face in image_faces])
        try:
            return np.asarray(await self.predictors["embedding"](batch))
        except Exception as error:
            raise ModelUnavailable("embedding", f"the embedding model failed: {error}") from error

    async def analyze(self, image: np.ndarray, options: Options,
                      faces: list[dict] | None = None) -> dict:
        """faces: the detector's answer when the caller already has it (detect once)."""
        timer = Timer()
        started = time.perf_counter()
        height, width = image.shape[:2]
        if faces is None:
            faces = await self.detect(image)
        timer.since("detection", started)
        total_found = len(faces)
        faces = faces[: options.max_faces]

        results = [self._base_record(face, width, height) for face in faces]
        wanted_tasks = set().union(*(self._tasks_of(a) for a in options.attributes))
        wanted_tasks |= {t for a in options.attributes for t in OPTIONAL_TASKS.get(a, ())}
        if options.return_landmarks:
            wanted_tasks.add("mesh")
        tasks = {t for t in wanted_tasks if t in self.predictors}
        missing = {t: self.unavailable.get(t, "no model is installed for it")
                   for t in wanted_tasks - tasks}
        extras = {name: task for name, (attribute, task) in EXTRA_FIELDS.items()
                  if attribute in options.attributes and task in self.predictors}
        tasks |= set(extras.values())

        outputs: dict = {}
        if faces:
            prepare_started = time.perf_counter()
            inputs = self._prepare_inputs(image, faces, tasks)
            timer.since("crops", prepare_started)
            outputs = await self._run_tasks(inputs, timer)
            for task, output in outputs.items():
                if isinstance(output, Exception):
                    missing[task] = f"the {task} model failed: {output}"
            self._merge(image, faces, results, inputs, outputs, options)

        models_used = {"detection": self.model_tags.get("detection")}
        for name, task in extras.items():
            if not isinstance(outputs.get(task), Exception):
                models_used[name] = self.model_tags.get(task)
        fields = {name: FIELD_TASKS.get(name, self._task_of(a)) for a in options.attributes
                  if a not in OPTIONAL_ATTRIBUTES for name in ATTRIBUTE_FIELDS[a]}
        for attribute in options.attributes:
            present = self._tasks_of(attribute) if attribute in OPTIONAL_ATTRIBUTES else ()
            if present and all(t in missing for t in present):  # every model failed
                for record in results:
                    record[attribute] = None
                    record.setdefault("unavailable", {})[attribute] = "; ".join(
                        missing[t] for t in sorted(present))
            elif present:
                for task in OPTIONAL_ATTRIBUTES[attribute]:
                    key = attribute if task == OPTIONAL_ATTRIBUTES[attribute][0] \
                        else f"{attribute}.type"
                    models_used[key] = self.model_tags.get(task) if task in present \
                        and task not in missing else None
                    if task in present and task in missing:  # one of hair's two failed
                        for name in PARTIAL_FIELDS.get(task, ()):
                            for record in results:
                                record.setdefault("unavailable", {})[name] = missing[task]
        if options.return_landmarks:
            fields["landmarks_mesh"] = "mesh"
        for name, task in fields.items():
            if task not in missing:
                models_used[name] = self.model_tags.get(task)
            elif name == "pose":  # filled from the detector's 5 points instead
                models_used[name] = self.coarse_pose_model
            else:
                for record in results:
                    record[name] = None
                    record.setdefault("unavailable", {})[name] = missing[task]
        timer.since("total", started)
        return {
            "faces": results,
            "face_count": len(results),
            "faces_detected": total_found,
            "image": {"width": width, "height": height},
            "models": models_used,
            "timings_ms": timer.timings,
        }

    # ------------------------------------------------------------------ steps
    @staticmethod
    def _base_record(face: dict, width: int, height: int) -> dict:
        x1, y1, x2, y2 = (float(v) for v in face["box"])
        keypoints = np.asarray(face["keypoints"], np.float64)
        return {
            "bbox": [round(x1, 1), round(y1, 1), round(x2, 1), round(y2, 1)],
            "bbox_normalized": [round(x1 / width, 5), round(y1 / height, 5),
                                round(x2 / width, 5), round(y2 / height, 5)],
            "confidence": round(float(face["score"]), 5),
            "landmarks": {
                name: [round(float(x), 1), round(float(y), 1)]
                for name, (x, y) in zip(LANDMARK_NAMES, keypoints)
            },
        }

    def _prepare_inputs(self, image: np.ndarray, faces: list[dict], tasks: set[str]) -> dict:
        inputs: dict[str, object] = {}
        # dlib's embedding and Cydral's age/gender align the square crop themselves;
        # ArcFace and InsightFace's genderage want their own crops
        own_crops = {"embedding": self._model("embedding") == "face-embedding-arcface",
                     "age_gender": self._model("age_gender") == "face-genderage-insightface"}
        square_tasks = {t for t in tasks & {"embedding", "age_gender", "landmarks68"}
                        if not own_crops.get(t)}
        if square_tasks:
            squares = [crops.square_crop(image, f["box"], crops.FACE_CROP_SIZE) for f in faces]
            batch = np.stack([crop for crop, _ in squares])
            for task in square_tasks:
                inputs[task] = batch
            inputs["square_transforms"] = [transform for _, transform in squares]
        if "embedding" in tasks and own_crops["embedding"]:
            inputs["embedding"] = np.stack([self._embedding_crop(image, f) for f in faces])
        if "age_gender" in tasks and own_crops["age_gender"]:
            from analyzers import genderage

            inputs["age_gender"] = np.stack([genderage.prepare(image, f["box"]) for f in faces])
        if "mesh" in tasks:
            prepared = [
                mesh.prepare(image, f["box"], f["keypoints"][0], f["keypoints"][1]) for f in faces
            ]
            inputs["mesh"] = np.stack([crop for crop, _ in prepared])
            inputs["mesh_transforms"] = [transform for _, transform in prepared]
        if "emotion" in tasks:
            inputs["emotion"] = self._emotion_batch(image, faces)
        if "landmarks106" in tasks:
            from analyzers import landmarks106

            prepared = [landmarks106.prepare(image, f["box"]) for f in faces]
            inputs["landmarks106"] = np.stack([crop for crop, _ in prepared])
            inputs["landmarks106_transforms"] = [transform for _, transform in prepared]
        if "beauty" in tasks:
            inputs["beauty"] = np.stack([beauty.prepare(image, f["box"]) for f in faces])
        if tasks & {"gender", "ethnicity", "obstruction", "hair_type"}:
            from analyzers import classifiers
            from models.registry import BY_NAME

            for task, name in CLASSIFIER_SOURCES.items():
                if task in tasks:
                    scale = BY_NAME[name].metadata.get("crop_scale",
                                                       classifiers.DEFAULT_CROP_SCALE)
                    inputs[task] = np.stack([classifiers.prepare(image, f["box"], scale)
                                             for f in faces])
        if "parsing" in tasks:
            from analyzers import parsing

            prepared = [parsing.prepare(image, f["box"]) for f in faces[:PARSING_MAX_FACES]]
            inputs["parsing"] = np.stack([crop for crop, _ in prepared])
            inputs["parsing_transforms"] = [transform for _, transform in prepared]
        return inputs

    def _emotion_batch(self, image: np.ndarray, faces: list[dict]) -> np.ndarray:
        """The emotion model's input: HSEmotion's 224x224 RGB box crops, or fer's 64x64 grey."""
        if self._model("emotion") == "face-emotion-hsemotion":
            return np.stack([hsemotion.prepare(image, f["box"]) for f in faces])
        return np.stack([emotion.prepare(image, f["box"]) for f in faces])

    async def _run_tasks(self, inputs: dict, timer: Timer) -> dict:
        async def run(task):
            started = time.perf_counter()
            try:
                return await self.predictors[task](inputs[task])
            except Exception as error:  # one failing model must not sink the others
                return error
            finally:
                timer.since(task, started)

        tasks = [task for task in inputs if task in self.predictors]
        outputs = await asyncio.gather(*(run(task) for task in tasks))
        return dict(zip(tasks, outputs))

    def _merge(self, image, faces, results, inputs, outputs, options: Options) -> None:
        ok = {task: out for task, out in outputs.items() if not isinstance(out, Exception)}
        wanted = set(options.attributes)
        for index, (face, record) in enumerate(zip(faces, results)):
            if "age_gender" in ok:
                predicted = ok["age_gender"][index]
                if "age" in wanted:
                    record["age"] = predicted["age"]
                    record["age_bracket"] = predicted["age_bracket"]
                if "gender" in wanted and self.gender_task == "age_gender":
                    record["gender"] = predicted["gender"]
            self._merge_optional(index, face, record, inputs, ok, wanted)
            if "emotion" in ok:
                record["emotion"] = ok["emotion"][index]
            if "embedding" in ok:
                record["embedding"] = [
                    round(float(v), 6) for v in normalise(np.asarray(ok["embedding"][index]))
                ]
            if "landmarks106" in ok:
                points = crops.apply_affine(np.asarray(ok["landmarks106"][index]),
                                            inputs["landmarks106_transforms"][index])
                record["landmarks_106"] = np.round(points, 1).tolist()
            if "landmarks68" in ok:
                points = crops.apply_affine(
                    np.asarray(ok["landmarks68"][index]), inputs["square_transforms"][index]
                )
                record["landmarks_68"] = np.round(points, 1).tolist()
            if "mesh" in ok:
                predicted = ok["mesh"][index]
                points = mesh.to_image(
                    np.asarray(predicted["points"]), inputs["mesh_transforms"][index]
                )
                self._merge_mesh(image, record, points, float(predicted["score"]), wanted,
                                 options.return_landmarks)
                if "beauty" in wanted:
                    learned = ok["beauty"][index] if "beauty" in ok else None
                    record["beauty_score"] = learned
                    record["chopped_score"] = beauty.chopped_score(
                        image, points, learned, self.model_tags.get("beauty"))
            elif "pose" in wanted:
                record["pose"] = self.coarse_pose(face)

    def _merge_optional(self, index, face, record, inputs, ok, wanted) -> None:
        """The set-`full` models' fields: ViT gender, ethnicity, obstruction, hair."""
        from analyzers import classifiers

        if "gender" in wanted and self.gender_task == "gender" and "gender" in ok:
            record["gender"] = classifiers.as_gender(ok["gender"][index])
        for task in ("ethnicity", "obstruction"):
            if task in wanted and task in ok:
                record[task] = classifiers.as_field(ok[task][index])
        if "hair" in wanted and ({"parsing", "hair_type"} & set(self.predictors)):
            hair = {"type": None, "length": None, "colour": None, "hat": None}
            if "hair_type" in ok:
                hair["type"] = classifiers.as_field(ok["hair_type"][index])
            if "parsing" in ok and index >= len(inputs["parsing_transforms"]):
                reason = (f"only the {PARSING_MAX_FACES} largest faces are parsed "
                          "(FACE_PARSING_MAX_FACES)")
                hair.update(length={"value": None, "reason": reason},
                            colour={"value": None, "reason": reason}, hat=None)
            elif "parsing" in ok:
                from analyzers import parsing

                transform = inputs["parsing_transforms"][index]
                hair.update(parsing.describe(
                    np.asarray(ok["parsing"][index]), inputs["parsing"][index],
                    parsing.face_box_in_crop(face["box"], transform),
                    self.labels.get("parsing", [])))
            if any(value is not None for value in hair.values()):
                record["hair"] = hair

    @staticmethod
    def _merge_mesh(image, record, points, score, wanted, return_landmarks) -> None:
        record["mesh_score"] = round(score, 4)
        if return_landmarks:
            record["landmarks_mesh"] = np.round(points, 1).tolist()
        if "pose" in wanted:
            record["pose"] = pose.head_pose(points)
        if "expression" in wanted:
            record["smiling"] = geometry.smiling(points)
            record["mouth_open"] = geometry.mouth_open(points)
            record["eyes_open"] = geometry.eyes_open(points)
        if "colour" in wanted:
            region, local = crops.face_region(image, points)
            record["skin_tone"] = colour.skin_tone(region, local)
            record["hair_colour"] = colour.hair_colour(region, local)
            record["eye_colour"] = colour.eye_colour(region, local)
            record["lip_colour"] = colour.lip_colour(region, local)

    # ---------------------------------------------------- /fitter and /quality
    async def fit(self, image: np.ndarray, max_faces: int = 100) -> tuple[list[dict], int]:
        """The detected faces (largest first, at most max_faces) each with its
        478-point mesh in image pixels and the head pose fitted to it:
        ([{"face", "points", "mesh_score", "pose"}], faces detected)."""
        if "mesh" not in self.predictors:
            raise ModelUnavailable("mesh", self.unavailable.get("mesh", "no mesh model"))
        faces = await self.detect(image)
        total = len(faces)
        faces = faces[:max_faces]
        if not faces:
            return [], total
        return await self._fit_faces(image, faces), total

    async def _fit_faces(self, image, faces) -> list[dict]:
        inputs = self._prepare_inputs(image, faces, {"mesh"})
        try:
            predicted = await self.predictors["mesh"](inputs["mesh"])
        except Exception as error:
            raise ModelUnavailable("mesh", f"the mesh model failed: {error}") from error
        fitted = []
        for face, out, transform in zip(faces, predicted, inputs["mesh_transforms"]):
            points = mesh.to_image(np.asarray(out["points"]), transform)
            fitted.append({"face": face, "points": points, "mesh_score": float(out["score"]),
                           "pose": pose.head_pose(points)})
        return fitted

    async def assess_quality(self, image: np.ndarray, thresholds: dict, max_faces: int = 100,
                             faces: list[dict] | None = None) -> tuple[list[dict], int]:
        """fit() plus quality.assess per face: ([{..fit.., "quality": qaa}], faces
        detected). The person segmentation runs once per image, alongside the
        detector; emotion alongside the mesh. A missing or failing emotion or
        segmentation model only skips its check (with the reason)."""
        from analyzers import quality, segmentation

        if "mesh" not in self.predictors:
            raise ModelUnavailable("mesh", self.unavailable.get("mesh", "no mesh model"))
        reasons = {}

        async def segment():
            if "segmentation" not in self.predictors:
                reasons["segmentation"] = self.unavailable.get(
                    "segmentation", "no person segmentation model is installed")
                return None
            try:
                masks = await self.predictors["segmentation"](
                    segmentation.prepare(image)[None])
                return np.asarray(masks[0], np.float32)
            except Exception as error:
                reasons["segmentation"] = f"the segmentation model failed: {error}"
                return None

        async def emotions(faces):
            if "emotion" not in self.predictors:
                reasons["emotion"] = self.unavailable.get("emotion", "no emotion model")
                return None
            try:
                return await self.predictors["emotion"](self._emotion_batch(image, faces))
            except Exception as error:
                reasons["emotion"] = f"the emotion model failed: {error}"
                return None

        async def detected():
            return await self.detect(image) if faces is None else faces

        person_mask, faces = await asyncio.gather(segment(), detected())
        total = len(faces)
        faces = faces[:max_faces]
        if not faces:
            return [], total
        fitted, feelings = await asyncio.gather(self._fit_faces(image, faces), emotions(faces))
        for index, record in enumerate(fitted):
            scores = feelings[index]["scores"] if feelings is not None else None
            record["quality"] = await asyncio.to_thread(
                quality.assess,
                image, record["points"], record["face"]["box"], record["pose"],
                emotion_scores=scores, person_mask=person_mask, thresholds=thresholds,
                unavailable=reasons)
        return fitted, total

    # ------------------------------------------------------------- /liveness
    async def liveness_scores(self, image: np.ndarray, faces: list[dict],
                              threshold: float) -> list[dict]:
        """The anti-spoofing and liveness nets on these faces (one batch each, run
        together) combined per face by liveness.combine."""
        from analyzers import liveness

        for task in ("antispoof", "liveness"):
            if task not in self.predictors:
                raise ModelUnavailable(task, self.unavailable.get(task, f"no {task} model"))
        if not faces:
            return []
        batch = np.stack([liveness.prepare(image, face["box"]) for face in faces])
        batches = {"antispoof": batch, "liveness": batch}
        if (self.model_tags.get("antispoof") or "").startswith("face-antispoof-minifasnet:"):
            batches["antispoof"] = np.stack([liveness.prepare_minifasnet(image, face["box"])
                                             for face in faces])

        async def run(task):
            try:
                return np.asarray(await self.predictors[task](batches[task]), np.float32)
            except Exception as error:
                raise ModelUnavailable(task, f"the {task} model failed: {error}") from error

        spoof, live = await asyncio.gather(run("antispoof"), run("liveness"))
        return [liveness.combine(a, b, threshold) for a, b in zip(spoof, live)]

    # ------------------------------------------------------ /body and /mask
    async def detect_bodies(self, image: np.ndarray) -> list[dict]:
        """People in the image (analyzers/body.py): whole image plus tiles in one
        call to the body model, merged; best first."""
        from analyzers import body

        if "body" not in self.predictors:
            raise ModelUnavailable("body", self.unavailable.get("body", "no body detector"))
        batch, passes, transforms = await asyncio.to_thread(body.prepare, image)
        try:
            found = await self.predictors["body"](batch)
        except Exception as error:
            raise ModelUnavailable("body", f"the body detector failed: {error}") from error
        return body.merge(image.shape, passes, transforms, found)

    async def masks(self, image: np.ndarray, max_faces: int = 100) -> tuple[list[dict], int]:
        """fit() plus the mask check of every face (analyzers/mask.py): each record
        gains "mask" (a dict, or None) and "mask_skipped" (the reason, or None)."""
        from analyzers import mask

        fitted, total = await self.fit(image, max_faces)
        for record in fitted:
            try:
                record["mask"] = await asyncio.to_thread(
                    mask.assess, image, record["points"], record["pose"].get("yaw"))
                record["mask_skipped"] = None
            except ValueError as problem:
                record["mask"], record["mask_skipped"] = None, str(problem)
        return fitted, total


class ModelUnavailable(RuntimeError):
    def __init__(self, task: str, reason: str):
        super().__init__(f"{task}: {reason}")
        self.task = task
        self.reason = reason
