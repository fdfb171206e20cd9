"""The JSON request bodies of the API (multipart endpoints take their fields as
route parameters in service.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from analyzers.face_analysis import ATTRIBUTES
from responses import templates
from responses.output_formats import OUTPUT_FORMATS

MAX_FACES_HELP = "faces analysed, most prominent first; default and limit: FACE_MAX_FACES (100)"
ATTRIBUTES_HELP = (f"a list, or a comma string, of {list(ATTRIBUTES)} or 'all' (multipart: "
                   "also the field repeated, or a JSON list string); default: all but "
                   "embedding, landmarks, beauty and ethnicity")
OUTPUT_FORMAT_HELP = (f"one of {list(OUTPUT_FORMATS)}: 'scaleflex' keys faces face_0, face_1, ... "
                      "with box, emotions (%), dominant_emotion, age, gender, races (%; the "
                      "default attributes include ethnicity in this format)")


class AnalyzeBase64Request(BaseModel):
    image: str | None = Field(default=None, description="base64 image, or a data: URL "
                              "(send this or image_url)")
    image_url: str | None = Field(
        default=None, description="http(s) URL or s3://bucket/key of the image, fetched by the "
        "server: public addresses only unless FACE_URL_ALLOWLIST permits (send this or image)")
    attributes: list[str] | str | None = Field(default=None, description=ATTRIBUTES_HELP)
    max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP)
    return_embedding: bool = False
    return_landmarks: bool = Field(default=False, description="add the 478-point mesh and 68 points")
    output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP)


class VerifyRequest(BaseModel):
    template1: str = Field(description="a $template from /templates/extract")
    template2: str = Field(description="a $template from /templates/extract (same model)")
    operating_point: str | None = Field(default=None, description=templates.OPERATING_POINT_HELP)
    threshold: float | None = Field(default=None, ge=0.01, le=4.0,
                                    description="a distance threshold instead of operating_point")


class InsightFaceDetectRequest(BaseModel):
    image_base64: str | None = Field(default=None, description="base64 image or a data: URL")
    image_url: str | None = Field(default=None, description="http(s) or s3:// URL (send this "
                                  "or image_base64)")
    max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP)


class InsightFaceCompareRequest(BaseModel):
    # per side exactly one of the three (compat/insightface.py)
    image1_url: str | None = Field(default=None, description="http(s):// or s3:// URL")
    image2_url: str | None = Field(default=None, description="http(s):// or s3:// URL")
    image1_base64: str | None = Field(default=None, description="base64 or a data: URL")
    image2_base64: str | None = Field(default=None, description="base64 or a data: URL")
    image1: str | None = Field(default=None, description="base64, a data: URL, or an "
                               "http(s)/s3:// URL")
    image2: str | None = Field(default=None, description="base64, a data: URL, or an "
                               "http(s)/s3:// URL")


class AnalyzeBatchJsonRequest(BaseModel):
    images: list[str | dict[str, str]] = Field(description=(
        "the photos, in order: each a base64 image, a data: URL or an http(s)/s3 URL, or "
        "an object {\"image\": ...} / {\"image_url\": ...}; at most FACE_BATCH_MAX_IMAGES"))
    attributes: list[str] | str | None = Field(default=None, description=ATTRIBUTES_HELP)
    max_faces: int | None = Field(default=None, ge=1, le=1000, description=MAX_FACES_HELP)
    return_embedding: bool = False
    return_landmarks: bool = Field(default=False, description="add the 478-point mesh and 68 points")
    output_format: str = Field(default="native", description=OUTPUT_FORMAT_HELP)
