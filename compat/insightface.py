"""InsightFace Ray Serve's compare contract: its request fields and its 0..1 similarity
(the detect answer's spellings are in responses/output_formats.insightface_face)."""

from __future__ import annotations

from compat import scales
from inputs.imageio import InputError

# per side: the field names a client may use, InsightFace's documented ones first
SIDES = {"image1": ("image1_url", "image1_base64", "image1"),
         "image2": ("image2_url", "image2_base64", "image2")}


def compare_sources(request) -> tuple[str, str]:
    """The image of each side: exactly one of imageN_url, imageN_base64 or imageN
    (base64, a data: URL or an http(s)/s3 URL)."""
    chosen = []
    for names in SIDES.values():
        given = [name for name in names if getattr(request, name, None) is not None]
        if len(given) != 1:
            raise InputError(422, f"send exactly one of {', '.join(names)} "
                                  f"({'none' if not given else ' and '.join(given)} given)")
        chosen.append(getattr(request, given[0]))
    return chosen[0], chosen[1]


def compare_answer(result: dict, model: str | None) -> dict:
    """analyzers.face_models.embedding.compare's result as InsightFace's {"similarity"} (0..1),
    with the cosine, distance and decision beside it."""
    return {"similarity": scales.similarity_fraction(result["similarity"]),
            "cosine": round(result["similarity"], 6), "distance": round(result["distance"], 6),
            "match": result["match"], "model": model}
