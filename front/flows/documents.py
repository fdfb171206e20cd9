"""/extract-face: the faces of an ID document (JPEG, PNG or a PDF page)."""

from __future__ import annotations

from front import pools
from front.flows.plumbing import Plumbing
from inputs.imageio import load_document


class DocumentFlows(Plumbing):
    async def document_faces(self, data: bytes, page: int):
        image = await pools.run("document", load_document, data, page, self.limits)
        return image, await self.analysis.detect(image)
