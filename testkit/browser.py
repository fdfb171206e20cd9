"""Headless Debian Chromium driven through Selenium, for the tests of the pages the
service serves (the web page, the Swagger page, the gallery view)."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator

import pytest
# requirements-dev.txt; when missing the module fails to import, it is not skipped
from selenium import webdriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
ARGUMENTS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
             "--disable-background-networking", "--disable-component-update",
             "--disable-sync", "--no-first-run", "--disable-default-apps",
             "--disable-extensions",
             # a synthetic camera (a moving test pattern), granted without a prompt
             "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
             "--window-size=1280,1000")


@contextlib.contextmanager
def chromium(url: str, ready: Callable, timeout: float = 30) -> Iterator[webdriver.Chrome]:
    """A browser at `url`, once `ready(driver)` is true; its performance and console logs
    kept (a test reads every request the page made)."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.path.exists(p)]
    if missing:
        pytest.fail(f"{missing} missing: apt-get install chromium chromium-driver "
                    "(.ci/run does it)")
    offline = os.environ.get("SE_OFFLINE")
    os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must not download a browser
    profile = tempfile.mkdtemp(prefix="chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (*ARGUMENTS, f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=webdriver.ChromeService(CHROMEDRIVER), options=options)
    try:
        driver.get(url)
        WebDriverWait(driver, timeout).until(ready)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        if offline is None:
            os.environ.pop("SE_OFFLINE", None)
        else:
            os.environ["SE_OFFLINE"] = offline


#: URL prefixes that never leave the browser (the page's own data, the browser's start page)
IN_BROWSER = ("data:", "blob:", "chrome://", "chrome-untrusted://")


def requested_urls(driver: webdriver.Chrome) -> set[str]:
    """Every URL the browser has requested so far: its network log and the page's
    resource timing (each catches some the other misses)."""
    urls = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.add(message["params"]["request"]["url"])
    return urls | set(driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"))


def foreign(urls: set[str], server: str) -> list[str]:
    """The URLs that went anywhere but `server`."""
    return sorted(u for u in urls if not u.startswith((server + "/", *IN_BROWSER)))
