"""MediaPipe 0.10.14's own answers, for tests/test_reference_mediapipe.py.

Runs inside the separate environment testkit/reference_envs.py builds (mediapipe
pins protobuf < 5), so it imports nothing from the project: a JSON request on
stdin names .npy images (HxWx3 uint8 RGB, decoded by the project) and what to
run on each; the answers, in image pixels, go to stdout as JSON.

Requests (each a list, one entry per image):

* ``face_mesh``: ``solutions.face_mesh.FaceMesh`` (static_image_mode,
  refine_landmarks: its own face detector, then the attention model) -> the
  478 points of every face found.
* ``landmarks_on_roi``: the ``FaceLandmarkCpu`` subgraph (what face_mesh runs
  after its detector) fed the given ROIs ``[cx, cy, side, angle]`` (pixels,
  radians), with or without attention -> 468 / 478 points per ROI, or null
  when it sees no face there.
* ``pose_detection``: the ``PoseDetectionCpu`` subgraph (solutions.pose's person
  detector) -> every detection (box, 4 key points, score) and, for the first,
  the ``PoseDetectionToRoi`` region solutions.pose runs its landmark model on.
* ``face_detection``: ``solutions.face_detection.FaceDetection(model_selection=1)``
  (the full-range face_detection_full_range_sparse.tflite) at the given
  ``min_detection_confidence`` -> every detection (box, 6 key points, score), in
  MediaPipe's order. Its graph keeps only scores >= 0.6 (the model's
  min_score_thresh) before that confidence is applied, so asking less changes
  nothing.
* ``face_landmarker``: ``mediapipe.tasks`` FaceLandmarker (IMAGE mode) on the
  ``model`` bundle it is given (face_landmarker.task) with blendshapes on -> per
  face its 478 points and its 52 blendshape scores by name.
* ``blendshapes_of``: the bundle's face_blendshapes.tflite run by MediaPipe's own
  ``FaceBlendshapesGraph`` on given 478 points (pixels) of an image of the given
  size -> the 52 scores by name: the blendshape step alone, on the project's mesh.
"""

from __future__ import annotations

import json
import os
import sys

import mediapipe as mp
import numpy as np
from google.protobuf import text_format
from mediapipe.framework import calculator_pb2
from mediapipe.framework.formats import rect_pb2
from mediapipe.python._framework_bindings import resource_util

# the subgraphs load their .tflite files relative to the package's parent folder,
# as solution_base does for the solutions
resource_util.set_resource_dir(os.path.dirname(os.path.dirname(mp.__file__)))

LANDMARKS_ON_ROI = """
input_stream: "image"
input_stream: "roi"
input_side_packet: "with_attention"
output_stream: "landmarks"
node {
  calculator: "FaceLandmarkCpu"
  input_stream: "IMAGE:image"
  input_stream: "ROI:roi"
  input_side_packet: "WITH_ATTENTION:with_attention"
  output_stream: "LANDMARKS:landmarks"
}
"""

POSE_DETECTION = """
input_stream: "image"
output_stream: "detections"
output_stream: "roi"
node {
  calculator: "PoseDetectionCpu"
  input_stream: "IMAGE:image"
  output_stream: "DETECTIONS:detections"
}
node {
  calculator: "SplitDetectionVectorCalculator"
  input_stream: "detections"
  output_stream: "first"
  options: {
    [mediapipe.SplitVectorCalculatorOptions.ext] {
      ranges: { begin: 0 end: 1 }
      element_only: true
    }
  }
}
node {
  calculator: "ImagePropertiesCalculator"
  input_stream: "IMAGE:image"
  output_stream: "SIZE:size"
}
node {
  calculator: "PoseDetectionToRoi"
  input_stream: "DETECTION:first"
  input_stream: "IMAGE_SIZE:size"
  output_stream: "ROI:roi"
}
"""


def frame(image: np.ndarray):
    return mp.packet_creator.create_image_frame(image_format=mp.ImageFormat.SRGB,
                                                data=np.ascontiguousarray(image))


def graph_of(config: str):
    return mp.CalculatorGraph(
        graph_config=text_format.Parse(config, calculator_pb2.CalculatorGraphConfig()))


def face_mesh(image: np.ndarray, options: dict) -> list:
    height, width = image.shape[:2]
    with mp.solutions.face_mesh.FaceMesh(static_image_mode=True, refine_landmarks=True,
                                         max_num_faces=options.get("max_faces", 20)) as model:
        found = model.process(image).multi_face_landmarks or []
    return [[[p.x * width, p.y * height, p.z * width] for p in face.landmark] for face in found]


def landmarks_on_roi(image: np.ndarray, options: dict) -> list:
    height, width = image.shape[:2]
    graph = graph_of(LANDMARKS_ON_ROI)
    answers = {}
    graph.observe_output_stream(
        "landmarks", lambda _, packet: answers.__setitem__(
            packet.timestamp.value, mp.packet_getter.get_proto(packet)))
    graph.start_run({"with_attention": mp.packet_creator.create_bool(options["attention"])})
    rois = options["rois"]
    for t, (cx, cy, side, angle) in enumerate(rois):
        rect = rect_pb2.NormalizedRect(x_center=cx / width, y_center=cy / height,
                                       width=side / width, height=side / height,
                                       rotation=angle)
        graph.add_packet_to_input_stream("image", frame(image).at(t))
        graph.add_packet_to_input_stream("roi", mp.packet_creator.create_proto(rect).at(t))
    graph.close()
    return [[[p.x * width, p.y * height, p.z * width] for p in answers[t].landmark]
            if t in answers else None for t in range(len(rois))]


def pose_detection(image: np.ndarray, options: dict) -> dict:
    height, width = image.shape[:2]
    graph = graph_of(POSE_DETECTION)
    out = {"detections": [], "roi": None}

    def detections(_, packet):
        for d in mp.packet_getter.get_proto_list(packet):
            box = d.location_data.relative_bounding_box
            out["detections"].append({
                "box": [box.xmin * width, box.ymin * height, (box.xmin + box.width) * width,
                        (box.ymin + box.height) * height],
                "keypoints": [[k.x * width, k.y * height]
                              for k in d.location_data.relative_keypoints],
                "score": d.score[0]})

    def roi(_, packet):
        r = mp.packet_getter.get_proto(packet)
        out["roi"] = {"centre": [r.x_center * width, r.y_center * height],
                      "width": r.width * width, "height": r.height * height,
                      "rotation": r.rotation}

    graph.observe_output_stream("detections", detections)
    graph.observe_output_stream("roi", roi)
    graph.start_run({})
    graph.add_packet_to_input_stream("image", frame(image).at(0))
    graph.close()
    return out


def face_detection(image: np.ndarray, options: dict) -> list:
    height, width = image.shape[:2]
    with mp.solutions.face_detection.FaceDetection(
            model_selection=1, min_detection_confidence=options["threshold"]) as model:
        found = model.process(image).detections or []
    faces = []
    for d in found:
        box = d.location_data.relative_bounding_box
        faces.append({
            "box": [box.xmin * width, box.ymin * height, (box.xmin + box.width) * width,
                    (box.ymin + box.height) * height],
            "keypoints": [[k.x * width, k.y * height] for k in d.location_data.relative_keypoints],
            "score": d.score[0]})
    return faces


LANDMARKERS: dict = {}  # (bundle, max faces) -> one FaceLandmarker for every image


def face_landmarker(image: np.ndarray, options: dict) -> list:
    from mediapipe.tasks.python import BaseOptions, vision

    height, width = image.shape[:2]
    key = (options["model"], options.get("max_faces", 4))
    if key not in LANDMARKERS:  # IMAGE mode keeps no state between images
        LANDMARKERS[key] = vision.FaceLandmarker.create_from_options(
            vision.FaceLandmarkerOptions(base_options=BaseOptions(model_asset_path=key[0]),
                                         output_face_blendshapes=True, num_faces=key[1]))
    found = LANDMARKERS[key].detect(mp.Image(image_format=mp.ImageFormat.SRGB,
                                             data=np.ascontiguousarray(image)))
    return [{"points": [[p.x * width, p.y * height, p.z * width] for p in points],
             "blendshapes": {c.category_name: c.score for c in shapes}}
            for points, shapes in zip(found.face_landmarks, found.face_blendshapes)]


TASKS = {"face_mesh": face_mesh, "face_landmarker": face_landmarker,
         "landmarks_on_roi": landmarks_on_roi, "pose_detection": pose_detection,
         "face_detection": face_detection}


def main() -> None:
    request = json.load(sys.stdin)
    answers = {}
    for task, jobs in request.items():
        answers[task] = [TASKS[task](np.load(job["image"]), job) for job in jobs]
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
