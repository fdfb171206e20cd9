"""The web page's Gallery view in a real browser (Debian's chromium through
Selenium, as tests/test_ui_browser.py), against a server of its own: create a
gallery, enrol from a photo and from the (synthetic) webcam, identify with the
match drawn over the photo, delete."""

from __future__ import annotations


import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from testkit.browser import chromium
from testkit.photos import photo
from testkit.server import Server
from tests.test_gallery_api import LOGS
from tests.test_ui_browser import (WAIT_S, error_text, finished, shoot,
                                   tab)


@pytest.fixture(scope="module")
def page_server(default_models, tmp_path_factory):
    folder = tmp_path_factory.mktemp("gallery-ui")
    with Server(env={"FACE_GALLERY_DIR": str(folder)},
                log_path=LOGS / "server-gallery-ui.log") as server:
        yield server


@pytest.fixture(scope="module")
def gallery_browser(page_server):
    with chromium(page_server.url + "/ui", lambda d: d.execute_script(
            "return document.body.dataset.galleryReady") == "true") as driver:
        yield driver


def act(driver, panel, element_id: str) -> str:
    panel.parent.execute_script("arguments[0].dataset.state = 'idle'", panel)
    driver.find_element(By.ID, element_id).click()
    return finished(driver, panel)


def test_enrol_identify_and_delete_in_the_gallery_view(gallery_browser):
    driver = gallery_browser
    panel = tab(driver, "gallery")
    assert finished(driver, panel) == "done", error_text(panel)
    driver.find_element(By.ID, "gallery-new").send_keys("family")
    assert act(driver, panel, "gallery-create") == "done", error_text(panel)
    assert driver.find_element(By.ID, "gallery-name").get_attribute("value") == "family"

    driver.find_element(By.ID, "gallery-file").send_keys(str(photo("obama.jpg")))
    driver.find_element(By.ID, "gallery-subject").send_keys("obama")
    driver.find_element(By.ID, "gallery-display").send_keys("Barack Obama")
    assert act(driver, panel, "gallery-enrol") == "done", error_text(panel)
    subjects = driver.find_element(By.ID, "gallery-subjects")
    assert subjects.get_attribute("data-count") == "1" and "Barack Obama" in subjects.text

    driver.find_element(By.ID, "gallery-probe").send_keys(str(photo("obama2.jpg")))
    assert act(driver, panel, "gallery-identify") == "done", error_text(panel)
    canvas = driver.find_element(By.ID, "gallery-canvas")
    assert canvas.get_attribute("data-boxes") == "1"
    assert (int(canvas.get_attribute("width")), int(canvas.get_attribute("height"))) == \
        Image.open(photo("obama2.jpg")).size
    labels = driver.execute_script("return galleryStage.shapes.map((s) => s.label)")
    assert len(labels) == 1 and labels[0].startswith("Barack Obama ")
    assert "Barack Obama" in driver.find_element(By.ID, "gallery-matches").text
    shoot(driver, "gallery-identify")

    # the webcam: Chromium's synthetic camera shows a test pattern, no face: the
    # snapshot reaches the API, which refuses it with its reason
    driver.find_element(By.ID, "gallery-camera").click()
    WebDriverWait(driver, WAIT_S).until(lambda d: d.execute_script(
        "return document.getElementById('gallery-video').videoWidth > 0"))
    assert act(driver, panel, "gallery-snap") == "error"
    assert "HTTP 422" in error_text(panel) and "no face" in error_text(panel)

    delete = driver.find_element(By.CSS_SELECTOR, "#gallery-subjects button[data-subject=obama]")
    driver.execute_script("arguments[0].dataset.state = 'idle'", panel)
    delete.click()
    assert finished(driver, panel) == "done", error_text(panel)
    assert driver.find_element(By.ID, "gallery-subjects").get_attribute("data-count") == "0"
    assert act(driver, panel, "gallery-identify") == "done", error_text(panel)
    labels = driver.execute_script("return galleryStage.shapes.map((s) => s.label)")
    assert labels == ["unknown"]
    assert act(driver, panel, "gallery-delete") == "done", error_text(panel)
    assert driver.find_element(By.ID, "gallery-name").get_attribute("data-count") == "0"


def test_the_gallery_script_is_served_and_loads_nothing_from_elsewhere():
    import re

    from starlette.testclient import TestClient

    from ui.serve import HERE, UiPages

    async def api(scope, receive, send):  # what the page middleware passes on
        raise AssertionError(scope["path"])

    answer = TestClient(UiPages(api)).get("/ui/gallery.js")
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(
        "text/javascript")
    text = (HERE / "gallery.js").read_text()
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", text, re.I)
    assert 'src="gallery.js"' in (HERE / "index.html").read_text()
