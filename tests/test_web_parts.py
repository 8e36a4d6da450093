"""The web server's parts that need no model and no browser: limits, keys, uploads, presenters."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from tarjama.inference.errors import InvalidInputError, LimitExceededError
from tarjama.translate import Segment, Translation, TranslationStats
from tarjama.web import presenters
from tarjama.web.api import ApiAccess, ApiError, RateLimiter, load_api_keys
from tarjama.web.handlers import model_choices
from tarjama.web.jobs import evaluate_files, jsonl_to_csv, prepare_batch_input
from tarjama.web.languages import detect
from tarjama.web.service import Limits, TarjamaService


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_rate_limiter_window_slides() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    assert [limiter.retry_after("a", 2) for _ in range(3)] == [0.0, 0.0, 60.0]
    assert limiter.retry_after("b", 2) == 0.0  # another client has its own budget
    clock.now += 30
    assert limiter.retry_after("a", 2) == pytest.approx(30.0)
    clock.now += 30.001
    assert limiter.retry_after("a", 2) == 0.0
    assert all(limiter.retry_after("c", 0) == 0.0 for _ in range(100))  # 0 = no limit


def test_rate_limiter_keeps_limiting_minute_after_minute() -> None:
    """Ten minutes of one request a second against a limit of 3 a minute: every minute admits exactly 3,
    and each is admitted only once the request it replaces is a full window old."""
    clock = FakeClock()
    limiter = RateLimiter(clock=clock)
    admitted: list[float] = []
    for second in range(600):
        clock.now = 1000.0 + second
        wait = limiter.retry_after("client", 3)
        if wait == 0.0:
            admitted.append(clock.now)
        else:
            assert wait == pytest.approx(admitted[-3] + 60.0 - clock.now)
    assert admitted == [1000.0 + minute * 60 + s for minute in range(10) for s in range(3)]
    # a burst late in one minute still counts early in the next: the window slides, it is not reset
    for offset, expected in [(0, 0.0), (50, 0.0), (51, 0.0), (61, 0.0), (62, 48.0), (110.5, 0.0)]:
        clock.now = 5000.0 + offset
        assert limiter.retry_after("burst", 3) == pytest.approx(expected), offset


@pytest.mark.parametrize(
    ("key", "require", "expected"),
    [
        (None, False, ("ip:1.2.3.4", 5)),
        ("k1", False, ("key:k1", 2)),
        ("k2", True, ("key:k2", 5)),
    ],
)
def test_access_buckets(key: str | None, require: bool, expected: tuple[str, int]) -> None:
    access = ApiAccess(req_limit=5, keys={"k1": 2, "k2": 5}, require_key=require)
    assert access.limit_for(key, "1.2.3.4") == expected


@pytest.mark.parametrize(("key", "require", "status"), [("nope", False, 403), (None, True, 400)])
def test_access_refusals(key: str | None, require: bool, status: int) -> None:
    with pytest.raises(ApiError) as refused:
        ApiAccess(keys={"k1": 2}, require_key=require).limit_for(key, "1.2.3.4")
    assert refused.value.status == status


def test_api_keys_file(tmp_path: Path) -> None:
    good = tmp_path / "keys.txt"
    good.write_text("# comment\nalpha 10\n\nbeta  # no limit given\n", encoding="utf-8")
    assert load_api_keys(good, default_limit=7) == {"alpha": 10, "beta": 7}
    bad = tmp_path / "bad.txt"
    bad.write_text("alpha ten\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="line 1"):
        load_api_keys(bad)
    with pytest.raises(InvalidInputError, match="cannot read"):
        load_api_keys(tmp_path / "missing.txt")


def test_limits_refuse_with_a_message() -> None:
    limits = Limits(request_chars=10, request_items=2, upload_bytes=100)
    limits.check_texts(["12345", "12345"])
    with pytest.raises(LimitExceededError, match="11 characters; the limit is 10"):
        limits.check_texts(["123456", "12345"])
    with pytest.raises(LimitExceededError, match="3 texts"):
        limits.check_texts(["1", "2", "3"])
    with pytest.raises(LimitExceededError, match="limit is 0 MB"):
        limits.check_upload(101, "big.zip")


@pytest.mark.parametrize(("text", "language"), [("مرحبا بكم hello", "ar"), ("Hello مرحبا world", "en")])
def test_detect_reports_a_percentage(text: str, language: str) -> None:
    found = detect(text)
    assert found.language == language
    assert 0 < found.confidence <= 100  # the model's probability: two words of English are not certain
    assert found.as_dict() == {"confidence": found.confidence, "language": language}
    assert found.candidate_dicts()[0] == found.as_dict()


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for name, text in members.items():
            zipped.writestr(name, text)
    return path


def test_batch_input_from_txt_and_zip(tmp_path: Path) -> None:
    loose = tmp_path / "one.txt"
    loose.write_text("نص أول", encoding="utf-8")
    members = {
        "../../evil.txt": "نص",
        "dir/two.txt": "نص",
        "notes.md": "x",
        "dir__two.txt": "نص",
        "ONE.TXT": "نص",
    }
    archive = _zip(tmp_path / "a.zip", members)
    batch_input = prepare_batch_input([loose, archive], tmp_path / "in", Limits())
    names = sorted(p.name for p in batch_input.path.iterdir())
    assert names == ["ONE~2.TXT", "dir__two.txt", "dir__two~2.txt", "one.txt"]
    assert not (tmp_path.parent / "evil.txt").exists()
    reasons = {row["where"]: row["reason"] for row in batch_input.errors}
    assert reasons == {
        "a.zip: ../../evil.txt": "the name leads outside the archive",
        "a.zip: notes.md": "not a .txt file",
    }


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_table_over_the_batch_limit_is_refused(tmp_path: Path, suffix: str) -> None:
    table = tmp_path / f"many{suffix}"
    if suffix == ".jsonl":
        table.write_text("".join(json.dumps({"id": str(i), "text": "نص"}) + "\n" for i in range(4)), "utf-8")
    else:
        table.write_text("id,text\n" + "".join(f"{i},نص\n" for i in range(4)), "utf-8")
    with pytest.raises(InvalidInputError, match=f"many{suffix} holds 4 records; the limit is 3 a batch"):
        prepare_batch_input([table], tmp_path / "in", Limits(batch_documents=3))
    assert prepare_batch_input([table], tmp_path / "in", Limits(batch_documents=4)).path == table


def test_an_archive_with_no_readable_article_says_why(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "a.zip", {"../x.txt": "نص", "notes.md": "x"})
    with pytest.raises(InvalidInputError) as refused:
        prepare_batch_input([archive], tmp_path / "in", Limits())
    assert str(refused.value) == (
        "no article could be read from the upload "
        "(a.zip: ../x.txt: the name leads outside the archive; a.zip: notes.md: not a .txt file)"
    )


@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["a.pdf"], "not accepted"),
        (["a.jsonl", "b.csv"], "one .jsonl or .csv"),
        ([], "upload .txt files"),
    ],
)
def test_batch_input_refusals(tmp_path: Path, names: list[str], message: str) -> None:
    paths = []
    for name in names:
        (tmp_path / name).write_text("{}", encoding="utf-8")
        paths.append(tmp_path / name)
    with pytest.raises(InvalidInputError, match=message):
        prepare_batch_input(paths, tmp_path / "in", Limits())


def test_zip_over_the_limit_unpacked(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "bomb.zip", {"a.txt": "ا" * 5000})  # compresses to far less than it unpacks
    assert archive.stat().st_size < 1000
    with pytest.raises(LimitExceededError, match="unpacked"):
        prepare_batch_input([archive], tmp_path / "in", Limits(upload_bytes=2000))


def test_results_csv_has_a_bom_and_the_columns(tmp_path: Path) -> None:
    jsonl = tmp_path / "out.jsonl"
    rows = [{"id": "a", "summary": "ملخص, مع فاصلة", "method": "extractive", "model": None, "lang": "ar",
             "to": "ar", "seconds": 0.1}]  # fmt: skip
    jsonl.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    data = jsonl_to_csv(jsonl, tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[1] == 'a,"ملخص, مع فاصلة",extractive,,ar,ar,,0.1'


def test_evaluate_files_names_the_mismatch(tmp_path: Path) -> None:
    hyp, ref = tmp_path / "sys.txt", tmp_path / "ref.txt"
    hyp.write_text("a\nb\n", encoding="utf-8")
    ref.write_text("a\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"sys\.txt has 2 lines but .*ref\.txt has 1"):
        evaluate_files([hyp], [ref], kind="mt", out=tmp_path / "report", limits=Limits())


def test_alignment_table_escapes_and_marks() -> None:
    segments = [
        Segment("<b>في 2021</b>", "In <i>", 0, cached=True, flags=("numbers_missing",)),
        Segment("logo", "logo", 1, cached=False, flags=("copied",)),
    ]
    result = Translation("", segments, "/models/my-model", "r", "transformers", "ar", "en",
                         TranslationStats(2, 1, 0.5), 2)  # fmt: skip
    table = presenters.alignment_table(result)
    assert "<b>" not in table and "&lt;b&gt;في 2021&lt;/b&gt;" in table
    assert table.count('class="tj-flagged') == 1 and table.count("tj-para") == 1
    assert "missing number: 2021" in table and "kept as is" in table
    status = presenters.translation_status(result, detected=True)
    assert "my-model" in status and "/models" not in status and "1 to check" in status


def test_model_lines_show_directions_state_and_never_a_server_path(tmp_path: Path) -> None:
    broken = tmp_path / "server-models" / "mine"
    broken.mkdir(parents=True)
    service = TarjamaService(mt_model=str(broken), use_cache=False)
    choices = dict((value, label) for label, value in model_choices(service))
    assert choices[""] == "Default"
    assert (
        choices["mine"] == "mine — cannot be used: the folder has no config.json, so it is not a model folder"
    )
    assert str(tmp_path) not in " ".join(choices.values())
    assert choices["opus-mt-ar-en"].startswith("opus-mt-ar-en — ar→en, OPUS-MT")
    assert choices["opus-mt-ar-en"].endswith("(not downloaded)")
    assert "— ar→en, en→ar, " in choices["m2m100_418M"]


@pytest.mark.parametrize(
    ("number", "expected"),
    [(0, "0 sentences"), (1, "1 sentence"), (2, "2 sentences"), (1500, "1,500 sentences")],
)
def test_counts_take_the_right_plural(number: int, expected: str) -> None:
    assert presenters.count(number, "sentence") == expected


@pytest.mark.parametrize(
    ("model", "label"),
    [
        ("opus-mt-ar-en", "opus-mt-ar-en"),
        ("Helsinki-NLP/opus-mt-ar-en", "Helsinki-NLP/opus-mt-ar-en"),
        ("/srv/models/mine", "mine"),
        ("ar-en=/srv/models/mine", "ar-en=mine"),
        ("en-ar=./models/other", "en-ar=other"),
    ],
)
def test_model_labels_never_show_a_server_path(model: str, label: str) -> None:
    assert presenters.model_label(model) == label
