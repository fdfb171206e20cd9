"""Who is this? Enrol two people into a gallery, then identify the faces of a photo.

    python examples/gallery_httpx.py http://localhost:3000 ada.jpg bob.jpg group.jpg [API_KEY]

Needs only httpx (pip install httpx). The API key: only when the server has one.
"""

import sys

import httpx

server, ada, bob, probe = sys.argv[1:5]
headers = {"X-API-Key": sys.argv[5]} if len(sys.argv) > 5 else {}
with httpx.Client(base_url=server, headers=headers, timeout=120) as api:
    api.post("/galleries", json={"name": "example"})  # 409 when it exists: fine
    for subject, path in (("ada", ada), ("bob", bob)):
        with open(path, "rb") as photo:
            answer = api.post(f"/galleries/example/subjects/{subject}/faces",
                              files={"file": photo}, data={"display_name": subject.title()})
        answer.raise_for_status()
        print("enrolled", subject, "as face", answer.json()["face_id"])

    with open(probe, "rb") as photo:
        found = api.post("/galleries/example/identify", files={"file": photo},
                         data={"top_k": "3", "far": "0.001"}).json()
    print(f"threshold {found['threshold']} (FAR {found['far']})")
    for face in found["faces"]:
        nearest = face["matches"][0] if face["matches"] else None
        who = face["display_name"] if not face["unknown"] else "unknown"
        print(f"face {face['bbox']}: {who}",
              f"(nearest {nearest['subject_id']} at {nearest['distance']})" if nearest else "")
    api.delete("/galleries/example")
