"""The Documents tab in a real browser: upload a Word document, read its sentences, download it translated."""

from __future__ import annotations

import io
from pathlib import Path

import docx
from playwright.sync_api import Browser, expect

from tests import documents_samples as samples
from tests.appserver import running_app
from tests.test_ui_browser import WAIT_MS, opened, uploaded

Pairs = list[tuple[str, str]]


def test_upload_a_word_document_and_download_its_translation(
    browser: Browser, memorised_ar_en: Path, memorised_pairs: Pairs, tmp_path: Path
) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    source = tmp_path / "statement.docx"
    source.write_bytes(samples.word(ar))
    server = tmp_path / "server"
    server.mkdir()
    with running_app(["--mt-model", str(memorised_ar_en)], server) as url, opened(browser, url) as page:
        page.get_by_role("tab", name="Documents").click()
        download = page.locator("#tj-doc-download")
        expect(download).to_be_disabled()
        page.locator("#tj-doc-file input[type=file]").set_input_files(str(source))
        uploaded(page, "#tj-doc-file", "statement.docx")
        page.locator("#tj-doc-translate").click()
        expect(page.locator("#tj-doc-status")).to_contain_text(
            "translated into statement.en.docx", timeout=WAIT_MS
        )
        rows = page.locator("#tj-doc-aligned tbody tr")
        expect(rows.first).to_contain_text(en[0])
        assert rows.first.locator("td").nth(1).inner_text() == ar[0]
        expect(download).to_be_enabled()
        with page.expect_download() as caught:
            download.click()
        assert caught.value.suggested_filename == "statement.en.docx"
        document = docx.Document(io.BytesIO(Path(caught.value.path()).read_bytes()))
        assert document.paragraphs[0].text == f"{en[0]} {en[1]}"
        assert document.tables[0].cell(0, 0).text == en[3]
        page.screenshot(path=str(tmp_path / "documents.png"), full_page=True)
