"""BentoML's own client: analyze a photo, compare a selfie with an ID photo, extract
the ID photo's face.

    python examples/analyze_bentoml.py http://localhost:3000 selfie.jpg id_photo.jpg
"""

import sys
from pathlib import Path

import bentoml


def main(url: str, selfie: str, id_photo: str) -> None:
    with bentoml.SyncHTTPClient(url, timeout=120) as client:
        result = client.analyze(file=Path(selfie), attributes="age,gender,emotion")
        for face in result["faces"]:
            print("face", face["bbox"], "age", face["age"], "gender", face["gender"]["value"],
                  "emotion", face["emotion"]["dominant"])
        compared = client.compare_faces(selfie=Path(selfie), id_photo=Path(id_photo))
        print("same person:", compared["match"], "similarity", compared["similarity"])
        extracted = client.extract_face(file=Path(id_photo))
        print("ID face:", extracted["metadata"]["face_size"], extracted["face_image"][:30] + "...")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        print("usage: python examples/analyze_bentoml.py URL SELFIE ID_PHOTO\n"
              + __doc__.split("\n\n")[0], file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:4])
