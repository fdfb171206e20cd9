"""Detect once, then let every task model annotate the same faces.

`FaceAnalysis` is the orchestration behind /analyze, kept free of BentoML: it
is given one async `predict(batch)` per task (a model service client in
service.py, or a local model in tests and benchmarks) and returns plain dicts.
All faces of an image go to each task model in a single batch, and the task
models run concurrently. Per-face work in this process (cutting the crops,
merging the answers) runs in a worker thread, never on the event loop, which would
answer nothing else meanwhile (docs/benchmarks.md, "2026-12-07 moved from code
comments"). Which tasks an attribute runs, what each fills and how
its answer merges into a face are the task table's (analyzers/tasks.py); how a
model's input is cut is its wrapper's (`prepare_face`, models/registry.py names it).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import numpy as np

from analyzers import tasks, tight_crops
from analyzers.face_models import mesh
from analyzers.detectors.base import MAX_SIDE as DETECTION_MAX_SIDE, shrunk
from analyzers.detectors.detection import Detection
from measures import pose
from measures.prominence import rank_by_size
from models.registry import BY_NAME, wrapper_of
import precision

Predict = Callable[[object], Awaitable[object]]

ATTRIBUTES, OPT_IN = tasks.ATTRIBUTES, tasks.OPT_IN
LANDMARK_NAMES = ("left_eye", "right_eye", "nose", "mouth_left", "mouth_right")


@dataclass
class Options:
    attributes: tuple[str, ...] = tuple(a for a in ATTRIBUTES if a not in OPT_IN)
    max_faces: int = 100
    return_embedding: bool = False
    return_landmarks: bool = False

    def __post_init__(self):
        unknown = sorted(set(self.attributes) - set(tasks.ATTRIBUTES))
        if unknown:
            # named in the message, but never more than a few short ones (no echo of 1 MB)
            shown = [a if len(a) <= 40 else a[:40] + "..." for a in unknown[:10]]
            more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
            raise ValueError(
                f"unknown attributes {shown}{more}; choose from {list(tasks.ATTRIBUTES)} or 'all'"
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
        self.attributes = tuple(a for a in tasks.ATTRIBUTES if a in attributes)

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
            attributes = tasks.ATTRIBUTES
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
        # task -> the registry entry of the model answering it (its wrapper prepares
        # the input; models/priority.py chose it)
        self.sources = {task: BY_NAME[tag.split(":")[0]] for task, tag in model_tags.items()
                        if tag and tag.split(":")[0] in BY_NAME}

    def inputs(self, task: str, image: np.ndarray, faces: list[Detection],
               cache: dict | None = None) -> tuple[np.ndarray, list]:
        """The batch `task`'s model takes for these faces, prepared as its wrapper says,
        and the per-face transforms back to image pixels. `cache` shares one crop
        between tasks whose models take the same one (the dlib-based models)."""
        source = self.sources.get(task) or _default_source(task)
        prepare = wrapper_of(source).prepare_face
        # a crop depends on its prepare function and, for the classifiers, the crop scale
        key = (prepare, source.metadata.get("crop_scale"), len(faces))
        if cache is not None and key in cache:
            return cache[key]
        prepared = [prepare(image, face, source) for face in faces]
        batch = np.stack([crop for crop, _ in prepared]), [t for _, t in prepared]
        if cache is not None:
            cache[key] = batch
        return batch

    async def inputs_off_loop(self, task: str, image: np.ndarray, faces: list[Detection],
                              cache: dict | None = None) -> tuple[np.ndarray, list]:
        """`inputs`, in a worker thread (see the module docstring)."""
        return await asyncio.to_thread(self.inputs, task, image, faces, cache)

    def _tasks_of(self, attribute: str) -> set[str]:
        """The tasks an attribute needs; an optional attribute only those in the store."""
        found = tasks.tasks_for(attribute, self.gender_task)
        return {t.name for t in found if t.when_missing == tasks.REQUIRED
                or t.name in self.predictors}

    async def detect(self, image: np.ndarray) -> list[Detection]:
        """The faces, largest first."""
        if "detection" not in self.predictors:
            raise ModelUnavailable("detection", self.unavailable.get("detection", "no detector"))
        # The detector gets at most DETECTION_MAX_SIDE pixels a side: it would
        # shrink a larger photo anyway, and a 12 MP array is 36 MB to ship
        # between processes. Boxes and points are scaled back here.
        # (in a worker thread, as the module docstring says)
        scale = min(1.0, DETECTION_MAX_SIDE / max(image.shape[:2]))
        sent = image if scale == 1.0 else await asyncio.to_thread(
            shrunk, image, DETECTION_MAX_SIDE)  # the detectors' own shrink, done here
        try:
            found = [Detection.from_answer(face)
                     for face in (await self.predictors["detection"]([sent]))[0]]
            if not found:  # a face filling the frame: once more with a margin round it
                canvas, margin = tight_crops.padded(sent)
                found = tight_crops.back(
                    [Detection.from_answer(face)
                     for face in (await self.predictors["detection"]([canvas]))[0]],
                    margin, sent.shape)
        except Exception as error:
            raise ModelUnavailable("detection", f"the detector failed: {error}") from error
        if scale != 1.0:
            fx, fy = image.shape[1] / sent.shape[1], image.shape[0] / sent.shape[0]
            found = [face.scaled(fx, fy) for face in found]
        boxes = [np.asarray(face.box) for face in found]
        return [found[i] for i in rank_by_size(boxes)]

    def coarse_pose(self, face: Detection) -> dict:
        """The head pose from the detector's 5 points, for when no mesh answered."""
        return pose.head_pose_from_5(np.asarray(face.keypoints))

    @property
    def coarse_pose_model(self) -> str:
        """What `models.pose` says when coarse_pose answered."""
        return f"{self.model_tags.get('detection')} (5-point, coarse)"

    async def embed_pair(self, *image_faces: tuple[np.ndarray, Detection]) -> np.ndarray:
        """Raw embeddings of faces from one or more images, in one batch."""
        if "embedding" not in self.predictors:
            raise ModelUnavailable("embedding", self.unavailable.get("embedding", "no model"))
        batch = await asyncio.to_thread(lambda: np.concatenate(
            [self.inputs("embedding", image, [face])[0] for image, face in image_faces]))
        try:
            return np.asarray(await self.predictors["embedding"](batch))
        except Exception as error:
            raise ModelUnavailable("embedding", f"the embedding model failed: {error}") from error

    async def analyze(self, image: np.ndarray, options: Options,
                      faces: list[Detection] | None = None) -> dict:
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
        run, missing = self._plan(options)
        if faces:
            prepare_started = time.perf_counter()
            inputs = await asyncio.to_thread(self._prepare, image, faces, run)
            timer.since("crops", prepare_started)
            outputs = await self._run_tasks(inputs, timer)
            later = await asyncio.to_thread(self._prepare_after, run, inputs, outputs)
            if later:
                inputs.update(later)
                outputs.update(await self._run_tasks(later, timer))
            self._note_failures(run, outputs, missing)
            await asyncio.to_thread(self._merge, image, faces, results, inputs, outputs,
                                    options)
        models_used = self._models_used(results, options, run, missing)
        timer.since("total", started)
        return {
            "faces": results,
            "face_count": len(results),
            "faces_detected": total_found,
            "image": {"width": width, "height": height},
            "models": models_used,
            "timings_ms": timer.timings,
        }

    async def analyze_together(self, photos: list[tuple[np.ndarray, list[Detection]]],
                               options: Options, call_items: int | None = None) -> list[dict]:
        """`analyze` for several photos whose faces are detected: each task model gets
        the faces of all of them together, in calls of at most `call_items` faces
        (one after the other), so a model runs larger batches than one photo gives.
        The same answer per photo as `analyze` with those faces; the timings are the
        group's."""
        timer = Timer()
        started = time.perf_counter()
        run, missing = self._plan(options)
        kept = [faces[: options.max_faces] for _, faces in photos]
        results = [[self._base_record(face, image.shape[1], image.shape[0]) for face in faces]
                   for (image, _), faces in zip(photos, kept)]
        missing_each = [dict(missing) for _ in photos]
        if any(kept):
            prepare_started = time.perf_counter()
            inputs = await asyncio.to_thread(lambda: [
                self._prepare(image, faces, run) if faces else {}
                for (image, _), faces in zip(photos, kept)])
            timer.since("crops", prepare_started)
            mine = await self._run_joined(inputs, timer, call_items)
            later = await asyncio.to_thread(lambda: [
                self._prepare_after(run, each, outs) if each else {}
                for each, outs in zip(inputs, mine)])
            for each, extra, outs, more in zip(inputs, later, mine, await self._run_joined(
                    later, timer, call_items)):
                each.update(extra)
                outs.update(more)
            for index, each in enumerate(inputs):
                if not each:
                    continue
                outs = mine[index]
                self._note_failures(run, outs, missing_each[index])
                image = photos[index][0]
                await asyncio.to_thread(self._merge, image, kept[index], results[index], each,
                                        outs, options)
        answers = []
        for (image, faces), records, chosen, reasons in zip(photos, results, kept,
                                                             missing_each):
            models_used = self._models_used(records, options, run, reasons)
            answers.append({"faces": records, "face_count": len(records),
                            "faces_detected": len(faces),
                            "image": {"width": image.shape[1], "height": image.shape[0]},
                            "models": models_used, "timings_ms": dict(timer.timings)})
        timer.since("total", started)
        for answer in answers:
            answer["timings_ms"]["total"] = timer.timings["total"]
        return answers

    @staticmethod
    def _note_failures(run: set[str], outputs: dict, missing: dict) -> None:
        """A task fed another task's answer that did not run is unavailable; every
        task that failed is named in `missing`."""
        outputs.update({t: ModelUnavailable(t, f"needs the {tasks.TASKS[t].after} model")
                        for t in run if t not in outputs})
        for task, output in outputs.items():
            if isinstance(output, Exception):
                missing[task] = f"the {task} model failed: {output}"

    async def _run_joined(self, inputs: list[dict], timer: Timer,
                          call_items: int | None) -> list[dict]:
        """Each task's batches of several photos (inputs: one {task: (batch, ...)} each)
        run as one batch per task; the outputs split back per photo."""
        names = {task for each in inputs for task in each}
        joined = {task: np.concatenate([each[task][0] for each in inputs if task in each])
                  for task in names}
        outputs = await self._run_tasks(joined, timer, call_items) if joined else {}
        offsets = dict.fromkeys(names, 0)
        split = []
        for each in inputs:
            mine = {}
            for task in each:
                output, count = outputs[task], len(each[task][0])
                mine[task] = output if isinstance(output, Exception) else \
                    output[offsets[task]:offsets[task] + count]
                offsets[task] += count
            split.append(mine)
        return split

    def _models_used(self, records: list[dict], options: Options, run: set[str],
                     missing: dict) -> dict:
        models_used = self._account(records, options, run, missing)
        if "expression" in options.attributes and "blendshapes" in run \
                and "blendshapes" not in missing:  # tasks._blendshapes answered these two
            models_used["smiling"] = models_used["mouth_open"] = self.model_tags.get(
                "blendshapes")
        return models_used

    def _plan(self, options: Options) -> tuple[set[str], dict]:
        """The tasks that run for these options, and why each wanted one cannot."""
        wanted = set().union(*(self._tasks_of(a) for a in options.attributes))
        wanted |= {name for task in wanted for name in tasks.TASKS[task].reads
                   if name in self.predictors}
        if options.return_landmarks:
            wanted.add("mesh")
        wanted |= {tasks.TASKS[t].after for t in wanted if tasks.TASKS[t].after}
        run = {t for t in wanted if t in self.predictors}
        return run, {t: self.unavailable.get(t, "no model is installed for it")
                     for t in wanted - run}

    # ------------------------------------------------------------------ steps
    @staticmethod
    def _base_record(face: Detection, width: int, height: int) -> dict:
        keypoints = np.asarray(face.keypoints, np.float64)
        return {
            "bbox": precision.pixels(face.box),
            "bbox_normalized": precision.fractions(face.box, width, height, clip=False),
            "confidence": precision.score(face.score),
            "landmarks": {name: precision.pixels(point)
                          for name, point in zip(LANDMARK_NAMES, keypoints)},
        }

    def _prepare(self, image: np.ndarray, faces: list[Detection], run: set[str]) -> dict:
        """task -> (batch, transforms) for every task that runs; a task with a face
        limit gets only the largest faces."""
        cache: dict = {}
        prepared = {}
        for name in run:
            task = tasks.TASKS[name]
            if task.after:  # _prepare_after, once that task has answered
                continue
            chosen = faces[:task.max_faces()] if task.max_faces else faces
            prepared[name] = self.inputs(name, image, chosen, cache)
        return prepared

    def _prepare_after(self, run: set[str], inputs: dict, outputs: dict) -> dict:
        """task -> (batch, transforms) of the tasks fed another task's answer, where
        that task answered; the transforms are the answering task's."""
        prepared = {}
        for name in run:
            before = tasks.TASKS[name].after
            if before is None or isinstance(outputs.get(before, KeyError()), Exception):
                continue
            prepare = wrapper_of(self.sources.get(name) or _default_source(name)).prepare_after
            transforms = inputs[before][1]
            prepared[name] = (np.stack([prepare(answer, transform) for answer, transform
                                        in zip(outputs[before], transforms)]), transforms)
        return prepared

    async def _run_tasks(self, inputs: dict, timer: Timer,
                         call_items: int | None = None) -> dict:
        """Each task's model on its batch (inputs: task -> (batch, ...) or a bare batch
        array), the tasks at once; with `call_items`, a task's batch goes in calls of
        at most that many items, one after the other."""
        async def predicted(task):
            batch = inputs[task] if isinstance(inputs[task], np.ndarray) else inputs[task][0]
            if call_items is None or len(batch) <= call_items:
                return await self.predictors[task](batch)
            parts = [await self.predictors[task](batch[start:start + call_items])
                     for start in range(0, len(batch), call_items)]
            if all(isinstance(part, np.ndarray) for part in parts):
                return np.concatenate(parts)
            return [item for part in parts for item in part]

        async def run(task):
            started = time.perf_counter()
            try:
                return await predicted(task)
            except Exception as error:  # one failing model must not sink the others
                return error
            finally:
                timer.since(task, started)

        names = list(inputs)
        outputs = await asyncio.gather(*(run(task) for task in names))
        return dict(zip(names, outputs))

    def _merge(self, image, faces, results, inputs, outputs, options: Options) -> None:
        """Each answering task's merge, in the table's order, face by face."""
        ok = {task: out for task, out in outputs.items() if not isinstance(out, Exception)}
        wanted = set(options.attributes)
        for index, (face, record) in enumerate(zip(faces, results)):
            extra = {"gender_task": self.gender_task, "beauty_tag": self.model_tags.get("beauty"),
                     "beauty": ok["beauty"][index] if "beauty" in ok else None,
                     "age_gender_tag": self.model_tags.get("age_gender"),
                     "age_gender": ok["age_gender"][index] if "age_gender" in ok
                     and index < len(ok["age_gender"]) else None}
            for task in tasks.TASKS.values():
                if task.name not in ok:
                    continue
                batch, transforms = inputs[task.name]
                if index >= len(transforms):  # past the task's face limit
                    task.skipped(record)
                    continue
                task.merge(tasks.Merge(
                    image, face, record, ok[task.name][index], batch[index], transforms[index],
                    wanted, options.return_landmarks, self.labels.get(task.name, []),
                    self.model_tags.get(task.name), extra))
            if "pose" in wanted and "mesh" not in ok:
                record["pose"] = self.coarse_pose(face)

    def _account(self, results, options: Options, run: set[str], missing: dict) -> dict:
        """`models` (which model answered each field) and, on every face, the fields
        that have no answer, with the reason (`unavailable`)."""
        models_used = {"detection": self.model_tags.get("detection")}
        fields: dict[str, str] = {}  # field -> the required task filling it
        for attribute in options.attributes:
            found = tasks.tasks_for(attribute, self.gender_task)
            present = {t.name for t in found if t.name in run}
            for task in found:
                if task.when_missing == tasks.EXTRA and task.name in run \
                        and task.name not in missing:
                    models_used[task.model_key] = self.model_tags.get(task.name)
                elif task.when_missing == tasks.REQUIRED:
                    fields.update({name: task.name for name in task.fields[attribute]})
            if attribute not in tasks.OPTIONAL_ATTRIBUTES or not present:
                continue  # an optional attribute none of whose models is stored: absent
            if present <= set(missing):  # every one of its models failed
                for record in results:
                    record[attribute] = None
                    record.setdefault("unavailable", {})[attribute] = "; ".join(
                        missing[t] for t in sorted(present))
                continue
            for task in found:
                answered = task.name in present and task.name not in missing
                models_used[task.model_key] = self.model_tags.get(task.name) if answered \
                    else None
                if task.name in present and task.name in missing:  # one of hair's two
                    for name in task.fields[attribute]:
                        for record in results:
                            record.setdefault("unavailable", {})[name] = missing[task.name]
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
        return models_used

    # ---------------------------------------------------- /fitter and /quality
    async def fit(self, image: np.ndarray, max_faces: int = 100,
                  faces: list[Detection] | None = None) -> tuple[list[dict], int]:
        """The detected faces (largest first, at most max_faces; or the given ones)
        each with its 478-point mesh in image pixels and the head pose fitted to it:
        ([{"face", "points", "mesh_score", "pose"}], faces detected)."""
        if "mesh" not in self.predictors:
            raise ModelUnavailable("mesh", self.unavailable.get("mesh", "no mesh model"))
        faces = await self.detect(image) if faces is None else faces
        total = len(faces)
        faces = faces[:max_faces]
        if not faces:
            return [], total
        return await self._fit_faces(image, faces), total

    async def _fit_faces(self, image, faces) -> list[dict]:
        batch, transforms = await self.inputs_off_loop("mesh", image, faces)
        try:
            predicted = await self.predictors["mesh"](batch)
        except Exception as error:
            raise ModelUnavailable("mesh", f"the mesh model failed: {error}") from error

        def fit_each():
            fitted = []
            for face, out, transform in zip(faces, predicted, transforms):
                points = mesh.to_image(np.asarray(out["points"]), transform)
                fitted.append({"face": face, "points": points,
                               "mesh_score": float(out["score"]),
                               "pose": pose.head_pose(points)})
            return fitted

        return await asyncio.to_thread(fit_each)

    async def assess_quality(self, image: np.ndarray, thresholds: dict, max_faces: int = 100,
                             faces: list[Detection] | None = None) -> tuple[list[dict], int]:
        """fit() plus quality.assess per face: ([{..fit.., "quality": qaa}], faces
        detected). The person segmentation runs once per image, alongside the
        detector; emotion alongside the mesh. A missing or failing emotion or
        segmentation model only skips its check (with the reason)."""
        from analyzers.image_models import segmentation
        from measures import quality

        if "mesh" not in self.predictors:
            raise ModelUnavailable("mesh", self.unavailable.get("mesh", "no mesh model"))
        reasons = {}

        async def segment():
            if "segmentation" not in self.predictors:
                reasons["segmentation"] = self.unavailable.get(
                    "segmentation", "no person segmentation model is installed")
                return None
            try:
                small = await asyncio.to_thread(segmentation.prepare, image)
                masks = await self.predictors["segmentation"](small[None])
                return np.asarray(masks[0], np.float32)
            except Exception as error:
                reasons["segmentation"] = f"the segmentation model failed: {error}"
                return None

        async def emotions(faces):
            if "emotion" not in self.predictors:
                reasons["emotion"] = self.unavailable.get("emotion", "no emotion model")
                return None
            try:
                batch, _ = await self.inputs_off_loop("emotion", image, faces)
                return await self.predictors["emotion"](batch)
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
                image, record["points"], record["face"].box, record["pose"],
                emotion_scores=scores, person_mask=person_mask, thresholds=thresholds,
                unavailable=reasons)
        return fitted, total

    # ------------------------------------------------------------- /liveness
    async def liveness_scores(self, image: np.ndarray, faces: list[Detection],
                              threshold: float) -> list[dict]:
        """The anti-spoofing and liveness nets on these faces (one batch each, run
        together) combined per face by liveness.combine."""
        from analyzers.face_models import liveness

        for task in ("antispoof", "liveness"):
            if task not in self.predictors:
                raise ModelUnavailable(task, self.unavailable.get(task, f"no {task} model"))
        if not faces:
            return []
        cache: dict = {}
        batches = await asyncio.to_thread(lambda: {
            task: self.inputs(task, image, faces, cache)[0] for task in ("antispoof", "liveness")})

        async def run(task):
            try:
                return np.asarray(await self.predictors[task](batches[task]), np.float32)
            except Exception as error:
                raise ModelUnavailable(task, f"the {task} model failed: {error}") from error

        spoof, live = await asyncio.gather(run("antispoof"), run("liveness"))
        source = self.sources.get("antispoof") or _default_source("antispoof")
        alone = source.metadata.get("verdict") == "antispoof"
        return [liveness.combine(a, b, threshold, alone) for a, b in zip(spoof, live)]

    # ------------------------------------------------------ /body and /mask
    async def detect_bodies(self, image: np.ndarray) -> list[dict]:
        """People in the image (analyzers/image_models/body.py): whole image plus tiles in one
        call to the body model, merged; best first."""
        from analyzers.image_models import body

        if "body" not in self.predictors:
            raise ModelUnavailable("body", self.unavailable.get("body", "no body detector"))
        batch, passes, transforms = await asyncio.to_thread(body.prepare, image)
        try:
            found = await self.predictors["body"](batch)
        except Exception as error:
            raise ModelUnavailable("body", f"the body detector failed: {error}") from error
        return body.merge(image.shape, passes, transforms, found)

    async def masks(self, image: np.ndarray, max_faces: int = 100,
                    faces: list[Detection] | None = None) -> tuple[list[dict], int]:
        """fit() plus the mask check of every face (measures/mask.py): each record
        gains "mask" (a dict, or None) and "mask_skipped" (the reason, or None)."""
        from measures import mask

        fitted, total = await self.fit(image, max_faces, faces)
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


def _default_source(task: str):
    """The registry's model for a task whose tag names none (a test's own models):
    the default set's, else the first that serves the task."""
    from models.registry import SOURCES

    return min((s for s in SOURCES if s.task == task), key=lambda s: s.model_set != "default")
