"""Convert a Hugging Face model to CTranslate2, run as its own process (``python -m ...ct2_convert``).

The converter reads the weights with transformers and torch; in a process of its own, the server or CLI
that asked for the conversion never imports torch nor holds the original weights, and gets its memory back
when the conversion ends. Usage: ``python -m inference.backends.ct2_convert MODEL_FOLDER OUT QUANTIZATION``;
exit status 3 means the model cannot be converted (the reason on the last line of stderr).
"""

from __future__ import annotations

import sys
from typing import Any

UNCONVERTIBLE = 3


class _LanguageTokensListed:
    """An M2M100 tokenizer as CTranslate2's converter reads it from transformers 4: with its language tokens
    under ``additional_special_tokens`` (transformers 5 no longer lists them there, and the converted
    vocabulary would miss them)."""

    def __init__(self, tokenizer: Any) -> None:
        self._tokenizer = tokenizer

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tokenizer, name)

    @property
    def special_tokens_map(self) -> dict[str, Any]:
        mapping = dict(self._tokenizer.special_tokens_map)
        if not mapping.get("additional_special_tokens"):
            languages = sorted(self._tokenizer.lang_token_to_id.items(), key=lambda item: item[1])
            mapping["additional_special_tokens"] = [token for token, _ in languages]
        return mapping


def converter(path: str) -> Any:
    """CTranslate2's converter, told what transformers 5 no longer spells out for BART and M2M100."""
    from ctranslate2.converters import TransformersConverter

    class Converter(TransformersConverter):  # type: ignore[misc]
        def load_model(self, model_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            model = super().load_model(model_class, model_name_or_path, **kwargs)
            if model.config.model_type == "bart" and not hasattr(model.config, "normalize_before"):
                model.config.normalize_before = False  # transformers' BART layers are post-norm
            return model

        def load_tokenizer(self, tokenizer_class: Any, model_name_or_path: str, **kwargs: Any) -> Any:
            tokenizer = super().load_tokenizer(tokenizer_class, model_name_or_path, **kwargs)
            return _LanguageTokensListed(tokenizer) if hasattr(tokenizer, "lang_token_to_id") else tokenizer

    return Converter(path, low_cpu_mem_usage=True)


def main(argv: list[str]) -> int:
    """Convert ``argv = [model_folder, out_folder, quantization]``; 0 when done, 3 when it cannot be."""
    from safetensors import SafetensorError

    source, out, quantization = argv
    failures = (NotImplementedError, ValueError, OSError, RuntimeError, KeyError, EOFError, SafetensorError)
    try:
        converter(source).convert(out, quantization=quantization)
    except failures as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return UNCONVERTIBLE
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
