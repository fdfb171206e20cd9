"""Response models: the JSON contract the OpenAPI spec (/docs.json) documents."""

from __future__ import annotations

from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, create_model

from analyzers.tasks import DECLARED


class Gender(BaseModel):
    value: str = Field(description="female or male")
    confidence: float
    scores: dict[str, float]


class Emotion(BaseModel):
    dominant: str
    confidence: float
    scores: dict[str, float] = Field(
        description="angry, disgust, fear, happy, sad, surprise, neutral (plus contempt "
                    "from HSEmotion); they sum to 1")
    valence: Optional[float] = Field(
        default=None, description="-1 (negative) .. 1 (positive); HSEmotion's "
        "enet_b0_8_va_mtl only (null from FER and enet_b0_8_best_afew: no such head)")
    arousal: Optional[float] = Field(
        default=None, description="-1 (calm) .. 1 (excited); as valence")


class ChoppedScore(BaseModel):
    model_config = ConfigDict(extra="allow")
    value: float = Field(description="0-100: heuristics, averaged with the learned score "
                                     "when the beauty model is installed")
    heuristic: float = Field(description="0-100: the weighted heuristic factors alone")
    components: dict[str, Any] = Field(
        description="symmetry, proportions, skin_evenness (each with its score and measure), "
                    "beauty_model when present")
    beauty_model: Optional[str] = Field(description="the beauty model's tag, or null")
    note: str


class Classified(BaseModel):
    dominant: str = Field(description="the most likely label (lower case)")
    confidence: float
    scores: dict[str, float] = Field(description="softmax over the model's labels; sum to 1")


class Hair(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: Optional[Classified] = Field(
        default=None, description="hair-type-vit: curly, dreadlocks, kinky, straight, wavy")
    length: Optional[dict[str, Any]] = Field(
        default=None, description="human parsing: short / medium / long from how far the "
        "hair reaches below the chin (below_chin, face heights)")
    colour: Optional[dict[str, Any]] = Field(
        default=None, description="median colour of the parsed hair pixels: hex, name, lab")
    hat: Optional[dict[str, Any]] = Field(
        default=None, description="value: hat pixels cover >= 8% of the face box; coverage")


class Pose(BaseModel):
    model_config = ConfigDict(extra="allow")
    yaw: float = Field(description="degrees; > 0: the subject turns towards the image's right")
    pitch: float = Field(description="degrees; > 0: looking up")
    roll: float = Field(description="degrees; > 0: counter-clockwise as seen")
    method: str = Field(description="'mesh' (3-D fit) or the coarse 5-point estimate")


class Face(BaseModel):
    model_config = ConfigDict(extra="allow")
    bbox: list[float] = Field(description="[x1, y1, x2, y2] in pixels")
    bbox_normalized: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image")
    confidence: float = Field(description="detection score, 0-1")
    landmarks: dict[str, list[float]] = Field(
        description="left_eye, right_eye (the eye on the image's left / right), nose, "
                    "mouth_left, mouth_right: [x, y] pixels")
    landmarks_68: Optional[list[list[float]]] = Field(default=None, description="dlib 68 points")
    landmarks_mesh: Optional[list[list[float]]] = Field(
        default=None, description="478 points [x, y, z]: MediaPipe mesh + iris")
    mesh_score: Optional[float] = None
    pose: Optional[Pose] = None
    age: Optional[float] = None
    age_bracket: Optional[str] = None
    gender: Optional[Gender] = None
    emotion: Optional[Emotion] = None
    smiling: Optional[dict[str, Any]] = None
    mouth_open: Optional[dict[str, Any]] = None
    eyes_open: Optional[dict[str, Any]] = Field(
        default=None, description="left / right = the subject's own eyes")
    skin_tone: Optional[dict[str, Any]] = None
    hair_colour: Optional[dict[str, Any]] = None
    eye_colour: Optional[dict[str, Any]] = None
    lip_colour: Optional[dict[str, Any]] = None
    embedding: Optional[list[float]] = Field(default=None, description=(
        "unit-normalised; 128 floats from dlib, 512 from ArcFace when it answers "
        "(models.embedding names the model)"))
    landmarks_106: Optional[list[list[float]]] = Field(
        default=None, description="InsightFace 2d106det points [x, y]; only when "
        "face-landmarks106-insightface is stored and landmarks are asked for")
    beauty_score: Optional[float] = Field(
        default=None, description="1.0-5.0 (SCUT-FBP5500 scale), from face-beauty-resnet50")
    chopped_score: Optional[ChoppedScore] = None
    ethnicity: Optional[Classified] = Field(
        default=None, description="race, only when asked for (attributes=ethnicity): "
        "face-race-gear (default set: white, black, asian, indian, other) or "
        "face-ethnicity-vit (set full); unmeasured, README \"Race\"")
    obstruction: Optional[Classified] = Field(
        default=None, description="face-obstruction-vit (set full): glasses, sunglasses, "
        "mask, hand, other, none; absent without it")
    blendshapes: Optional[dict[str, float]] = Field(
        default=None, description="MediaPipe's 52 ARKit blendshape scores 0..1 by name, only "
        "when asked for (attributes=blendshapes) and face-blendshapes-mediapipe is stored; "
        "smiling and mouth_open then come from them (method 'blendshapes')")
    hair: Optional[Hair] = Field(
        default=None, description="hair-type-vit and human-parsing-segformer (set full); "
        "absent without both")
    unavailable: Optional[dict[str, str]] = Field(
        default=None, description="field -> why it is null (model not installed or failed)")


# each per-face classifier declared by its registry entry alone (analyzers/tasks.py
# DECLARED) documents its field here with no edit to this file
Face = create_model("Face", __base__=Face, **{
    source.attribute: (Optional[Classified], Field(default=None, description=(
        f"{source.name}: {source.description}; only when asked for "
        f"(attributes={source.attribute}) and the model is stored")))
    for source in DECLARED})


class ImageSize(BaseModel):
    width: int
    height: int
    analysed_width: Optional[int] = Field(
        default=None, description="/analyze, only when the upload was a JPEG "
        "larger than FACE_ANALYSIS_MAX_SIDE: the size it was decoded and analysed at (1/2, "
        "1/4 or 1/8); positions and lengths are still in the upload's pixels")
    analysed_height: Optional[int] = None


class AnalyzeResponse(BaseModel):
    faces: list[Face] = Field(description="most prominent (largest) first")
    face_count: int
    faces_detected: int = Field(description="faces found before max_faces was applied")
    image: ImageSize
    models: dict[str, Optional[str]] = Field(description="field -> model tag that answered it")
    timings_ms: dict[str, float]


class FaceScore(BaseModel):
    index: int
    bbox: list[float]
    confidence: float = Field(description="NSFAS's meaning: the combined_score, 0-100")
    detector_confidence: float = Field(description="the face detector's score, 0-1")
    size_score: float
    position_score: float
    combined_score: float


class ExtractMetadata(BaseModel):
    total_faces: int
    selected_index: int
    confidence: float = Field(description="NSFAS's meaning: the selected face's combined_score, "
                              "0-100")
    detector_confidence: float = Field(description="the face detector's score, 0-1")
    bbox: list[float]
    crop_box: list[int]
    face_size: dict[str, float]
    size_score: float = Field(description="0-100, area relative to the largest face")
    position_score: float = Field(description="0-100, closeness to the top-centre")
    combined_score: float = Field(description="0.7 size + 0.3 position")
    all_faces: list[FaceScore]


class ExtractFaceResponse(BaseModel):
    success: bool
    face_image: str = Field(description="data:image/jpeg;base64,... of the face with a margin")
    metadata: ExtractMetadata


class ComparedFace(BaseModel):
    bbox: list[float]
    confidence: float
    faces_found: int


class CompareResponse(BaseModel):
    success: bool
    match: bool
    similarity: float = Field(description="cosine of the unit embeddings, -1..1")
    distance: float = Field(description="euclidean distance under the model's metric "
                            "(dlib: raw descriptors; ArcFace: unit vectors)")
    threshold: float
    confidence: float = Field(description="NSFAS's meaning: (1 - distance) x 100, clipped to "
                              "0-100 (a rescaled distance, not a probability)")
    decision_confidence: float = Field(description="0-100, how clear-cut the decision is: a "
                                       "logistic of the distance's margin to the threshold "
                                       "(not calibrated)")
    metric: str
    model: Optional[str]
    selfie_face: ComparedFace
    id_face: ComparedFace


# --- templates, verify, InsightFace-style API, Scaleflex-style output ---------
class TemplateFace(BaseModel):
    bbox: list[float] = Field(description="[x1, y1, x2, y2] in pixels")
    confidence: float = Field(description="detection score, 0-1")
    template: str = Field(alias="$template", description=(
        "base64 of a JSON envelope {format, version, model, size, dtype, embedding}; "
        "see responses/templates.py"))
    template_size: int = Field(description="embedding dimensions (128 dlib, 512 ArcFace)")
    model: str = Field(description="embedding model tag; only templates of one tag compare")


class TemplateExtractResponse(BaseModel):
    faces: list[TemplateFace] = Field(description="most prominent (largest) first")
    face_count: int
    model: str


class VerifyResponse(BaseModel):
    distance: float = Field(description="euclidean distance under the model's metric "
                            "(dlib: raw descriptors; ArcFace: unit vectors)")
    score: float = Field(description="0-100: 100 * (1 - distance / (2 * the model's "
                         "threshold)), clipped; 50 at the model's threshold")
    threshold: float = Field(description="distance threshold of the operating point")
    operating_point: str = Field(description="'model' (dlib 0.6, ArcFace 1.2), 'far=<rate>' "
                                 "or 'threshold'")
    match: bool = Field(description="distance < threshold")
    model: str
    fa_r: Optional[float] = Field(description="measured false-accept rate at this distance")
    fr_r: Optional[float] = Field(description="measured false-reject rate at this distance")
    operating_point_far: Optional[float]
    operating_point_frr: Optional[float]
    calibration: Optional[dict[str, Any]] = Field(description="provenance of the FAR/FRR table")
    unavailable: Optional[dict[str, str]] = None


class InsightFaceFace(BaseModel):
    bounding_box: list[float] = Field(description="[x1, y1, x2, y2] in pixels")
    confidence: float
    landmarks: list[list[float]] = Field(description="5 points [x, y]: left eye, right eye, "
                                         "nose, mouth left, mouth right (as seen)")
    feature: Optional[list[float]] = Field(description="unit-normalised embedding (dlib 128, "
                                           "ArcFace 512)")
    roll: Optional[float]
    yaw: Optional[float]
    pitch: Optional[float]
    quality: Optional[float] = Field(description="/quality's totalScore / 100: 0..1")
    mask_confidence: Optional[float] = Field(description="0-1, 'masked' from /mask's check "
                                             "(not calibrated)")
    liveness_confidence: Optional[float] = Field(description="0-1, /liveness's score "
                                                 "(unvalidated)")
    gender: Optional[str] = Field(description="'Male' or 'Female'")
    age_bracket: Optional[str] = Field(description="e.g. '20-29 years old', '70+ years old'")
    race: Optional[str] = Field(description="the ethnicity field's label (face-race-gear, or "
                                "face-ethnicity-vit when stored; unmeasured, README \"Race\"); "
                                "null with the reason when no model is stored")
    unavailable: dict[str, str] = Field(description="field -> why it is null")


class InsightFaceDetectResponse(BaseModel):
    faces: list[InsightFaceFace]
    image: ImageSize
    models: dict[str, Optional[str]]


class InsightFaceCompareResponse(BaseModel):
    similarity: float = Field(description="0..1, higher = more similar: the cosine of the unit "
                              "embeddings, 0 where it is negative")
    cosine: float = Field(description="the cosine of the unit embeddings, -1..1")
    distance: float = Field(description="euclidean distance under the model's metric "
                            "(dlib: raw descriptors; ArcFace: unit vectors)")
    match: bool = Field(description="distance below the model's own threshold (dlib 0.6, "
                        "ArcFace 1.2 = cosine 0.28)")
    model: Optional[str]


class ScaleflexFace(BaseModel):
    box: list[int] = Field(description="[x1, y1, x2, y2] in whole pixels")
    confidence: float
    emotions: Optional[dict[str, float]] = Field(description="percentages, summing to 100")
    dominant_emotion: Optional[str]
    races: Optional[dict[str, float]] = Field(description="% per class of the ethnicity field "
                                              "(unmeasured, README \"Race\"); null with the "
                                              "reason when no model is stored")
    dominant_race: Optional[str] = Field(description="the ethnicity field's label; null when "
                                         "no model is stored")
    age: Optional[int] = Field(description="whole years")
    gender: Optional[str] = Field(description="'Male' or 'Female'")
    unavailable: dict[str, str]


class ScaleflexResponse(BaseModel):
    status: str = Field(description="'success'")
    version: str = Field(description="this service's API version")
    request_uuid: str = Field(description="a new UUID per request")
    faces: dict[str, ScaleflexFace] = Field(description="face_0 (most prominent), face_1, ...")
    face_count: int
    image: ImageSize
    models: dict[str, Optional[str]]


# ------------------------------------------------------------ /fitter, /quality
class Angles(BaseModel):
    yaw: float = Field(description="degrees; > 0: the subject turns towards the image's right")
    pitch: float = Field(description="degrees; > 0: looking up")
    roll: float = Field(description="degrees; > 0: counter-clockwise as seen")


class Fitter(BaseModel):
    fitter_type: str = Field(description="mediapipe_mesh_478: MediaPipe's 468-point mesh "
                                         "plus 10 iris points")
    num_keypoints: int
    keypoints: list[float] = Field(description="flat [x, y, z, x, y, z, ...] in image pixels "
                                               "(z relative, same scale; smaller = nearer)")
    left_eye: list[float] = Field(description="[x, y] pixels: centre of the SUBJECT's own "
                                              "left iris (on the image's right)")
    right_eye: list[float] = Field(description="[x, y] pixels: centre of the subject's own "
                                               "right iris (on the image's left)")
    eye_convention: str = Field(description="'subject': left / right are the subject's own")
    mesh_score: float = Field(description="face-presence score of the mesh model, 0-1")


class FittedFace(BaseModel):
    bbox: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image (0..1)")
    bbox_pixels: list[float] = Field(description="[x1, y1, x2, y2] in pixels")
    confidence: float = Field(description="detection score, 0-1")
    fitter: Fitter
    angles: Angles


class FitterResponse(BaseModel):
    faces: list[FittedFace] = Field(description="most prominent (largest) first")
    face_count: int
    faces_detected: int
    image: ImageSize
    models: dict[str, Optional[str]]


class QualityCheck(BaseModel):
    model_config = ConfigDict(extra="allow")  # per-check details (left/right means, yaw...)
    passed: bool
    score: float = Field(ge=0, le=100, description="0-100; 50 exactly at the threshold")
    value: float = Field(description="the raw measure (see measures/quality.py)")
    threshold: float | dict[str, float]
    comparison: str = Field(description="how value is held against threshold")


class QualityAssessment(BaseModel):
    model_config = ConfigDict(extra="forbid")
    totalScore: float = Field(ge=0, le=100, description="mean score of the computed checks")
    passed: bool = Field(description="every computed check passed")
    checksComputed: int
    checksPassed: int
    skipped: dict[str, str] = Field(description="check -> why it is null")
    sharpness: Optional[QualityCheck]
    illumination: Optional[QualityCheck]
    evenIllumination: Optional[QualityCheck]
    noFlare: Optional[QualityCheck]
    leftEyeOpen: Optional[QualityCheck] = Field(description="the subject's own left eye")
    rightEyeOpen: Optional[QualityCheck]
    backgroundUniformity: Optional[QualityCheck]
    dynamicRange: Optional[QualityCheck]
    eyeDistance: Optional[QualityCheck]
    noise: Optional[QualityCheck]
    margins: Optional[QualityCheck]
    neutralEmotion: Optional[QualityCheck]
    notMasked: Optional[QualityCheck]
    watermark: Optional[QualityCheck]
    rotation: Optional[QualityCheck]


class FaceQuality(BaseModel):
    qaa: QualityAssessment


class QualityFace(BaseModel):
    bbox: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image (0..1)")
    bbox_pixels: list[float]
    confidence: float
    angles: Angles
    quality: FaceQuality


class QualityResponse(BaseModel):
    faces: list[QualityFace] = Field(description="most prominent (largest) first")
    face_count: int
    faces_detected: int
    image: ImageSize
    thresholds: dict[str, float] = Field(description="the thresholds applied (defaults "
                                                     "updated with the request's)")
    models: dict[str, Optional[str]]


class LivenessScores(BaseModel):
    antispoof: float = Field(ge=0, le=1, description="anti-spoofing model (MiniFASNet's two "
                             "nets by default): 1 = real face")
    liveness: float = Field(ge=0, le=1, description="liveness net: 1 = live")


class Liveness(BaseModel):
    value: Literal["REAL", "FAKE"]
    confidence: float = Field(ge=0, le=1, description="score for REAL, 1 - score for FAKE")
    score: float = Field(ge=0, le=1, description="the antispoof score alone where its model "
                         "decides alone (MiniFASNet, the default), else the two scores' mean")
    scores: LivenessScores
    threshold: float = Field(ge=0, le=1, description="score at or above which a face is REAL")


class LivenessFace(BaseModel):
    bbox: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image (0..1)")
    bbox_pixels: list[float]
    confidence: float = Field(description="detection score, 0-1")
    liveness: Liveness
    quality: Optional[dict] = Field(default=None, description="mode=quality: the face's "
                                    "totalScore, the quality threshold and passed")


class LivenessResponse(BaseModel):
    mode: Literal["plain", "quality", "all"]
    liveness: Optional[Liveness] = Field(default=None, description="plain and quality: "
                                         "the one face's verdict")
    faces: list[LivenessFace] = Field(description="most prominent (largest) first")
    face_count: int
    faces_detected: int
    image: ImageSize
    models: dict[str, Optional[str]]


# ------------------------------------------------------------ /body and /mask
class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    bbox: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image (0..1)")
    bbox_pixels: list[float] = Field(description="[x1, y1, x2, y2] in pixels, clipped to "
                                     "the image: the BlazePose region (centre: hip key point, "
                                     "side 2.5 x hip to body key point), as an upright box")
    confidence: float = Field(ge=0, le=1, description="the detector's score")
    class_: Literal["body"] = Field(alias="class")
    keypoints: list[list[float]] = Field(
        description="4 [x, y] pixel points: hip centre, full-body size / rotation point, "
                    "shoulder centre, upper-body size / rotation point")
    rotation: float = Field(description="the body region's rotation, degrees (0: upright)")


class BodyResponse(BaseModel):
    bodies: list[Body] = Field(description="best score first")
    body_count: int
    image: ImageSize
    models: dict[str, Optional[str]]


class MaskCheck(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: bool = Field(description="the face is masked")
    confidence: float = Field(ge=0.5, le=1, description="logistic of the score's distance "
                              "to the threshold; not calibrated")
    measure: Literal["lowerFaceColour"]
    score: float = Field(description="max(ln(foreheadDistance / its threshold), "
                         "ln(lip threshold / lipContrast)); masked at >= threshold")
    threshold: float
    foreheadDistance: float = Field(description="median CIE76 distance of lower-face patches "
                                    "to the forehead's colour")
    lipContrast: float = Field(description="CIE76 distance of the lips to the skin around them")
    thresholds: dict[str, float]
    regions: dict[str, float] = Field(description="each lower-face patch's distance to the "
                                      "forehead")


class MaskFace(BaseModel):
    bbox: list[float] = Field(description="[x1, y1, x2, y2] as fractions of the image (0..1)")
    bbox_pixels: list[float]
    confidence: float = Field(description="the face detector's score")
    mask: Optional[MaskCheck] = Field(description="null when not measurable (mask_skipped)")
    mask_skipped: Optional[str]
    angles: Angles


class MaskResponse(BaseModel):
    faces: list[MaskFace] = Field(description="most prominent (largest) first")
    face_count: int
    faces_detected: int
    image: ImageSize
    models: dict[str, Optional[str]]


# ------------------------------------------------------------- /analyze-batch
class BatchError(BaseModel):
    detail: str
    code: str


class BatchItem(BaseModel):
    index: int = Field(description="the photo's place in the request, from 0")
    name: Optional[str] = Field(description="the file name, or the URL; null for base64")
    status: int = Field(description="what /analyze would have answered for this photo alone")
    result: Optional[AnalyzeResponse | ScaleflexResponse] = Field(
        default=None, description="/analyze's answer (status 200)")
    error: Optional[BatchError] = Field(default=None, description="why not (other statuses)")


class BatchResponse(BaseModel):
    results: list[BatchItem] = Field(description="one per photo, in the order sent")
    count: int
    succeeded: int
    failed: int
