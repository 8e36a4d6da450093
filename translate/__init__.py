"""Arabic ↔ English translation: segmentation, the cached engine and its guards."""

from translate.detect import detect_language
from translate.engine import LANGUAGES, Segment, Translation, TranslationStats, Translator
from translate.segment import Paragraph, normalize_input, segment, split_long, split_sentences

__all__ = [
    "LANGUAGES",
    "Paragraph",
    "Segment",
    "Translation",
    "TranslationStats",
    "Translator",
    "detect_language",
    "normalize_input",
    "segment",
    "split_long",
    "split_sentences",
]
