"""/fitter, /quality, /mask, /body and /liveness: one decode, then the check."""

from __future__ import annotations

from errors import InputError
from front.flows.plumbing import Plumbing

# /liveness: the modes, and the defaults of its thresholds (README, Liveness)
LIVENESS_MODES = ("plain", "quality", "all")
LIVENESS_QUALITY_THRESHOLD = 50.0
LIVENESS_THRESHOLD = 0.5


class FaceCheckFlows(Plumbing):
    async def fit(self, data, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.fit(image, limit)
        return image, fitted, total

    async def assess(self, data, thresholds, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.assess_quality(image, thresholds, limit)
        return image, fitted, total

    async def masks(self, data, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        fitted, total = await self.analysis.masks(image, limit)
        return image, fitted, total

    async def bodies(self, data):
        image = await self.decode(data)
        return image, await self.analysis.detect_bodies(image)

    async def liveness(self, data, mode, quality_threshold, liveness_threshold, max_faces):
        limit = self.face_limit(max_faces)
        image = await self.decode(data)
        if mode == "quality":
            fitted, total = await self.analysis.assess_quality(image, self.quality_thresholds, 1)
            if total != 1:
                raise InputError(422, f"mode=quality needs exactly one face; found {total}",
                                 "face_count")
            score = float(fitted[0]["quality"]["totalScore"])
            if score < quality_threshold:
                raise InputError(422, f"face quality totalScore {score:g} is below the "
                                      f"quality_threshold {quality_threshold:g}; the liveness "
                                      "check needs a better photo", "low_quality")
            records = [{"face": fitted[0]["face"],
                        "quality": {"totalScore": score, "threshold": quality_threshold,
                                    "passed": True}}]
        else:
            faces = await self.analysis.detect(image)
            total = len(faces)
            if mode == "plain" and total != 1:
                raise InputError(422, f"mode=plain needs exactly one face; found {total}",
                                 "face_count")
            records = [{"face": face} for face in faces[:limit]]
        verdicts = await self.analysis.liveness_scores(
            image, [record["face"] for record in records], liveness_threshold)
        for record, verdict in zip(records, verdicts):
            record["liveness"] = verdict
        return image, records, total
