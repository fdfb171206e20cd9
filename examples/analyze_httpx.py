"""Plain HTTP with httpx: /analyze as a multipart upload and /analyze-base64 as JSON.

    python examples/analyze_httpx.py http://localhost:3000 photo.jpg
"""

import base64
import sys

import httpx


def main(url: str, photo: str) -> None:
    with httpx.Client(base_url=url, timeout=120) as http:
        with open(photo, "rb") as image:
            response = http.post("/analyze", files={"file": image},
                                 data={"attributes": ["age", "gender"]})  # repeated field
        response.raise_for_status()
        print("multipart:", [(f["age"], f["gender"]["value"]) for f in response.json()["faces"]])

        with open(photo, "rb") as image:
            encoded = base64.b64encode(image.read()).decode()
        response = http.post("/analyze-base64", json={"image": encoded,
                                                      "attributes": ["age", "gender"]})
        if response.status_code != 200:  # every error is {"detail": "...", "code": "..."}
            sys.exit(f"{response.status_code}: {response.json()['detail']}")
        print("base64:", [(f["age"], f["gender"]["value"]) for f in response.json()["faces"]])


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print("usage: python examples/analyze_httpx.py URL PHOTO\n" + __doc__.split("\n\n")[0],
              file=sys.stderr)
        sys.exit(2)
    main(*sys.argv[1:3])
