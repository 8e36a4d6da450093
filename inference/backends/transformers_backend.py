"""The plain PyTorch backend: Hugging Face ``generate`` on CPU or CUDA (fp16 there)."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from tarjama.inference.backends.base import (
    HFTokenized,
    Hypothesis,
    forced_bos_token,
    resolve_device,
    without_forced_start,
)
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.hub import ResolvedModel


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
        self._attention_lock = threading.Lock()

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, source: str, target: str
    ) -> list[str]:
        """Decode ``texts`` with ``settings``; outputs in input order."""
        return [best[0].text for best in self._generate(texts, settings, source, target)]

    def generate_hypotheses(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        *,
        source: str,
        target: str,
        count: int,
        attention: bool = False,
    ) -> list[list[Hypothesis]]:
        """Up to ``count`` outputs of each text, best first (``num_return_sequences``); with ``attention``,
        each output's cross-attention, averaged over layers and heads, from one teacher-forced pass."""
        return self._generate(texts, settings, source, target, count=count, attention=attention)

    def align(
        self, texts: Sequence[str], outputs: Sequence[str], *, source: str, target: str
    ) -> list[Hypothesis]:
        """Each output of each text with its cross-attention, averaged over layers and heads, from one
        teacher-forced pass over the pairs that fit (the others come back without attention)."""
        import torch

        results = [Hypothesis(output, 0.0) for output in outputs]
        if not texts:
            return results
        prepared = self._prepare(texts, source, target)
        lengths = [len(ids) for ids in self.tokenizer(prepared, add_special_tokens=True)["input_ids"]]
        bos = forced_bos_token(self.spec, self.tokenizer, target)
        start = [self.model.config.decoder_start_token_id]
        if bos is not None:
            start.append(self.tokenizer.convert_tokens_to_ids(bos))
        rows = [[*start, *ids, self.tokenizer.eos_token_id] for ids in self.target_ids(outputs, target)]
        todo = [
            i
            for i, (n, row) in enumerate(zip(lengths, rows, strict=True))
            if len(row) > len(start) + 1 and n <= self.max_input_tokens and len(row) <= self.max_output_tokens
        ]
        if not todo:
            return results
        inputs = self.tokenizer([prepared[i] for i in todo], return_tensors="pt", padding=True).to(
            self.device
        )
        width = max(len(rows[i]) for i in todo)
        padded = [rows[i] + [self.tokenizer.pad_token_id] * (width - len(rows[i])) for i in todo]
        sequences = torch.tensor(padded, device=self.device)
        weights = self._attention(inputs, sequences, 1)
        for k, i in enumerate(todo):
            results[i] = self._hypothesis(outputs[i], 0.0, inputs["input_ids"][k], sequences[k], weights[k])
        return results

    def _generate(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        source: str,
        target: str,
        *,
        count: int = 1,
        attention: bool = False,
    ) -> list[list[Hypothesis]]:
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
            "num_beams": max(settings.beam_size, count),
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
        if count > 1:
            options.update(num_return_sequences=count, return_dict_in_generate=True, output_scores=True)
        inputs = inputs.to(self.device)
        with torch.inference_mode():
            output = self.model.generate(**inputs, **options)
        sequences = output.sequences if count > 1 else output
        scores = output.sequences_scores.tolist() if count > 1 else [0.0] * len(sequences)
        forced = options.get("forced_bos_token_id")
        rows = [without_forced_start(row, forced, self.special_ids) for row in sequences.tolist()]
        decoded = [text.strip() for text in self.tokenizer.batch_decode(rows, skip_special_tokens=True)]
        weights = self._attention(inputs, sequences, count) if attention else [None] * len(sequences)
        hypotheses = [
            self._hypothesis(text, score, inputs["input_ids"][i // count], sequences[i], weights[i])
            for i, (text, score) in enumerate(zip(decoded, scores, strict=True))
        ]
        return [hypotheses[i : i + count] for i in range(0, len(hypotheses), count)]

    def _attention(self, inputs: Any, sequences: Any, count: int) -> list[Any]:
        """Cross-attention of each output, averaged over layers and heads: target × source tokens."""
        import torch

        expanded = {k: v.repeat_interleave(count, dim=0) for k, v in inputs.items()}
        with self._attention_lock, torch.inference_mode():
            previous = self.model.config._attn_implementation
            self.model.set_attn_implementation("eager")  # the fused kernels return no attention
            try:
                out = self.model(**expanded, decoder_input_ids=sequences[:, :-1], output_attentions=True)
            finally:
                self.model.set_attn_implementation(previous)
        return list(torch.stack(out.cross_attentions).mean(dim=(0, 2)).float().cpu())

    def _hypothesis(
        self, text: str, score: float, source_ids: Any, output_ids: Any, weights: Any
    ) -> Hypothesis:
        if weights is None:
            return Hypothesis(text, float(score))
        mask = source_ids != self.tokenizer.pad_token_id
        source = self.tokenizer.convert_ids_to_tokens(source_ids[mask].tolist())
        target = self.tokenizer.convert_ids_to_tokens(output_ids[1:].tolist())  # what each step produced
        rows = weights[:, mask.to(weights.device)].tolist()
        return Hypothesis(text, float(score), tuple(source), tuple(target), tuple(tuple(r) for r in rows))

    def generate_batches(
        self, batches: Iterable[Sequence[str]], settings: GenerationSettings, *, source: str, target: str
    ) -> Iterator[list[str]]:
        """Outputs batch by batch, one :meth:`generate` call each."""
        for batch in batches:
            yield self.generate(batch, settings, source=source, target=target)
