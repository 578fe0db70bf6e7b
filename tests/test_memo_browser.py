"""The memo in a real browser: headless chromium from the system's packages, driven by selenium.

What a reader sees: the sections and the effects in the page's text, every
clause link landing on a section, no error in the console, and a screenshot
(kept as docs/memo.png when the suite runs with --update-golden).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import skip_unless_ci
from contractlang.cli import main
from contractlang.language.checker import load

ROOT = Path(__file__).resolve().parents[1]
BOND = ROOT / "contracts" / "examples" / "fixed_rate_bond.contract"
BOND_REDEMPTION = ROOT / "scenarios" / "bond_redemption.toml"
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOT = ROOT / "docs" / "memo.png"


@pytest.fixture(scope="module")
def browser():
    """Headless chromium with its console log kept; the driver is the system's, so nothing is downloaded."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        skip_unless_ci("no system chromium (apt-get install chromium chromium-driver)")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        skip_unless_ci("selenium (the test extra) is not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1600", "--hide-scrollbars"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def memo(tmp_path_factory):
    """The bond's memo, its files named from the repository's top as a reader there would type them."""
    target = tmp_path_factory.mktemp("memo") / "bond.html"
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        outcome = CliRunner().invoke(main, ["render", str(BOND.relative_to(ROOT)), str(BOND_REDEMPTION.relative_to(ROOT)),
                                            "-o", str(target)])
    assert outcome.exit_code == 0, outcome.output
    return target


def test_the_browser_shows_every_section_and_effect_without_a_console_error(browser, memo, tmp_path, update_golden):
    browser.get(memo.as_uri())
    shown = browser.find_element("tag name", "body").text
    for section in load(str(BOND)).tree.sections:
        assert f"{section.label} {section.title}" in shown
    rows = browser.find_elements("css selector", "tr[id^=effect-]")
    assert len(rows) == 12
    assert "2026-03-16 payment 250,000.00 USD §3 event 2 (Redemption) redemption, Issuer → Holder" in shown
    assert "Redemption rejected: the bond may be redeemed only from its second anniversary" in shown
    landing = browser.execute_script(
        "return [...document.querySelectorAll('a.clause-link')]"
        ".map(a => document.getElementById(a.getAttribute('href').slice(1))?.tagName)")
    assert landing == ["SECTION"] * 12
    figure = browser.find_element("css selector", "figure svg")
    assert figure.size["width"] > 600 and figure.size["height"] > 300
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == []
    screenshot = tmp_path / "memo.png"
    assert browser.save_screenshot(str(screenshot))
    data = screenshot.read_bytes()
    assert data.startswith(b"\x89PNG") and len(data) > 50_000
    if update_golden:
        shutil.copyfile(screenshot, SCREENSHOT)


def test_an_explanation_opens_on_demand(browser, memo):
    browser.get(memo.as_uri())
    details = browser.find_element("css selector", "#effect-10 details")
    step = details.find_element("css selector", "li")
    assert not step.is_displayed()
    details.find_element("tag name", "summary").click()
    assert step.is_displayed()
    assert "2026-03-16" in details.text and "rounded to cents, half up" in details.text
