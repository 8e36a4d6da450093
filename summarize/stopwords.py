"""Arabic and English stop words: function words that say nothing about what a sentence is about.

Written for tarjama (not copied from a list). The Arabic words are stored in the normalised form of
:func:`inference.arabic.normalize_arabic` (no diacritics, bare alef, ي for ى, ه for ة), so they are
compared with normalised tokens.
"""

from __future__ import annotations

from tarjama.inference.arabic import normalize_arabic

_ARABIC = """
في من على إلى الى عن مع بين عند لدى حتى منذ خلال بعد قبل حول ضد دون نحو تحت فوق أمام وراء عبر لكن
و ف ثم أو ام أم بل لا لم لن ما ماذا متى أين كيف هل إن ان أن إذا اذا لو كي قد لقد سوف كان كانت
كانوا يكون تكون يكونون أصبح اصبح ليس ليست هو هي هم هن هما أنا انا نحن أنت انت أنتم انتم هذا هذه ذلك
تلك هؤلاء أولئك الذي التي الذين اللذان اللتان اللواتي اللاتي كل بعض غير سوى أي أيضا ايضا جدا
فقط كما مثل حيث إنه انه أنه إنها انها أنها لها له لهم لهن به بها بهم فيه فيها فيهم منه منها منهم عليه
عليها عليهم إليه اليه إليها اليها عنه عنها ذات ذو هناك هنا الآن الان وقد وقال قال قالت يقول تقول وأن وان
وفي ومن وعلى وإلى والى وعن ومع وهو وهي وهذا وهذه وكان وكانت ولا ولم ولن وما كذلك لذلك إلا الا
عام أكثر اكثر أقل اقل إحدى احدى أحد احد يتم تم عدة عدد أيضاً ايضاً بن ابن
"""

_ENGLISH = """
a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours ourselves out over own same she should so
some such than that the their theirs them themselves then there these they this those through to too
under until up very was we were what when where which while who whom why will with would you your
yours yourself yourselves said says say mr mrs ms may might must shall
"""

ARABIC_STOP_WORDS: frozenset[str] = frozenset(normalize_arabic(w) for w in _ARABIC.split())
"""Arabic function words, normalised (compare with normalised tokens)."""

ENGLISH_STOP_WORDS: frozenset[str] = frozenset(_ENGLISH.split())
"""English function words, lower-case."""


def stop_words(lang: str) -> frozenset[str]:
    """The stop words of ``lang`` (``ar`` or ``en``); Arabic ones are normalised."""
    return ARABIC_STOP_WORDS if lang == "ar" else ENGLISH_STOP_WORDS
