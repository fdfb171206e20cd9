"""The child process in which inputs.imageio renders one PDF page.

    python -m inputs.pdf_worker ADDRESS_SPACE_BYTES   (0: no cap)

stdin: one JSON line {"page": n, "limits": {Limits fields}}, then the PDF bytes.
stdout: one JSON line, {"ok": true, "shape": [h, w, 3]} followed by the RGB bytes,
or {"ok": false, "status": ..., "detail": ..., "code": ...}.

The address-space cap is set before anything else is imported; the parent
kills this process when it takes too long.
"""

from __future__ import annotations

import json
import resource
import sys


def main() -> int:
    cap = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if cap > 0:
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    from errors import InputError
    from inputs.imageio import Limits, render_pdf_page_here

    header = json.loads(sys.stdin.buffer.readline())
    data = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    page = int(header["page"])
    try:
        image = render_pdf_page_here(data, page, Limits(**header["limits"]))
    except InputError as problem:
        answer = {"ok": False, "status": problem.status, "detail": problem.detail,
                  "code": problem.code}
    except MemoryError:
        answer = {"ok": False, "status": 422, "code": "pdf_too_complex",
                  "detail": f"page {page} of the PDF could not be rendered within the memory "
                            f"limit of {cap >> 20} MB"}
    else:
        out.write(json.dumps({"ok": True, "shape": list(image.shape)}).encode() + b"\n")
        out.write(memoryview(image).cast("B"))
        out.flush()
        return 0
    out.write(json.dumps(answer).encode() + b"\n")
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
