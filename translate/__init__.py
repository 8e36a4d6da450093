"""Arabic ↔ English translation: segmentation, the cached engine and its guards."""

from tarjama.translate.batch import (
    CorpusTranslator,
    TranslationOptions,
    TranslationTask,
    TranslatorConfig,
    run_translation_batch,
    worker_translator,
)
from tarjama.translate.detect import detect_language
from tarjama.translate.engine import LANGUAGES, Segment, Translation, TranslationStats, Translator
from tarjama.translate.plans import ForeignParagraph, Plan
from tarjama.translate.segment import Paragraph, normalize_input, segment, split_long, split_sentences

__all__ = [
    "LANGUAGES",
    "CorpusTranslator",
    "ForeignParagraph",
    "Paragraph",
    "Plan",
    "Segment",
    "Translation",
    "TranslationOptions",
    "TranslationStats",
    "TranslationTask",
    "Translator",
    "TranslatorConfig",
    "detect_language",
    "normalize_input",
    "run_translation_batch",
    "segment",
    "split_long",
    "split_sentences",
    "worker_translator",
]
