"""The page on a phone (390×844) and on a laptop (1366×900), in Debian's Chromium: every tab reachable,
nothing clipped, each sentence pair stacked on the phone, the result brought into view; and what
LibreTranslate and DeepL users reach for: a swap button and a character counter with the limit; the Batch
tab's controls for the chosen job only. Screenshots go to each test's tmp dir."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.appserver import running_app
from tests.test_ui_browser import WAIT_MS

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
TABS = {  # tab → something only that tab shows
    "Translate": "#tj-article textarea",
    "Summarise": "#tj-sum-article textarea",
    "Batch": "#tj-batch-job",
    "Evaluate": "#tj-score",
}


@pytest.fixture(scope="module")
def base(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(["--mt-model", str(memorised_ar_en)], tmp_path_factory.mktemp("ui-phone")) as url:
        yield url


@contextmanager
def opened(browser: Browser, url: str, viewport: dict[str, int]) -> Iterator[Page]:
    tab = browser.new_page(viewport=viewport, locale="en-GB", is_mobile=viewport == PHONE, has_touch=True)
    tab.set_default_timeout(WAIT_MS)
    tab.goto(url)
    tab.locator("#tj-article textarea").wait_for()
    try:
        yield tab
    finally:
        tab.close()


def in_view(page: Page, selector: str) -> bool:
    box = page.locator(selector).bounding_box()
    assert box is not None
    height = page.viewport_size["height"] if page.viewport_size else 0
    return box["y"] >= -2 and box["y"] < height / 2  # its top in the upper half: readable without scrolling


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
@pytest.mark.parametrize("tab_name", list(TABS))
def test_every_tab_is_reachable_and_fits(
    tab_name: str, viewport: dict[str, int], browser: Browser, base: str, tmp_path: Path
) -> None:
    with opened(browser, base, viewport) as page:
        button = page.get_by_role("tab", name=tab_name, exact=True)
        expect(button).to_be_visible()  # in the tab bar itself, not behind an overflow menu
        box = button.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        button.click()
        expect(page.locator(TABS[tab_name]).first).to_be_visible()
        page.screenshot(path=str(tmp_path / f"{tab_name}.png"), full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than the screen"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_direction_dropdown_is_not_clipped(viewport: dict[str, int], browser: Browser, base: str) -> None:
    with opened(browser, base, viewport) as page:
        field = page.locator("#tj-direction input")
        expect(field).to_have_value("Detect automatically")
        clipped = field.evaluate("e => e.scrollWidth - e.clientWidth")
        assert clipped <= 0, f"'Detect automatically' is cut by {clipped} px"


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_the_sentence_table_and_the_result_in_view(
    viewport: dict[str, int], browser: Browser, base: str, memorised_pairs: list, tmp_path: Path
) -> None:
    pairs = memorised_pairs[:3]
    with opened(browser, base, viewport) as page:
        page.locator("#tj-article textarea").fill("\n\n".join(a for a, _ in pairs))
        page.locator("#tj-translate").click()
        translation = page.locator("#tj-translation textarea")
        expect(translation).not_to_have_value("", timeout=WAIT_MS)
        page.wait_for_timeout(500)  # the scroll after the answer
        assert in_view(page, "#tj-translation"), "the answer is off screen after Translate"
        cells = page.locator("#tj-aligned tbody tr").first.locator("td")
        source, target = cells.nth(1).bounding_box(), cells.nth(2).bounding_box()
        assert source is not None and target is not None
        if viewport == PHONE:  # stacked: the translation under its source, each the screen's width
            assert target["y"] >= source["y"] + source["height"] - 1
            assert source["width"] > 250 and target["width"] > 250  # squeezed side by side: ~100 px each
        else:  # side by side, as before
            assert abs(target["y"] - source["y"]) < 2 and target["x"] > source["x"] + source["width"] - 1
        assert cells.nth(2).inner_text() == pairs[0][1]
        page.screenshot(path=str(tmp_path / "translated.png"), full_page=True)


def test_an_error_scrolls_into_view_on_a_phone(browser: Browser, base: str) -> None:
    with opened(browser, base, PHONE) as page:
        page.locator("#tj-article textarea").fill("البارحة كان عيد ميلادي.")
        page.locator("#tj-model input").click()
        page.get_by_role("option", name="opus-mt-tc-big-ar-en").click()
        page.locator("#tj-translate").click()
        expect(page.locator("#tj-status .tj-error")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(500)
        assert in_view(page, "#tj-status .tj-error")


def test_swap_turns_the_direction_and_the_text_round(
    browser: Browser, base: str, memorised_pairs: list
) -> None:
    arabic, english = memorised_pairs[0]
    with opened(browser, base, PHONE) as page:
        page.locator("#tj-article textarea").fill(arabic)
        page.locator("#tj-translate").click()
        expect(page.locator("#tj-translation textarea")).to_have_value(english, timeout=WAIT_MS)
        page.locator("#tj-swap").click()
        expect(page.locator("#tj-article textarea")).to_have_value(english)
        expect(page.locator("#tj-translation textarea")).to_have_value("")
        expect(page.locator("#tj-direction input")).to_have_value("English → Arabic")
        page.locator("#tj-swap").click()  # no translation yet: only the direction turns
        expect(page.locator("#tj-direction input")).to_have_value("Arabic (Modern Standard) → English")
        expect(page.locator("#tj-article textarea")).to_have_value(english)


def test_the_character_counter_shows_the_limit(browser: Browser, base: str) -> None:
    with opened(browser, base, PHONE) as page:
        counter = page.locator("#tj-counter")
        expect(counter).to_have_text("0 / 100,000 characters")
        page.locator("#tj-article textarea").fill("مرحبا بكم")
        expect(counter).to_have_text("9 / 100,000 characters")
        expect(counter.locator(".tj-over")).to_have_count(0)
        page.locator("#tj-article textarea").fill("a" * 100_001)
        expect(counter).to_have_text("100,001 / 100,000 characters")
        expect(counter.locator(".tj-over")).to_have_count(1)


def test_the_batch_tab_shows_the_chosen_jobs_controls(
    browser: Browser, base: str, memorised_pairs: list, memorised_ar_en: Path, tmp_path: Path
) -> None:
    articles = tmp_path / "articles.jsonl"
    lines = [
        json.dumps({"id": f"a{i}", "text": a}, ensure_ascii=False)
        for i, (a, _) in enumerate(memorised_pairs[:2])
    ]
    articles.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with opened(browser, base, PHONE) as page:
        page.get_by_role("tab", name="Batch", exact=True).click()
        method, length = page.locator("#tj-batch-method"), page.locator("#tj-batch-length")
        language, model = page.locator("#tj-batch-to"), page.locator("#tj-batch-model")
        expect(method).to_be_visible()
        expect(length).to_be_visible()
        expect(language).to_contain_text("Summary language")
        expect(model).to_be_hidden()
        page.locator("#tj-batch-job").get_by_text("Translate").click()
        expect(method).to_be_hidden()
        expect(length).to_be_hidden()
        expect(language).to_contain_text("Translate into")
        expect(model).to_be_visible()
        page.locator("#tj-batch-files input[type=file]").set_input_files(str(articles))
        expect(page.locator('#tj-batch-files [data-testid="download-link"]')).to_have_count(
            1, timeout=WAIT_MS
        )
        for choice, outcome in (
            ("opus-mt-tc-big-ar-en", "is not available"),
            (memorised_ar_en.name, "translated"),
        ):
            model.locator("input").click()
            page.get_by_role("option", name=choice).click()  # the chosen model is the one used
            page.locator("#tj-batch-run").click()
            expect(page.locator("#tj-batch-status")).to_contain_text(outcome, timeout=WAIT_MS)
        page.screenshot(path=str(tmp_path / "batch.png"), full_page=True)
        page.locator("#tj-batch-job").get_by_text("Summarise").click()
        expect(method).to_be_visible()
        expect(language).to_contain_text("Summary language")
        expect(model).to_be_hidden()


def test_a_failed_run_keeps_the_earlier_scores(browser: Browser, base: str, tmp_path: Path) -> None:
    system, reference = tmp_path / "system.txt", tmp_path / "reference.txt"
    system.write_text("Yesterday was my birthday.\nThe road is wide.\n", encoding="utf-8")
    reference.write_text("Yesterday was my birthday.\nWhat is the width of this road?\n", encoding="utf-8")
    with opened(browser, base, LAPTOP) as page:
        page.get_by_role("tab", name="Evaluate", exact=True).click()
        page.locator("#tj-hyps input[type=file]").set_input_files(str(system))
        page.locator("#tj-refs input[type=file]").set_input_files(str(reference))
        for component in ("#tj-hyps", "#tj-refs"):
            expect(page.locator(f'{component} [data-testid="download-link"]')).to_have_count(
                1, timeout=WAIT_MS
            )
        page.locator("#tj-score").click()
        table = page.locator("#tj-scores table").first
        expect(table).to_contain_text("bleu", timeout=WAIT_MS)
        shown = table.inner_text()
        expect(page.locator("#tj-report a")).to_have_count(1)
        page.locator("#tj-evaluate-model input").click()
        page.get_by_role("option", name="opus-mt-tc-big-ar-en").click()
        page.locator("#tj-run-testset").click()
        expect(page.locator("#tj-eval-error")).to_contain_text("is not available", timeout=WAIT_MS)
        expect(table).to_be_visible()
        assert table.inner_text() == shown  # what was shown stays
        expect(page.locator("#tj-plots img")).to_have_count(3)
        expect(page.locator("#tj-report a")).to_have_count(1)
