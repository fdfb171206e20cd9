"""The Swagger page at / (front/swagger_page.py), in headless Chromium against the shared
server: it shows the project's own title, description and version, lists the
operations by their human names, and loads nothing from outside the server's origin."""

from __future__ import annotations

import json
import os
import shutil
import tempfile

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from compat.service_info import VERSION

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def page(server):
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        pytest.fail(f"{missing} missing: apt-get install chromium chromium-driver "
                    "(.ci/run does it)")
    offline = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser
    profile = tempfile.mkdtemp(prefix="swagger-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--disable-default-apps",
                "--disable-extensions", f"--user-data-dir={profile}", "--window-size=1280,1000"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    try:
        driver.get(server + "/")
        WebDriverWait(driver, 60).until(
            lambda d: d.find_elements(By.CSS_SELECTOR, ".opblock-summary-operation-id, "
                                                       ".opblock-summary-path"))
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        if offline is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = offline


def test_the_page_is_the_project_s_own(page):
    info = page.find_element(By.CSS_SELECTOR, ".information-container").text
    assert "face-analysis" in info and VERSION in info, info
    assert "Self-hostable face analysis" in info and "BentoML" not in info, info
    assert page.title == f"face-analysis {VERSION}: API"
    paths = {e.text.replace("\u200b", "") for e in page.find_elements(
        By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/analyze", "/compare-faces", "/extract-face"} <= paths, paths


def test_nothing_is_loaded_from_outside_the_server(page, server):
    urls = set()
    for entry in page.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    urls |= set(page.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"))
    assert any(u.startswith(server + "/docs.json") for u in urls)  # the log did record
    assert any("/static_content/swagger-ui-bundle.js" in u for u in urls)
    foreign = sorted(u for u in urls if not u.startswith((server + "/", "data:", "blob:",
                                                          "chrome://", "chrome-untrusted://")))
    assert not foreign, foreign
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
