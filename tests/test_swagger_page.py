"""The Swagger page at / (front/swagger_page.py), in headless Chromium against the shared
server: it shows the project's own title, description and version, lists the
operations by their human names, and loads nothing from outside the server's origin."""

from __future__ import annotations


import pytest
from selenium.webdriver.common.by import By

from front.service_version import VERSION
from testkit.browser import chromium, foreign, requested_urls



@pytest.fixture(scope="module")
def page(server):
    with chromium(server + "/", lambda d: d.find_elements(
            By.CSS_SELECTOR, ".opblock-summary-operation-id, .opblock-summary-path"),
            timeout=60) as driver:
        yield driver


def test_the_page_is_the_project_s_own(page):
    info = page.find_element(By.CSS_SELECTOR, ".information-container").text
    assert "face-analysis" in info and VERSION in info, info
    assert "Self-hostable face analysis" in info and "BentoML" not in info, info
    assert page.title == f"face-analysis {VERSION}: API"
    paths = {e.text.replace("\u200b", "") for e in page.find_elements(
        By.CSS_SELECTOR, ".opblock-summary-path")}
    assert {"/analyze", "/compare-faces", "/extract-face"} <= paths, paths


def test_nothing_is_loaded_from_outside_the_server(page, server):
    urls = requested_urls(page)
    assert any(u.startswith(server + "/docs.json") for u in urls)  # the log did record
    assert any("/static_content/swagger-ui-bundle.js" in u for u in urls)
    outside = foreign(urls, server)
    assert not outside, outside
    errors = [e for e in page.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
