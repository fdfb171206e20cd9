"""InsightFace's detect: the native analysis with the quality, mask and liveness
checks beside it, shaped at the edge by compat/insightface.py."""

from __future__ import annotations

import asyncio

from analyzers.face_analysis import ModelUnavailable, Options
from front.flows.face_checks import LIVENESS_THRESHOLD
from front.flows.plumbing import Plumbing


class InsightFaceFlows(Plumbing):
    async def insightface_detect(self, request, deadline: float) -> dict:
        """/analyze's faces with age, gender, embedding and ethnicity, plus per face the
        quality totalScore, the mask and liveness confidences and the pose from the
        quality's mesh fit (so the mesh runs once): {faces, image, models, extras}."""
        data = await self.source_bytes(request.image_base64, "image", deadline,
                                       request.image_url)
        limit = self.face_limit(request.max_faces)
        # ethnicity answers `race` when its model is stored (else absent: race null)
        options = Options.parse(["age", "gender", "embedding", "ethnicity"],
                                max_faces=limit, return_embedding=True)
        image = await self.decode(data)
        faces = await self.analysis.detect(image)  # once, shared by the three below

        async def optional(work):
            try:
                return await work
            except ModelUnavailable as problem:
                return problem

        result, assessed, verdicts = await asyncio.gather(
            self.analysis.analyze(image, options, faces=faces),
            optional(self.analysis.assess_quality(image, self.quality_thresholds, limit,
                                                  faces=faces)),
            optional(self.analysis.liveness_scores(image, faces[:limit],
                                                   LIVENESS_THRESHOLD)))
        extras = [{"unavailable": {}} for _ in result["faces"]]
        result["models"]["pose"] = (self.analysis.model_tags.get("mesh")
                                    if not isinstance(assessed, Exception)
                                    else self.analysis.coarse_pose_model)
        for index, extra in enumerate(extras):
            record = result["faces"][index]
            record["pose"] = (assessed[0][index]["pose"] if not isinstance(assessed, Exception)
                              else self.analysis.coarse_pose(faces[index]))
            if isinstance(assessed, Exception):
                extra["unavailable"]["quality"] = str(assessed)
                extra["unavailable"]["mask_confidence"] = str(assessed)
            else:
                qaa = assessed[0][index]["quality"]
                extra["quality"] = qaa["totalScore"]
                masked = qaa.get("notMasked")
                if masked is None:
                    extra["unavailable"]["mask_confidence"] = qaa["skipped"].get(
                        "notMasked", "the mask check could not be made")
                else:  # the probability-like share for "masked", from the verdict
                    extra["mask_confidence"] = round(
                        masked["confidence"] if masked["masked"] else 1 - masked["confidence"],
                        4)
            if isinstance(verdicts, Exception):
                extra["unavailable"]["liveness_confidence"] = str(verdicts)
            else:
                extra["liveness_confidence"] = verdicts[index]["score"]
        result["extras"] = extras
        return result
