"""The site in a real browser: headless Chromium (Debian's chromium and chromium-driver)
against `policy-search serve` on 127.0.0.1. Screenshots go to build/screenshots/."""

from __future__ import annotations

import json
import os
import shutil
import urllib.request
from pathlib import Path

import pytest

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
SHOTS = Path(__file__).resolve().parent.parent / "build" / "screenshots"

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (scripts/test installs them as root)",
)


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def shoot(browser, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def test_search_journey(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 10)
    browser.get(server + "/")
    box = browser.find_element(By.ID, "q")
    box.send_keys("三个")
    # autocomplete offers the glossary term; the keyboard picks it
    wait.until(ec.visibility_of_element_located((By.CSS_SELECTOR, "#suggest-list li.term")))
    assert browser.find_element(By.ID, "q").get_attribute("aria-expanded") == "true"
    options = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#suggest-list li")]
    assert options[0] == "三个一批"
    box.send_keys(Keys.ARROW_DOWN, Keys.ENTER)
    wait.until(ec.url_contains("q="))
    marks = browser.find_elements(By.CSS_SELECTOR, ".snippet mark")
    assert marks and all(m.text.replace("“", "").replace("”", "") == "三个一批" for m in marks)
    assert browser.find_element(By.CSS_SELECTOR, ".card h2").text == "三个一批"
    shoot(browser, "search-desktop")

    # reports are named as people cite them: region, year, title (the id stays in links)
    with urllib.request.urlopen(server + "/api/docs", timeout=10) as response:
        labels = {d["doc"]: d["label"] for d in json.load(response)["documents"]}
    shown = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".facets section li a")]
    assert set(labels.values()) & set(shown) and not set(labels) & set(shown)
    assert {a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit .source a")} <= set(
        labels.values()
    )

    # a facet narrows the results
    facet = browser.find_element(By.CSS_SELECTOR, ".facets section li a")
    region = facet.text
    facet.click()
    wait.until(ec.url_contains("region="))
    cited = {e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hit .source a")}
    assert cited and all(label.startswith(region + " ") for label in cited)

    # a hit opens its document at the paragraph, the query marked
    link = browser.find_element(By.CSS_SELECTOR, ".hit .source a")
    anchor = link.get_attribute("href").rsplit("#", 1)[1]
    link.click()
    wait.until(ec.url_contains("/doc/"))
    target = browser.find_element(By.ID, anchor)
    assert target.find_elements(By.TAG_NAME, "mark")
    assert browser.execute_script("return document.querySelector(':target').id") == anchor
    shoot(browser, "document-desktop")

    # the glossary card leads to the definitions and where the term is used
    browser.get(server + "/?q=三个一批")
    browser.find_element(By.LINK_TEXT, "用法与出处").click()
    wait.until(ec.url_contains("/glossary?term="))
    assert len(browser.find_elements(By.CSS_SELECTOR, ".card")) == 3
    used_in = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, "table tbody td:first-child a")
    ]
    assert used_in and set(used_in) <= set(labels.values())

    # the glossary list filters as you type
    browser.get(server + "/glossary")
    browser.find_element(By.ID, "glossary-filter").send_keys("13710")
    visible = [e for e in browser.find_elements(By.CSS_SELECTOR, ".entry") if e.is_displayed()]
    assert len(visible) == 3


def test_new_terms_journey(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    wait = WebDriverWait(browser, 10)
    browser.get(server + "/")
    browser.find_element(By.LINK_TEXT, "新提法").click()
    wait.until(ec.url_contains("/new"))
    Select(browser.find_element(By.NAME, "year")).select_by_visible_text("2022")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait.until(ec.url_contains("year=2022"))
    terms = [
        a.text
        for a in browser.find_elements(By.CSS_SELECTOR, ".new-terms tbody td:first-child > a")
    ]
    assert {"三个一批", "两个确保"} <= set(terms[:5])
    shoot(browser, "new-terms-desktop")
    # a term opens its first use, marked
    browser.find_element(By.CSS_SELECTOR, ".new-terms tbody tr td:nth-child(5) a").click()
    wait.until(ec.url_contains("/doc/"))
    assert terms[0] in [m.text for m in browser.find_elements(By.CSS_SELECTOR, "mark")]

    # the targets of a region over its years, charted
    browser.find_element(By.LINK_TEXT, "预期目标").click()
    wait.until(ec.url_contains("/targets"))
    Select(browser.find_element(By.NAME, "region")).select_by_visible_text("新华区")
    browser.find_element(By.CSS_SELECTOR, "form.filters button").click()
    wait.until(ec.url_contains("region="))
    headings = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.indicator h2")]
    assert "固定资产投资增长" in headings
    assert browser.find_elements(By.CSS_SELECTOR, "section.indicator figure.chart svg rect")
    shoot(browser, "targets-desktop")

    # a report against its region's previous one, from the report's page
    browser.get(server + "/doc/000_930e0c23bba17279.txt")
    browser.find_element(By.PARTIAL_LINK_TEXT, "与本地区上一份报告").click()
    wait.until(ec.url_contains("/compare?"))
    added = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, "section.added li > a:first-child")
    ]
    assert "三个一批" in added
    changed = browser.find_elements(By.CSS_SELECTOR, "table.targets tr.changed")
    assert any("固定资产投资增长" in row.text for row in changed)
    shoot(browser, "compare-desktop")


def test_phone_width(server, browser):
    from selenium.webdriver.common.by import By

    browser.set_window_size(390, 844)
    try:
        browser.get(server + "/?q=优化营商环境")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390  # no sideways scrolling
        assert browser.find_element(By.CSS_SELECTOR, ".snippet mark").is_displayed()
        shoot(browser, "search-phone")
    finally:
        browser.set_window_size(1280, 900)
