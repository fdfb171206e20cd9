"""Comparing faces and extracting templates: /compare-faces, InsightFace's compare,
/templates/extract; one comparison of two embeddings under their model's metric,
each contract's own fields added at its edge (compat/)."""

from __future__ import annotations

import asyncio

import numpy as np

from analyzers.face_models.embedding import compare, metric_for
from analyzers.face_analysis import ModelUnavailable
from analyzers.upload_pixels import faces_scaled
from errors import InputError
from front import pools
from front.flows.plumbing import Plumbing
from inputs.imageio import load_document


class ComparisonFlows(Plumbing):
    def embedding_model(self) -> str:
        model = self.analysis.model_tags.get("embedding")
        if model is None:
            raise ModelUnavailable("embedding", self.analysis.unavailable.get(
                "embedding", "no embedding model"))
        return model

    def compared(self, vectors, threshold: float | None = None) -> dict:
        """Two embeddings compared under the embedding model's metric (threshold None:
        the model's own): analyzers.face_models.embedding.compare's fields, the metric and the model."""
        model = self.embedding_model()
        metric = metric_for(model)
        return {**compare(vectors[0], vectors[1], threshold, metric),
                "metric": metric.description, "model": model}

    async def compare_inputs(self, selfie_data: bytes, id_data: bytes, id_page: int):
        # both sides at once: decoding in threads, detection in the detector's threads
        selfie_image, id_image = await asyncio.gather(
            self.decode(selfie_data),
            pools.run("document", load_document, id_data, id_page, self.limits))
        selfie_faces, id_faces = await asyncio.gather(
            self.analysis.detect(selfie_image), self.analysis.detect(id_image))
        for name, faces in (("selfie", selfie_faces), ("id_photo", id_faces)):
            if not faces:
                raise InputError(422, f"no face was found in {name}", "no_face")
        vectors = await self.analysis.embed_pair(
            (selfie_image, selfie_faces[0]), (id_image, id_faces[0]))
        return selfie_faces, id_faces, vectors

    async def compare_two(self, first_source, second_source, deadline: float):
        """The raw embeddings of the most prominent faces of two base64 / URL images."""
        first, second = await asyncio.gather(
            self.source_bytes(first_source, "image1", deadline),
            self.source_bytes(second_source, "image2", deadline))
        # a huge JPEG decoded as coarsely as its most prominent face allows (`detected`)
        found = await asyncio.gather(self.detected(first, 1), self.detected(second, 1))
        for name, (_, faces, _) in zip(("image1", "image2"), found):
            if not faces:
                raise InputError(422, f"no face was found in {name}", "no_face")
        return await self.analysis.embed_pair(*((decoded.image, faces[0])
                                                for decoded, faces, _ in found))

    async def faces_and_vectors(self, data: bytes, limit: int):
        """The `limit` largest faces (boxes in the upload's pixels) and their embeddings;
        a huge JPEG decoded reduced (`detected`)."""
        decoded, faces, _ = await self.detected(data, limit)
        faces = faces[:limit]
        if not faces:
            return [], []
        vectors = await self.analysis.embed_pair(*((decoded.image, face) for face in faces))
        if decoded.reduced:
            faces = faces_scaled(faces, *decoded.scale)
        return faces, [np.asarray(v, np.float32) for v in vectors]
