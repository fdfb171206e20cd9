"""The web page at /ui (ui/), driven in a real browser: Debian's chromium and
chromium-driver (installed by .ci/run), through Selenium, against the shared server.

One browser for the whole module. Every view's screenshot lands in
.pytest_cache/ui-screenshots/; with UI_SCREENSHOT_TO_DOCS=1 the Analyze view is also
written to docs/ui.png (the README's picture). Without chromium the tests fail: the page
is a deliverable, so a machine that cannot test it must say so.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from PIL import Image
# requirements-dev.txt; when missing the module fails to import, it is not skipped
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from testkit.browser import chromium, foreign, requested_urls
from testkit.photos import photo


ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / ".pytest_cache" / "ui-screenshots"
# an analysis of t1.jpg (6 faces) plus /quality takes ~10 s on 2 busy cores; generous
WAIT_S = 180


@pytest.fixture(scope="module")
def browser(server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    with chromium(server + "/ui", lambda d: d.execute_script(
            "return document.body.dataset.ready") == "true") as driver:
        yield driver


def tab(driver, name: str):
    driver.find_element(By.ID, f"tab-{name}").click()
    return driver.find_element(By.ID, name)


def finished(driver, panel) -> str:
    """Wait until the panel has an answer (or an error) and return its state."""
    WebDriverWait(driver, WAIT_S).until(
        lambda d: panel.get_attribute("data-state") in ("done", "error"))
    return panel.get_attribute("data-state")


def error_text(panel) -> str:
    return panel.find_element(By.CSS_SELECTOR, ".error").text


def shoot(driver, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_the_attribute_boxes_are_the_servers(browser, client):
    """Run first, before a test ticks a box: the page's check boxes are the server's
    attributes, its default ones ticked (ui/serve.py attributes.json)."""
    choices = client.get("/ui/attributes.json").json()
    boxes = browser.find_elements(By.CSS_SELECTOR, "#attributes input")
    assert [box.get_attribute("value") for box in boxes] == choices["attributes"]
    assert [box.get_attribute("value") for box in boxes if box.is_selected()] == \
        choices["default"]


def test_analyze_draws_every_face_and_a_card_each(browser, server):
    panel = tab(browser, "analyze")
    browser.find_element(By.ID, "analyze-file").send_keys(str(photo("t1.jpg")))
    assert finished(browser, panel) == "done", error_text(panel)
    canvas = browser.find_element(By.ID, "analyze-canvas")
    assert canvas.get_attribute("data-boxes") == "6"
    cards = browser.find_elements(By.CSS_SELECTOR, "#analyze-cards .card")
    assert len(cards) == 6
    # the overlay is drawn in the photo's own pixels: the canvas is the decoded size
    width, height = Image.open(photo("t1.jpg")).size
    assert (int(canvas.get_attribute("width")), int(canvas.get_attribute("height"))) == (width, height)
    # ... and shown scaled to the window
    assert canvas.size["width"] < width or width <= 1000
    first = cards[0].text
    assert "age" in first and "emotion" in first and "quality" in first, first
    raw = browser.find_element(By.CSS_SELECTOR, "#analyze .raw pre").get_attribute("textContent")
    assert json.loads(raw)["analyze"]["face_count"] == 6
    shot = shoot(browser, "analyze")
    if os.environ.get("UI_SCREENSHOT_TO_DOCS") == "1":
        # 256 colours: a third of the screenshot's bytes (858 -> 280 kB), for the repository
        Image.open(shot).convert("RGB").quantize(256, method=Image.Quantize.MEDIANCUT).save(
            ROOT / "docs" / "ui.png", optimize=True)
    cards[2].click()  # a card selects its face, and the face its card
    assert "selected" in cards[2].get_attribute("class")
    assert browser.execute_script("return analyzeStage.selected") == 2
    shoot(browser, "analyze-selected")
    browser.set_window_size(390, 844)  # a phone
    shoot(browser, "analyze-phone")
    assert browser.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth + 1")
    browser.set_window_size(1280, 1000)


def test_mesh_webcam_and_keyboard(browser):
    panel = tab(browser, "analyze")
    browser.find_element(By.ID, "want-mesh").click()
    browser.find_element(By.ID, "analyze-file").send_keys(str(photo("obama.jpg")))
    assert finished(browser, panel) == "done", error_text(panel)
    assert browser.execute_script("return analyzeStage.shapes[0].mesh.length") == 478
    shoot(browser, "analyze-mesh")
    browser.find_element(By.ID, "want-mesh").click()
    # the webcam: Chromium's synthetic camera, one snapshot, analysed like a photo
    browser.find_element(By.ID, "camera-start").click()
    WebDriverWait(browser, 30).until(lambda d: d.execute_script(
        "return document.getElementById('camera').videoWidth > 0"))
    browser.execute_script("arguments[0].dataset.state = 'idle'", panel)  # the snapshot sets it
    browser.find_element(By.ID, "camera-snap").click()
    assert finished(browser, panel) == "done", error_text(panel)
    assert browser.execute_script("return analyzeFile.name") == "webcam.jpg"
    # keyboard: the arrow keys move between the views, Enter picks a card
    analyze_tab = browser.find_element(By.ID, "tab-analyze")
    analyze_tab.send_keys(Keys.ARROW_RIGHT)
    assert browser.find_element(By.ID, "tab-compare").get_attribute("aria-selected") == "true"
    assert browser.switch_to.active_element.get_attribute("id") == "tab-compare"
    browser.switch_to.active_element.send_keys(Keys.ARROW_LEFT)
    assert panel.is_displayed()


@pytest.mark.parametrize("other, verdict", [("biden.jpg", "no match"), ("obama2.jpg", "match")])
def test_compare_says_match_or_no_match(browser, other, verdict):
    panel = tab(browser, "compare")
    browser.find_element(By.ID, "compare-a").send_keys(str(photo("obama.jpg")))
    browser.find_element(By.ID, "compare-b").send_keys(str(photo(other)))
    browser.find_element(By.ID, "compare-run").click()
    assert finished(browser, panel) == "done", error_text(panel)
    assert browser.find_element(By.ID, "compare-verdict").text == verdict
    assert browser.find_element(By.ID, "compare-canvas-a").get_attribute("data-boxes") == "1"
    assert browser.find_element(By.ID, "compare-gauge").is_displayed()
    assert "face-embedding" in browser.find_element(By.ID, "compare-rule").text
    shoot(browser, f"compare-{verdict.replace(' ', '-')}")


def id_document_pdf() -> bytes:
    """A card with a portrait on the left and a smaller second face, as a PDF page."""
    card = Image.new("RGB", (1100, 700), (226, 232, 238))
    card.paste(Image.open(photo("obama.jpg")).convert("RGB").resize((300, 375)), (70, 160))
    small = Image.open(photo("biden.jpg")).convert("RGB")
    card.paste(small.crop((0, 0, small.width, small.width)).resize((190, 190)), (860, 450))
    buffer = io.BytesIO()
    card.save(buffer, "PDF", resolution=200.0)  # the server renders PDFs at 200 dpi
    return buffer.getvalue()


def test_id_document_pdf_shows_the_extracted_face(browser, tmp_path):
    document = tmp_path / "id-card.pdf"
    document.write_bytes(id_document_pdf())
    panel = tab(browser, "document")
    browser.find_element(By.ID, "document-file").send_keys(str(document))
    browser.find_element(By.ID, "document-run").click()
    assert finished(browser, panel) == "done", error_text(panel)
    face = browser.find_element(By.CSS_SELECTOR, "#document-face img")
    assert face.is_displayed()
    assert face.get_attribute("src").startswith("data:image/jpeg;base64,")
    assert browser.execute_script("return arguments[0].naturalWidth", face) > 50
    cards = browser.find_elements(By.CSS_SELECTOR, "#document-cards .card")
    assert len(cards) == 2 and cards[0].text.startswith("Selected"), [c.text for c in cards]
    assert browser.find_element(By.ID, "document-canvas").get_attribute("data-boxes") == "2"
    shoot(browser, "id-document")


def test_inspection_tabs_draw_their_answers(browser):
    panel = tab(browser, "inspect")
    browser.find_element(By.ID, "inspect-file").send_keys(str(photo("obama.jpg")))
    browser.find_element(By.CSS_SELECTOR, "input[value=quality]").click()
    browser.find_element(By.ID, "inspect-run").click()
    assert finished(browser, panel) == "done", error_text(panel)
    table = browser.find_element(By.CSS_SELECTOR, "#inspect-cards .card table").text
    assert "sharpness" in table and "threshold" in table
    shoot(browser, "quality")
    browser.find_element(By.CSS_SELECTOR, "input[value=liveness]").click()
    browser.find_element(By.ID, "inspect-run").click()
    assert finished(browser, panel) == "done", error_text(panel)
    assert "Not validated" in browser.find_element(By.ID, "liveness-note").text
    assert browser.find_element(By.ID, "inspect-canvas").get_attribute("data-boxes") == "1"
    shoot(browser, "liveness")


def test_api_error_is_shown_as_it_is(browser, client, tmp_path):
    broken = tmp_path / "truncated.jpg"
    broken.write_bytes(photo("obama.jpg").read_bytes()[:3000])
    expected = client.post("/analyze", files={"file": ("truncated.jpg", broken.read_bytes())})
    assert expected.status_code == 400
    panel = tab(browser, "analyze")
    browser.find_element(By.ID, "analyze-file").send_keys(str(broken))
    assert finished(browser, panel) == "error"
    assert error_text(panel) == f"HTTP 400: {expected.json()['detail']}"
    assert not browser.find_element(By.ID, "analyze-canvas").is_displayed()  # no stale photo
    shoot(browser, "error")


def test_nothing_was_fetched_from_elsewhere(browser, server):
    """Run last: every network request the browser made in this module went to the
    server (data: and blob: URLs stay inside the page; chrome:// ones are the browser's
    own start page, which the driver opens before /ui)."""
    urls = requested_urls(browser)
    assert any(u.startswith(server + "/analyze") for u in urls)  # the log did record
    outside = foreign(urls, server)
    assert not outside, outside
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and "Failed to load resource" not in e["message"]]
    assert not errors, errors
