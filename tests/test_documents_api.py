"""``POST /translate_file``, its download route and ``GET /frontend/settings`` against a running app.py."""

from __future__ import annotations

import html
import io
from collections.abc import Iterator
from pathlib import Path

import docx
import httpx
import pytest

from tarjama.translate import LANGUAGES
from tarjama.web.files import TranslatedFiles
from tests import documents_samples as samples
from tests.appserver import running_app
from tests.documents_hostile import hostile_word
from tests.test_documents_inline import SENTENCE, bold_word_document, check_bold

Pairs = list[tuple[str, str]]
KEY = "tj-docs"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def server(memorised_ar_en: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("documents-server")
    (tmp / "keys.txt").write_text(f"{KEY} 1000\n", encoding="utf-8")
    (tmp / "tmp").mkdir()
    args = ["--mt-model", str(memorised_ar_en), "--api-keys", str(tmp / "keys.txt")]
    args += ["--forwarded-allow-ips", "127.0.0.1"]
    with running_app(args, tmp, env={"TMPDIR": str(tmp / "tmp")}) as url:
        yield url, tmp / "tmp"


@pytest.fixture(scope="module")
def client(server: tuple[str, Path]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server[0], timeout=120) as http:
        yield http


def _upload(client: httpx.Client, name: str, data: bytes, **fields: str) -> httpx.Response:
    return client.post(
        "/translate_file",
        files={"file": (name, data, "application/octet-stream")},
        data={"source": "ar", "target": "en", **fields},
        headers={"X-Forwarded-For": "10.0.0.1"},
    )


def test_a_word_document_in_and_out_for_its_uploader_only(
    client: httpx.Client, memorised_pairs: Pairs
) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    answer = _upload(client, "بيان.docx", samples.word(ar), api_key=KEY)
    assert answer.status_code == 200, answer.text
    url = answer.json()["translatedFileUrl"]
    assert url.startswith(str(client.base_url)) and answer.json()["expiresIn"] == 3600
    assert client.get(url, headers={"X-Forwarded-For": "10.0.0.2"}).status_code == 403
    download = client.get(url, headers={"X-Forwarded-For": "10.0.0.1"})
    assert download.status_code == 200 and download.headers["content-type"] == DOCX
    assert "filename*=UTF-8''%D8%A8%D9%8A%D8%A7%D9%86.en.docx" in download.headers["content-disposition"]
    document = docx.Document(io.BytesIO(download.content))
    assert document.paragraphs[0].text == f"{en[0]} {en[1]}"
    assert client.get(url.rsplit("/", 2)[0] + "/nope/x.docx").json() == {
        "error": "No such translated file: it has expired or was never made"
    }


def test_a_bold_word_inside_a_sentence_keeps_its_words(client: httpx.Client, memorised_pairs: Pairs) -> None:
    arabic, english = memorised_pairs[SENTENCE]
    answer = _upload(client, "bold.docx", bold_word_document(arabic), api_key=KEY)
    assert answer.status_code == 200, answer.text
    download = client.get(answer.json()["translatedFileUrl"], headers={"X-Forwarded-For": "10.0.0.1"})
    paragraph = docx.Document(io.BytesIO(download.content)).paragraphs[0]
    check_bold(paragraph.text, "".join(r.text for r in paragraph.runs if r.bold), english)


def test_html_entities_are_decoded_before_detection(client: httpx.Client, memorised_pairs: Pairs) -> None:
    arabic, english = memorised_pairs[3]
    encoded = "".join(f"&#{ord(c)};" for c in arabic)
    answer = client.post(
        "/translate", json={"q": f"<p>{encoded}</p>", "source": "auto", "target": "en", "format": "html"}
    )
    assert answer.json()["detectedLanguage"]["language"] == "ar"
    assert answer.json()["translatedText"] == f"<p>{html.escape(english, quote=False)}</p>"


def test_a_saved_page_article_only(client: httpx.Client, memorised_pairs: Pairs) -> None:
    ar, en = [a for a, _ in memorised_pairs], [e for _, e in memorised_pairs]
    menu = "".join(f'<li><a href="/{i}">{ar[10 + i]}</a></li>' for i in range(4))
    body = f"<article><h1>{ar[0]}</h1><p>{' '.join(ar[:6])}</p><p>{' '.join(ar[1:7])}</p></article>"
    page = f"<html><body><nav><ul>{menu}</ul></nav>{body}</body></html>".encode()
    answer = _upload(client, "saved.html", page, article_only="true")
    assert answer.status_code == 200, answer.text
    article = client.get(answer.json()["translatedFileUrl"], headers={"X-Forwarded-For": "10.0.0.1"}).text
    assert en[0] in article and en[10] not in article


@pytest.mark.parametrize(
    ("name", "data", "fields", "status", "message"),
    [
        (
            "a.docx",
            hostile_word("bomb"),
            {},
            400,
            "a.docx: word/media/zeros.bin is compressed more than 100:1",
        ),
        ("a.docx", hostile_word("members"), {}, 400, "a.docx holds 2,0"),
        ("a.docx", hostile_word("laughs"), {}, 400, "a.docx: word/document.xml declares entities of its own"),
        ("a.docx", hostile_word("xxe"), {}, 400, "a.docx: word/document.xml declares entities of its own"),
        ("a.docx", b"just text", {}, 400, "a.docx is not a Word document: its content is not a zip archive"),
        ("a.exe", b"MZ", {}, 400, "tarjama translates .txt"),
        ("a.docx", samples.word(["نص."] * 8), {"api_key": "wrong"}, 403, "Invalid API key"),
        ("a.docx", samples.word(["نص."] * 8), {"target": "fr"}, 400, "target"),
    ],
)
def test_refusals_are_json_errors_and_leave_nothing_on_disk(
    client: httpx.Client,
    server: tuple[str, Path],
    name: str,
    data: bytes,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    before = sorted(server[1].rglob("*"))
    answer = _upload(client, name, data, **fields)
    assert answer.status_code == status and message in answer.json()["error"], answer.text
    assert sorted(server[1].rglob("*")) == before


def test_an_upload_over_the_size_limit_is_413(client: httpx.Client) -> None:
    answer = _upload(client, "big.txt", b"x" * (81 * 1024 * 1024))
    assert answer.status_code == 413 and "over the limit" in answer.json()["error"]


def test_frontend_settings_in_libretranslates_shape(client: httpx.Client) -> None:
    settings = client.get("/frontend/settings").json()
    assert (
        settings["charLimit"] == 100_000 and settings["apiKeys"] is True and settings["keyRequired"] is False
    )
    assert {".docx", ".pptx", ".odt", ".odp", ".epub", ".html", ".srt", ".vtt", ".md", ".txt", ".pdf"} <= set(
        settings["supportedFilesFormat"]
    )
    assert settings["filesTranslation"] is True and settings["translatedFileSeconds"] == 3600
    assert [language["code"] for language in settings["languages"]] == list(LANGUAGES)


def test_translated_files_expire_and_the_oldest_go_first_when_memory_is_full() -> None:
    from tarjama.translate.documents import TranslatedDocument

    now = [0.0]
    store = TranslatedFiles(ttl=60, max_bytes=10, clock=lambda: now[0])
    made = [TranslatedDocument(f"{i}.txt", b"12345", "text/plain", "ar", "en", []) for i in range(3)]
    tokens = [store.put("c", document) for document in made]
    with pytest.raises(Exception, match="expired or was never made"):
        store.get(tokens[0], "c")  # three of five bytes are over ten: the first went
    assert store.get(tokens[2], "c").name == "2.txt"
    now[0] = 60.0
    with pytest.raises(Exception, match="expired or was never made"):
        store.get(tokens[2], "c")
