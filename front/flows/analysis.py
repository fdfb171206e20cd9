"""/analyze, /analyze-base64 and the batches' photos: the native answer, or the
Scaleflex shape it is asked for."""

from __future__ import annotations

from analyzers.face_analysis import Options
from analyzers.upload_pixels import in_upload_pixels
from compat.scaleflex import scaleflex
from errors import InputError
from front import pools
from front.flows.plumbing import Plumbing
from front.form_fields import attributes_of
from inputs.imageio import decode_base64
from responses.output_formats import check_output_format


class AnalysisFlows(Plumbing):
    @staticmethod
    def output_format(value: str | None):
        """The function that turns a native /analyze result into the asked-for shape."""
        try:
            chosen = check_output_format(value)
        except ValueError as problem:
            raise InputError(422, str(problem)) from None
        return scaleflex if chosen == "scaleflex" else (lambda result: result)

    @staticmethod
    def attributes_for(attributes, output_format: str | None):
        """Scaleflex's answer always carries races: with output_format=scaleflex the
        default attributes include ethnicity (opt-in in the native answer)."""
        if attributes in (None, "", "default") and \
                check_output_format(output_format) == "scaleflex":
            return [*Options().attributes, "ethnicity"]
        return attributes

    async def analyze(self, data, attributes, max_faces, return_embedding, return_landmarks):
        limit = self.face_limit(max_faces)
        try:
            options = Options.parse(attributes, max_faces=limit,
                                    return_embedding=return_embedding,
                                    return_landmarks=return_landmarks)
        except ValueError as problem:
            raise InputError(422, str(problem)) from problem
        return await self.analyze_reduced(data, options)

    async def analyze_json(self, request, deadline: float):
        if request.image_url is not None:
            data = await self.fetch(request.image_url, deadline)
        else:
            # the decode pool: 14 MB of base64 is half a second of CPU on a busy host
            data = await pools.run("decode", decode_base64, request.image, self.limits)
        return await self.analyze(data, self.attributes_for(attributes_of(request.attributes),
                                                            request.output_format),
                                  request.max_faces,
                                  request.return_embedding, request.return_landmarks)

    async def analyze_reduced(self, data: bytes, options: Options) -> dict:
        """/analyze's photo, a JPEG over FACE_ANALYSIS_MAX_SIDE decoded reduced
        (`detected`), the answer in the upload's pixels."""
        decoded, faces, detection_ms = await self.detected(data, options.max_faces)
        result = await self.analysis.analyze(decoded.image, options, faces=faces)
        timings = result["timings_ms"]
        timings["detection"] = round(timings.get("detection", 0.0) + detection_ms, 2)
        timings["total"] = round(timings.get("total", 0.0) + detection_ms, 2)
        if not decoded.reduced:
            return result
        return in_upload_pixels(result, decoded.scale, (decoded.width, decoded.height))
