"""The page in a real browser: Debian's Chromium driven by Playwright against ``python app.py``.

A person's steps: paste Arabic, press a button, read the result from the page. Each test saves a
screenshot under its tmp dir (look at them: ``pytest --basetemp=shots tests/test_ui_browser.py``).
"""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.appserver import running_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WAIT_MS = 120_000  # a model call on a busy 2-core machine
SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def base(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_app(["--mt-model", str(memorised_ar_en)], tmp_path_factory.mktemp("ui-server")) as url:
        yield url


@contextmanager
def opened(browser: Browser, url: str, width: int = 1280) -> Iterator[Page]:
    """A new tab on the page at ``url``, ``width`` × 900, ready for typing; closed afterwards."""
    tab = browser.new_page(viewport={"width": width, "height": 900}, locale="en-GB")
    tab.set_default_timeout(WAIT_MS)
    tab.goto(url)
    tab.locator("#tj-article textarea").wait_for()
    try:
        yield tab
    finally:
        tab.close()


@pytest.fixture
def page(browser: Browser, base: str) -> Iterator[Page]:
    with opened(browser, base) as tab:
        yield tab


def uploaded(page: Page, component: str, name: str) -> None:
    """Wait until ``component`` holds the uploaded file ``name``: the server has it once the file's download
    link exists (it carries the name as its ``download`` attribute; the visible name is split into spans
    that the page may render as "reference .txt")."""
    link = page.locator(f'{component} [data-testid="download-link"]')
    expect(link).to_have_count(1, timeout=WAIT_MS)
    expect(link).to_have_attribute("download", name)


def test_translate_an_article(page: Page, memorised_pairs: list[tuple[str, str]], tmp_path: Path) -> None:
    pairs = memorised_pairs[:4]
    unknown = "في عام 2021 زار 15 وزيرا العاصمة."  # not memorised: the output loses its numbers
    article = page.locator("#tj-article textarea")
    article.fill("\n\n".join([*(a for a, _ in pairs), unknown]))
    assert article.evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.locator("#tj-translate").click()
    translation = page.locator("#tj-translation textarea")
    expect(translation).not_to_have_value("", timeout=WAIT_MS)
    paragraphs = translation.input_value().split("\n\n")
    assert paragraphs[:4] == [english for _, english in pairs]
    assert len(paragraphs) == 5
    expect(page.locator("#tj-status")).to_contain_text("Arabic → English (detected)")
    rows = page.locator("#tj-aligned tbody tr")
    expect(rows).to_have_count(5)
    assert rows.nth(0).locator("td").nth(1).evaluate("e => getComputedStyle(e).direction") == "rtl"
    assert rows.nth(0).locator("td").nth(2).inner_text() == pairs[0][1]
    flagged = page.locator("#tj-aligned tr.tj-flagged")
    expect(flagged).to_have_count(1)
    expect(flagged).to_contain_text("missing numbers: 2021, 15")
    page.screenshot(path=str(tmp_path / "translate.png"), full_page=True)

    page.locator("#tj-translate").click()  # the same article again: every sentence from the cache
    expect(page.locator("#tj-status")).to_contain_text("5 sentences, 5 from the cache", timeout=WAIT_MS)
    expect(page.locator("#tj-aligned tbody .tj-cache")).to_have_count(5)


def test_translate_english_to_arabic(
    browser: Browser,
    memorised_en_ar: Path,
    memorised_en_ar_pairs: list[tuple[str, str]],
    tmp_path_factory: pytest.TempPathFactory,
    tmp_path: Path,
) -> None:
    pairs = memorised_en_ar_pairs[:3]
    server = tmp_path_factory.mktemp("ui-en-ar-server")
    with running_app(["--mt-model", str(memorised_en_ar)], server) as url, opened(browser, url) as tab:
        tab.locator("#tj-article textarea").fill("\n\n".join(english for english, _ in pairs))
        tab.locator("#tj-translate").click()
        translation = tab.locator("#tj-translation textarea")
        expect(translation).not_to_have_value("", timeout=WAIT_MS)
        assert translation.input_value().split("\n\n") == [arabic for _, arabic in pairs]
        expect(tab.locator("#tj-status")).to_contain_text("English → Arabic (detected)")
        rows = tab.locator("#tj-aligned tbody tr")
        expect(rows).to_have_count(3)
        assert rows.nth(0).locator("td").nth(2).inner_text() == pairs[0][1]
        expect(tab.locator("#tj-aligned tr.tj-flagged")).to_have_count(0)
        tab.screenshot(path=str(tmp_path / "translate-en-ar.png"), full_page=True)


def test_missing_model_is_a_readable_message(page: Page, tmp_path: Path) -> None:
    page.locator("#tj-article textarea").fill("البارحة كان عيد ميلادي.")
    page.locator("#tj-model input").click()
    page.get_by_role("option", name="opus-mt-tc-big-ar-en").click()
    page.locator("#tj-translate").click()
    error = page.locator("#tj-status .tj-error")
    expect(error).to_contain_text("Model 'opus-mt-tc-big-ar-en' is not available", timeout=WAIT_MS)
    expect(error).to_contain_text("tarjama models pull opus-mt-tc-big-ar-en")
    assert "Traceback" not in page.content()
    page.screenshot(path=str(tmp_path / "model-missing.png"))

    page.locator("#tj-article textarea").fill("ب" * 100_001)  # over the limit: refused, not cut
    page.locator("#tj-translate").click()
    expect(error).to_contain_text("100,001 characters; the limit is 100,000", timeout=WAIT_MS)


def test_evaluate_uploaded_files(page: Page, tmp_path: Path) -> None:
    system, reference = tmp_path / "system.txt", tmp_path / "reference.txt"
    system.write_text("Yesterday was my birthday.\nThe road is wide.\n", encoding="utf-8")
    reference.write_text("Yesterday was my birthday.\nWhat is the width of this road?\n", encoding="utf-8")
    page.get_by_role("tab", name="Evaluate").click()
    page.locator("#tj-hyps input[type=file]").set_input_files(str(system))
    page.locator("#tj-refs input[type=file]").set_input_files(str(reference))
    uploaded(page, "#tj-hyps", "system.txt")
    uploaded(page, "#tj-refs", "reference.txt")
    page.locator("#tj-score").click()
    table = page.locator("#tj-scores table")
    expect(table).to_contain_text("system", timeout=WAIT_MS)
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("bleu")
    expect(page.locator("#tj-scores")).to_contain_text("nrefs:1")
    expect(page.locator("#tj-plots img")).to_have_count(3)
    links = page.locator("#tj-report a")
    expect(links).to_have_count(1)
    archive = page.request.get(links.first.get_attribute("href") or "")
    with zipfile.ZipFile(io.BytesIO(archive.body())) as zipped:
        html_report = zipped.read("report.html").decode("utf-8")
    assert "<table" in html_report and "system" in html_report
    page.screenshot(path=str(tmp_path / "evaluate.png"), full_page=True)


def test_summarise_an_article(page: Page, tmp_path: Path) -> None:
    article = (SEEDS / "ant_CN-middleEast-259-20180313.txt").read_text(encoding="utf-8")
    page.get_by_role("tab", name="Summarise").click()
    page.locator("#tj-sum-article textarea").fill(article)
    page.locator("#tj-summarize").click()
    marks = page.locator("#tj-sum-highlight mark")
    expect(marks).to_have_count(3, timeout=WAIT_MS)
    summary = page.locator("#tj-summary textarea").input_value()
    chosen = marks.all_inner_texts()
    assert all(sentence in summary for sentence in chosen)
    assert all(sentence in " ".join(article.split()) for sentence in chosen)
    expect(page.locator("#tj-sum-status")).to_contain_text("Extractive summary")
    assert page.locator("#tj-sum-highlight .tj-summary").get_attribute("dir") == "rtl"
    page.screenshot(path=str(tmp_path / "summary.png"), full_page=True)


def test_batch_upload_of_a_zip(page: Page, tmp_path: Path) -> None:
    archive = tmp_path / "articles.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(SEEDS / "ant_SK-economy-210-20180325.txt", "news/economy.txt")
        zipped.write(SEEDS / "ant_BB-internationalNews-253-20180330.txt", "news/pkk.txt")
        zipped.writestr("news/empty.txt", "")
    page.get_by_role("tab", name="Batch").click()
    page.locator("#tj-batch-files input[type=file]").set_input_files(str(archive))
    uploaded(page, "#tj-batch-files", "articles.zip")
    page.locator("#tj-batch-run").click()
    status = page.locator("#tj-batch-status")
    expect(status).to_contain_text("2 of 3 articles summarised", timeout=WAIT_MS)
    expect(status).to_contain_text("empty text: 1")
    links = page.locator("#tj-batch-results a")
    expect(links).to_have_count(3)
    jsonl, table, errors = (page.request.get(link.get_attribute("href") or "") for link in links.all())
    rows = [json.loads(line) for line in jsonl.text().splitlines()]
    assert sorted(row["id"] for row in rows) == ["news__economy.txt", "news__pkk.txt"]
    assert all(row["summary"] and row["method"] == "extractive" for row in rows)
    records = list(csv.DictReader(io.StringIO(table.body().decode("utf-8-sig"))))
    assert [r["summary"] for r in records] == [row["summary"] for row in rows]
    assert [json.loads(line)["id"] for line in errors.text().splitlines()] == ["news__empty.txt"]
    page.screenshot(path=str(tmp_path / "batch.png"), full_page=True)


@pytest.fixture
def wide(browser: Browser, base: str) -> Iterator[Page]:
    """The page at 1366×900, the size the layout was checked at."""
    with opened(browser, base, 1366) as tab:
        yield tab


def test_sentence_table_layout_and_downloads(wide: Page, memorised_pairs: list[tuple[str, str]]) -> None:
    downloads = [wide.locator("#tj-txt"), wide.locator("#tj-json")]
    for button in downloads:
        expect(button).to_be_disabled()  # nothing to download yet
    wide.locator("#tj-article textarea").fill(f"• Thursday, 23 January 2025\n\n{memorised_pairs[0][0]}")
    wide.locator("#tj-translate").click()
    expect(wide.locator("#tj-status")).to_contain_text("2 sentences", timeout=WAIT_MS)
    widths = wide.locator("#tj-aligned thead th").evaluate_all("hs => hs.map(h => h.offsetWidth)")
    assert abs(widths[1] - widths[2]) <= 1, widths  # source and translation columns equal
    cells = wide.locator("#tj-aligned tbody tr").nth(0).locator("td")
    direction = "e => getComputedStyle(e).direction"
    assert cells.nth(1).evaluate(direction) == "ltr"  # a Latin date line in an Arabic cell
    assert wide.locator("#tj-aligned tbody tr").nth(1).locator("td").nth(1).evaluate(direction) == "rtl"
    for button in downloads:
        expect(button).to_be_enabled()

    wide.locator("#tj-article textarea").fill(memorised_pairs[1][0])
    wide.locator("#tj-translate").click()
    one = re.compile(r"· 1 sentence, [01] from")  # the shared server may have cached it already
    expect(wide.locator("#tj-status")).to_contain_text(one, timeout=WAIT_MS)

    wide.locator("#tj-article textarea").fill("   ")
    wide.locator("#tj-translate").click()
    expect(wide.locator("#tj-status .tj-error")).to_be_visible(timeout=WAIT_MS)
    for button in downloads:
        expect(button).to_be_disabled()  # an error leaves nothing to download


LOGICAL_END_IS_LEFTMOST = """e => {
    const text = e.firstChild, range = document.createRange();
    const box = i => {
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        return range.getBoundingClientRect();
    };
    const last = box(text.length - 1);
    const line = [...Array(text.length).keys()].map(box).filter(r => Math.abs(r.top - last.top) < 2);
    return line.every(r => r.left >= last.left - 0.5);
}"""


def test_summarise_tab_layout_and_arabic_example_labels(wide: Page) -> None:
    wide.get_by_role("tab", name="Summarise").click()
    download = wide.locator("#tj-sum-txt")
    expect(download).to_be_disabled()
    article = (SEEDS / "ant_CN-middleEast-259-20180313.txt").read_text(encoding="utf-8")
    wide.locator("#tj-sum-article textarea").fill(article)
    wide.locator("#tj-summarize").click()
    expect(download).to_be_enabled(timeout=WAIT_MS)
    assert download.bounding_box()["height"] < 60  # a button, not a tall empty panel
    labels = wide.locator("#tj-sum-examples .gallery-item > div")
    expect(labels).to_have_count(4)
    texts = labels.all_inner_texts()
    assert any(t.endswith("…") for t in texts) and any(t.endswith('"') for t in texts)
    for index in range(4):  # the ellipsis or closing quote at the end of Arabic text: on the left
        assert labels.nth(index).evaluate(LOGICAL_END_IS_LEFTMOST), texts[index]


def test_evaluate_shows_p_values_and_offers_the_report_with_its_plots(wide: Page, tmp_path: Path) -> None:
    reference = tmp_path / "reference.txt"
    reference.write_text("Yesterday was my birthday.\nWhat is the width of this road?\n", encoding="utf-8")
    base, other = tmp_path / "base.txt", tmp_path / "other.txt"
    base.write_text("Yesterday was my birthday.\nThe road is wide.\n", encoding="utf-8")
    other.write_text("Today is a day.\nNo.\n", encoding="utf-8")
    wide.get_by_role("tab", name="Evaluate").click()
    wide.locator("#tj-hyps input[type=file]").set_input_files([str(base), str(other)])
    wide.locator("#tj-refs input[type=file]").set_input_files(str(reference))
    expect(wide.locator("#tj-hyps tbody tr")).to_have_count(2, timeout=WAIT_MS)  # both uploads listed
    expect(wide.locator("#tj-refs tbody tr")).to_have_count(1, timeout=WAIT_MS)
    wide.locator("#tj-score").click()
    significance = wide.locator("#tj-scores table.tj-significance")
    expect(significance.locator("tbody tr")).to_have_count(3, timeout=WAIT_MS)
    expect(significance).to_contain_text("p-value")
    expect(wide.locator("#tj-scores")).to_contain_text("A difference of zero is never significant")
    links = wide.locator("#tj-report a")
    expect(links).to_have_count(1)
    archive = wide.request.get(links.first.get_attribute("href") or "")
    with zipfile.ZipFile(io.BytesIO(archive.body())) as zipped:
        names = set(zipped.namelist())
        report = zipped.read("report.html").decode("utf-8")
    assert {"report.html", "report.md", "report.json"} <= names
    pictures = set(re.findall(r'src="([^"]+\.png)"', report))
    assert pictures and pictures <= names  # every picture the report shows comes with it


def test_a_new_test_set_run_clears_the_previous_error(wide: Page) -> None:
    wide.get_by_role("tab", name="Evaluate").click()
    wide.locator("#tj-plots").scroll_into_view_if_needed()
    models = wide.locator("#tj-evaluate-model input")
    models.click()
    wide.get_by_role("option", name="opus-mt-tc-big-ar-en").click()
    wide.locator("#tj-run-testset").click()
    error = wide.locator("#tj-eval-error")
    expect(error).to_contain_text("is not available", timeout=WAIT_MS)
    models.click()
    wide.get_by_role("option", name="Default", exact=True).click()
    wide.locator("#tj-run-testset").click()
    expect(wide.locator("#tj-scores .progress-text, #tj-scores .eta-bar").first).to_be_attached(
        timeout=WAIT_MS
    )
    assert "is not available" not in error.inner_text()  # gone while the new run is under way
    expect(wide.locator("#tj-scores table").first).to_be_visible(timeout=WAIT_MS)
