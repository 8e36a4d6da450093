"""Segmentation: the sentence rules, Arabic and English, and what no rule segments."""

from __future__ import annotations

import pytest

from tarjama.inference.errors import InvalidInputError
from tarjama.translate.segment import segment, split_sentences
from tests.digits import digit_twins

# --- sentence rules ------------------------------------------------------------------------------

ARABIC = [
    ("ذهب الوفد إلى بغداد. وعاد أمس.", ["ذهب الوفد إلى بغداد.", "وعاد أمس."]),
    ("هل انتهى الاجتماع؟ نعم انتهى.", ["هل انتهى الاجتماع؟", "نعم انتهى."]),
    ("يا له من يوم! سنعود غدا.", ["يا له من يوم!", "سنعود غدا."]),
    ("ماذا حدث؟! لا أحد يعلم.", ["ماذا حدث؟!", "لا أحد يعلم."]),
    ("قال الوزير، في بيان، إن الوضع مستقر. وأضاف.", ["قال الوزير، في بيان، إن الوضع مستقر.", "وأضاف."]),
    ("أعلن الجيش الحرب؛ وهي خطوة مفاجئة. ثم انسحب.", ["أعلن الجيش الحرب؛ وهي خطوة مفاجئة.", "ثم انسحب."]),
    ("النمو 2,5 بالمئة و2.5 مرة و٢٫٥ ضعف. وارتفع.", ["النمو 2,5 بالمئة و2.5 مرة و٢٫٥ ضعف.", "وارتفع."]),
    ("بلغ العدد 3.000 شخص و1.5 مليون دولار.", ["بلغ العدد 3.000 شخص و1.5 مليون دولار."]),
    ("قال د. أحمد إن الوضع جيد.", ["قال د. أحمد إن الوضع جيد."]),
    ("وشارك أ.د. محمد علي في الندوة.", ["وشارك أ.د. محمد علي في الندوة."]),
    ("وقال م. خالد إن المشروع انتهى.", ["وقال م. خالد إن المشروع انتهى."]),
    ("انظر ص. 5 من التقرير.", ["انظر ص. 5 من التقرير."]),
    ("ولد عام 1950 م. وتوفي عام 2000 م.", ["ولد عام 1950 م.", "وتوفي عام 2000 م."]),
    ("في عام 1442 هـ. وقع الحدث.", ["في عام 1442 هـ.", "وقع الحدث."]),
    ("اغتيل جون ف. كينيدي عام 1963.", ["اغتيل جون ف. كينيدي عام 1963."]),
    (
        "وانطلقت يوم الجمعة 23 تموز / يوليو 2021 جلسات الجولة الرابعة. وقال مسؤول.",
        ["وانطلقت يوم الجمعة 23 تموز / يوليو 2021 جلسات الجولة الرابعة.", "وقال مسؤول."],
    ),
    ("وانطلقت يوم «23 تموز / يوليو 2021» الجلسات.", ["وانطلقت يوم «23 تموز / يوليو 2021» الجلسات."]),
    ("قال: «انتهى الأمر.» وغادر القاعة.", ["قال: «انتهى الأمر.»", "وغادر القاعة."]),
    ('قال: "لن نتراجع." وأضاف أن الحكومة مستعدة.', ['قال: "لن نتراجع."', "وأضاف أن الحكومة مستعدة."]),
    ("قال: “كلنا فريق واحد.” وأضاف.", ["قال: “كلنا فريق واحد.”", "وأضاف."]),
    ('انتهى الأمر. " وقال آخرون."', ["انتهى الأمر.", '" وقال آخرون."']),
    ('"هل انتهى الأمر؟" تساءلت الصحيفة.', ['"هل انتهى الأمر؟" تساءلت الصحيفة.']),
    ('"لقد انتصرنا!" قال القائد.', ['"لقد انتصرنا!" قال القائد.']),
    ("(وقد نفى ذلك.) وقال آخرون.", ["(وقد نفى ذلك.)", "وقال آخرون."]),
    ("وانتظرنا طويلا... ثم وصل الوفد.", ["وانتظرنا طويلا...", "ثم وصل الوفد."]),
    ("وانتظرنا طويلا… ثم وصل الوفد.", ["وانتظرنا طويلا…", "ثم وصل الوفد."]),
    ("قال إن الوضع ... مستقر جدا.", ["قال إن الوضع ... مستقر جدا."]),
    ("قال: «لا أعرف... ربما غدا» ثم غادر.", ["قال: «لا أعرف... ربما غدا» ثم غادر."]),
    ("انتهى الاجتماع.وقال الوزير إنه راض.", ["انتهى الاجتماع.", "وقال الوزير إنه راض."]),
    ("زوروا موقع www.example.com للمزيد. وشكرا.", ["زوروا موقع www.example.com للمزيد.", "وشكرا."]),
    ("راسلونا على info@example.org. وسنرد.", ["راسلونا على info@example.org.", "وسنرد."]),
    ("وقالت شركة Apple Inc. الأمريكية إنها ستطلق.", ["وقالت شركة Apple Inc. الأمريكية إنها ستطلق."]),
    ("قال الرئيس: Hello world. ثم غادر.", ["قال الرئيس: Hello world.", "ثم غادر."]),
    ("بلغ عدد الضحايا 25. وأصيب آخرون.", ["بلغ عدد الضحايا 25.", "وأصيب آخرون."]),
    ("1. الوفد يصل اليوم.", ["1. الوفد يصل اليوم."]),
    ("وفد عسكري من إقليم كوردستان", ["وفد عسكري من إقليم كوردستان"]),
    ("الخبر الأول.\nعنوان بلا نقطة\nالخبر الثاني.", ["الخبر الأول.", "عنوان بلا نقطة", "الخبر الثاني."]),
    ("  ذهب   الوفد.   وعاد.  ", ["ذهب الوفد.", "وعاد."]),
]

ENGLISH = [
    ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
    ("J. K. Rowling wrote it. It sold well.", ["J. K. Rowling wrote it.", "It sold well."]),
    ("It was late. J. Smith came in.", ["It was late.", "J. Smith came in."]),
    ("President John F. Kennedy was shot in 1963.", ["President John F. Kennedy was shot in 1963."]),
    ("He needed vitamin C. It helped.", ["He needed vitamin C.", "It helped."]),
    ("The U.S. economy grew. Jobs too.", ["The U.S. economy grew.", "Jobs too."]),
    ("He moved to the U.S. The move was hard.", ["He moved to the U.S.", "The move was hard."]),
    ("Fruit, e.g. apples, i.e. red ones, etc. are ok.", ["Fruit, e.g. apples, i.e. red ones, etc. are ok."]),
    ("He bought apples, pears, etc. The shop closed.", ["He bought apples, pears, etc.", "The shop closed."]),
    ("It is No. 10 on the list. Jan. 5 was cold.", ["It is No. 10 on the list.", "Jan. 5 was cold."]),
    ("He said no. Then he left.", ["He said no.", "Then he left."]),
    ("St. Louis is big. Mt. Everest is high.", ["St. Louis is big.", "Mt. Everest is high."]),
    ("Roe v. Wade was decided in 1973.", ["Roe v. Wade was decided in 1973."]),
    ("Martin Luther King Jr. was born in Atlanta.", ["Martin Luther King Jr. was born in Atlanta."]),
    (
        "Apple Inc. reported profits. Google Inc. Chief Sundar Pichai spoke.",
        ["Apple Inc. reported profits.", "Google Inc. Chief Sundar Pichai spoke."],
    ),
    (
        "Prices rose 1.5 percent to 3.000 units. Visit www.example.com. Email a.b@example.org now.",
        ["Prices rose 1.5 percent to 3.000 units.", "Visit www.example.com.", "Email a.b@example.org now."],
    ),
    ("See https://example.com/a.html?x=1. Done.", ["See https://example.com/a.html?x=1.", "Done."]),
    ('"Why?" he asked. "Because," she said.', ['"Why?" he asked.', '"Because," she said.']),
    ('He said: "It is over." Then he left.', ['He said: "It is over."', "Then he left."]),
    ("(See the report.) The end.", ["(See the report.)", "The end."]),
    ("Wait... What happened?", ["Wait...", "What happened?"]),
    ("Wait… What happened?", ["Wait…", "What happened?"]),
    ("He paused... and went on.", ["He paused... and went on."]),
    ('"I do not know... Maybe tomorrow," he said.', ['"I do not know... Maybe tomorrow," he said.']),
    ("She left at 5 p.m. yesterday.", ["She left at 5 p.m. yesterday."]),
    ("She left at 5 p.m. The rain started.", ["She left at 5 p.m.", "The rain started."]),
    ("Really?! Yes! No.", ["Really?!", "Yes!", "No."]),
    ("The ratio was 2,5 in Europe; it rose.", ["The ratio was 2,5 in Europe; it rose."]),
    ("In 2019. The year ended.", ["In 2019.", "The year ended."]),
    ("1. Open the door. 2. Leave.", ["1. Open the door.", "2. Leave."]),
    ("A headline without a full stop", ["A headline without a full stop"]),
    ("Hello 👋. Bye 🙂!", ["Hello 👋.", "Bye 🙂!"]),
]


@pytest.mark.parametrize(("text", "expected"), ARABIC + digit_twins(ARABIC))
def test_arabic_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "ar") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH + digit_twins(ENGLISH))
def test_english_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text, "en") == expected


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t \n  \u00a0 "])
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_blank_input_gives_nothing(text: str, lang: str) -> None:
    assert split_sentences(text, lang) == []
    assert segment(text, lang) == []


@pytest.mark.parametrize("lang", ["fr", "auto", "", "AR"])
def test_unknown_language_is_refused(lang: str) -> None:
    with pytest.raises(InvalidInputError, match="cannot segment"):
        segment("نص.", lang)
    with pytest.raises(InvalidInputError):
        split_sentences("text.", lang)
