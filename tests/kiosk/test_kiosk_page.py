"""The kiosk page in real headless Debian Chromium: type a question, watch the checked answer stream in."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

CHROMIUM, DRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SHOTS = Path(os.environ.get("KIOSK_SCREENSHOT_DIR", tempfile.gettempdir())) / "kiosk-screenshots"


@pytest.fixture
def browser():
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.skip("Debian chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="kiosk-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=800,480"):
        opts.add_argument(flag)
    drv = webdriver.Chrome(service=Service(DRIVER), options=opts)
    drv.set_page_load_timeout(20)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _viewport(drv, w, h):
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})


@pytest.mark.slow
def test_type_a_question_and_see_the_streamed_answer(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    SHOTS.mkdir(parents=True, exist_ok=True)
    for w, h in ((800, 480), (1920, 1080)):
        _viewport(browser, w, h)
        browser.get(server.url)
        WebDriverWait(browser, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#suggestions button")) == 4)
        assert browser.find_element(By.ID, "store").text == "Test Mart"
        box = browser.find_element(By.ID, "q")
        box.clear()
        box.send_keys("where is the milk", Keys.ENTER)
        WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "answer").get_attribute("data-done") == "1")
        sentences = [p.text for p in browser.find_elements(By.CSS_SELECTOR, "#answer p.sentence")]
        assert sentences == ["Whole Milk 1L, Oat Milk 1L and Almond Milk 1L are in Fridge 1.", "Almond Milk 1L is out of stock right now."]
        assert browser.find_element(By.ID, "answer").get_attribute("data-sources") == "MLK-WHL-1L,MLK-OAT-1L,MLK-ALM-1L"
        # fits the screen: nothing scrolls sideways, the input, button and answer are all on screen
        assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")
        for el in ("q", "send", "answer"):
            r = browser.execute_script("const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.top, r.bottom, r.height];", el)
            assert r[0] >= 0 and r[1] <= h and r[2] > 30, (w, h, el, r)
        font = browser.execute_script("return parseFloat(getComputedStyle(document.getElementById('answer')).fontSize)")
        assert font >= 22
        path = SHOTS / f"kiosk-{w}x{h}.png"
        assert browser.save_screenshot(str(path)) and path.stat().st_size > 10_000


@pytest.mark.slow
def test_suggestion_button_and_markup_in_answers_is_shown_as_text(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _viewport(browser, 800, 480)
    browser.get(server.url)
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#suggestions button"))
    first = browser.find_element(By.CSS_SELECTOR, "#suggestions button")
    first.click()
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "answer").get_attribute("data-done") == "1")
    assert browser.find_element(By.CSS_SELECTOR, "#answer p.sentence").text == "Whole Milk 1L is in Fridge 1."
    box = browser.find_element(By.ID, "q")
    box.clear()
    box.send_keys('<img src=x onerror="document.title=1"> do you sell <b>lawn mowers</b>?\n')
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "answer").get_attribute("data-done") == "1")
    assert browser.find_elements(By.CSS_SELECTOR, "#answer img, #answer b") == []
    assert browser.title == "Ask the store"
