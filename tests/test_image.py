"""The Bento as users ship it: `bentoml containerize` (deploy/build-image.sh, podman, a
Debian-only base image) builds an image that serves like `bentoml serve`.

Marked `image`: the first build takes minutes (testkit/container.py reuses an image
of the same sources). Figures (size, cold start, RSS at rest) are written to
.pytest_cache/image-figures.json and checked against what README.md states.
"""

from __future__ import annotations

import json
import re
import socket
import time

import httpx
import pytest

from testkit import container as ct
from testkit.photos import photo
from testkit.server import Server, free_port
from tests.conftest import ROOT

pytestmark = [pytest.mark.image, pytest.mark.server]
FIGURES = ROOT / ".pytest_cache" / "image-figures.json"
GOAL_BYTES = 1_000_000_000


@pytest.fixture(scope="module")
def image(default_models) -> str:
    built, fresh = ct.ensure_image()
    print(f"image {built} ({'built now' if fresh else 'cached'})")
    return built


def host_address() -> str:
    """This machine's own non-loopback address (where a request from elsewhere lands)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # no packet is sent for a UDP connect
        return probe.getsockname()[0]


@pytest.fixture(scope="module")
def served(image):
    """(url, container name, seconds to ready) of the image run as a user runs it:
    its default command (`bentoml serve` on the Bento), its port published."""
    name, port = f"face-analysis-test-{free_port()}", free_port()
    started = time.monotonic()
    ct.podman("run", "-d", "--rm", "--name", name, *ct.RUN_FLAGS, "-p", f"{port}:3000", image)
    try:
        url = f"http://127.0.0.1:{port}"
        try:
            ct.wait_ready(url, alive=lambda: ct.running(name))
        except RuntimeError as exc:
            raise AssertionError(f"{exc}: {ct.logs(name)}") from None
        yield url, name, time.monotonic() - started
    finally:
        ct.podman("rm", "-f", "-t", "5", name, check=False)


def without_timings(answer: dict) -> dict:
    return {key: value for key, value in answer.items() if key != "timings_ms"}


def post(url: str, path: str, files: dict) -> dict:
    answer = httpx.post(url + path, files=files, timeout=120)
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_the_image_is_bentoml_s_build_without_compilers(image):
    size = ct.image_size(image)
    labels = ct.podman("image", "inspect", "--format", "{{json .Config.Entrypoint}}",
                       image).stdout
    assert "entrypoint.sh" in labels  # BentoML's generated entrypoint, not a hand-made one
    # no build-essential, git or curl in the image (deploy/Dockerfile.template)
    found = ct.podman("run", "--rm", *ct.RUN_FLAGS, "--entrypoint", "sh", image, "-c",
                      "for tool in gcc cc git curl apt-get; do command -v $tool; done; true"
                      ).stdout.split()
    assert found == ["/usr/bin/apt-get"], found
    # the Bento's own requirements, in BentoML's /app/.venv; no torch
    listed = ct.podman("run", "--rm", *ct.RUN_FLAGS, "--entrypoint", "sh", image, "-c",
                       "ls /app/.venv/lib/python3.11/site-packages").stdout
    assert "onnxruntime" in listed and "bentoml" in listed and "torch" not in listed
    record(size_bytes=size)
    assert size <= GOAL_BYTES, f"{size / 1e6:.0f} MB"


def test_the_container_answers_like_bentoml_serve(served, client):
    url, _, cold_start = served
    obama, obama2, t1 = (photo(n).read_bytes() for n in ("obama.jpg", "obama2.jpg", "t1.jpg"))
    expected = client.post("/analyze", files={"file": ("t1.jpg", t1)})
    assert expected.status_code == 200, expected.text
    answer = post(url, "/analyze", {"file": ("t1.jpg", t1)})
    assert answer["face_count"] == 6
    assert without_timings(answer) == without_timings(expected.json())
    pair = {"selfie": ("obama.jpg", obama), "id_photo": ("obama2.jpg", obama2)}
    expected = client.post("/compare-faces", files=pair).json()
    compared = post(url, "/compare-faces", pair)
    assert compared["match"] is True
    assert without_timings(compared) == without_timings(expected)
    record(cold_start_s=round(cold_start, 1))


def test_a_request_from_outside_the_container_reaches_it(served):
    """The published port on the host's own network address, not only loopback: the
    server in the container listens on every interface."""
    url, _, _ = served
    port = url.rsplit(":", 1)[1]
    outside = f"http://{host_address()}:{port}"
    assert httpx.get(outside + "/readyz", timeout=10).status_code == 200
    answer = post(outside, "/analyze", {"file": ("obama.jpg", photo("obama.jpg").read_bytes())})
    assert answer["face_count"] == 1
    # and the page at / is the project's Swagger UI
    page = httpx.get(outside + "/", headers={"Accept": "text/html"}, timeout=10)
    assert "face-analysis" in page.text and "googletagmanager" not in page.text


def test_rss_at_rest(served):
    _, name, _ = served
    time.sleep(5)  # after the requests above: settled, idle
    rss = ct.tree_rss_bytes(ct.container_pid(name))
    assert rss > 100e6  # the front and 12 model services are running
    record(rss_at_rest_bytes=rss)


@pytest.mark.server
def test_cold_start_against_bentoml_serve_side_by_side(image):
    """The container's time to ready, as a ratio of a `bentoml serve` started the same
    way right after it (the host's speed varies hour to hour: only the ratio holds)."""
    name, port = f"face-analysis-cold-{free_port()}", free_port()
    start = time.monotonic()
    ct.podman("run", "-d", "--rm", "--name", name, *ct.RUN_FLAGS, "-p", f"{port}:3000", image)
    try:
        container_s = ct.wait_ready(f"http://127.0.0.1:{port}", alive=lambda: ct.running(name))
        container_s = time.monotonic() - start
    finally:
        ct.podman("rm", "-f", "-t", "5", name, check=False)
    start = time.monotonic()
    with Server():
        serve_s = time.monotonic() - start
    record(cold_start_s=round(container_s, 1), serve_cold_start_s=round(serve_s, 1),
           cold_start_ratio=round(container_s / serve_s, 2))


def record(**figures) -> None:
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    known = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    known.update(figures)
    FIGURES.write_text(json.dumps(known, indent=1))


def test_the_readme_states_the_measured_figures():
    """Run last: README.md's image figures are the ones measured above (size and RSS
    within 10 %; the cold start only as the measured ratio's order)."""
    figures = json.loads(FIGURES.read_text())
    readme = (ROOT / "README.md").read_text()
    size = re.search(r"image of ([\d.]+) GB", readme)
    rss = re.search(r"([\d.]+) GB RSS at rest", readme)
    assert size and rss, "README.md states the image size and RSS at rest"
    assert abs(float(size.group(1)) * 1e9 - figures["size_bytes"]) <= 0.1 * figures[
        "size_bytes"], figures
    assert abs(float(rss.group(1)) * 1e9 - figures["rss_at_rest_bytes"]) <= 0.15 * figures[
        "rss_at_rest_bytes"], figures
