"""The plain PyTorch backend: Hugging Face ``generate`` on CPU or CUDA (fp16 there)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from inference.backends.base import (
    HFTokenized,
    forced_bos_token,
    resolve_device,
    without_forced_start,
)
from inference.errors import InvalidInputError, ModelUnavailableError
from inference.generation import GenerationSettings
from inference.hub import ResolvedModel


class TransformersBackend(HFTokenized):
    """A model loaded with ``AutoModelForSeq2SeqLM``; one instance per model, device and dtype."""

    name = "transformers"

    def __init__(self, resolved: ResolvedModel, *, device: str = "auto") -> None:
        import torch
        from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

        self.spec = resolved.spec
        self.model_id = resolved.name
        self.revision = resolved.revision
        self.device = resolve_device(device)
        dtype = torch.float16 if self.device == "cuda" else torch.float32
        self.quantization = "float16" if self.device == "cuda" else "float32"  # as choose_backend() says
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(resolved.path)
            model = AutoModelForSeq2SeqLM.from_pretrained(resolved.path, dtype=dtype)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelUnavailableError(
                resolved.name, f"its files in {resolved.path} cannot be loaded ({exc})"
            ) from exc
        self.model: Any = model.to(self.device).eval()
        # generate() is always given max_new_tokens; a max_length from the model's generation config would
        # only make transformers log "Both `max_new_tokens` and `max_length` set" on every call.
        self.model.generation_config.max_length = None
        limit = getattr(self.model.config, "max_position_embeddings", None) or self.spec.max_input_tokens
        self.max_input_tokens = min(self.spec.max_input_tokens, int(limit))
        self.max_output_tokens = int(limit)

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, source: str, target: str
    ) -> list[str]:
        """Decode ``texts`` with ``settings``; outputs in input order."""
        import torch

        if not texts:
            return []
        prepared = self._prepare(texts, source, target)
        inputs = self.tokenizer(prepared, return_tensors="pt", padding=True, truncation=False)
        longest = int(inputs["attention_mask"].sum(dim=1).max())
        if longest > self.max_input_tokens:
            raise InvalidInputError(
                f"a text of {longest} tokens is over {self.model_id}'s input limit of {self.max_input_tokens}"
            )
        options: dict[str, Any] = {
            "num_beams": settings.beam_size,
            "do_sample": False,
            "max_new_tokens": settings.max_tokens_for(longest, self.max_output_tokens),
            "min_new_tokens": settings.min_new_tokens,
            "repetition_penalty": settings.repetition_penalty,
            "no_repeat_ngram_size": settings.no_repeat_ngram_size,
            "length_penalty": settings.length_penalty,
        }
        bos = forced_bos_token(self.spec, self.tokenizer, target)
        if bos is not None:
            options["forced_bos_token_id"] = self.tokenizer.convert_tokens_to_ids(bos)
        with torch.inference_mode():
            output = self.model.generate(**inputs.to(self.device), **options)
        forced = options.get("forced_bos_token_id")
        rows = [without_forced_start(row, forced, self.special_ids) for row in output.tolist()]
        return [text.strip() for text in self.tokenizer.batch_decode(rows, skip_special_tokens=True)]

    def generate_batches(
        self, batches: Iterable[Sequence[str]], settings: GenerationSettings, *, source: str, target: str
    ) -> Iterator[list[str]]:
        """Outputs batch by batch, one :meth:`generate` call each."""
        for batch in batches:
            yield self.generate(batch, settings, source=source, target=target)
