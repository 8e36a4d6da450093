"""The CTranslate2 backend: a Hugging Face model converted once (int8 on CPU), kept, and decoded by CT2.

Tokenisation, the output length bound and decoding mirror :class:`TransformersBackend`, so greedy outputs
agree token for token where the weights agree (float32, or int8 on a model with clear margins).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tarjama.inference.backends.base import (
    HFTokenized,
    Hypothesis,
    forced_bos_token,
    resolve_device,
    without_forced_start,
)
from tarjama.inference.batching import even_runs
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.hub import ResolvedModel
from tarjama.inference.settings import (
    DEFAULT_CT2_QUANTIZATION_CPU,
    DEFAULT_CT2_QUANTIZATION_CUDA,
    default_threads,
    models_dir,
)
from tarjama.inference.state import MANIFEST


def supported_quantizations(device: str) -> set[str]:
    """The compute types CTranslate2 can run on ``device`` here (empty when it cannot use the device)."""
    import ctranslate2

    if device == "cuda" and ctranslate2.get_cuda_device_count() < 1:
        return set()
    try:
        return set(ctranslate2.get_supported_compute_types(device))
    except (RuntimeError, ValueError):  # e.g. a CUDA build whose driver is too old
        return set()


def default_quantization(device: str) -> str:
    """int8 on CPU, int8_float16 on CUDA, or float32 where the preferred type is not supported."""
    preferred = DEFAULT_CT2_QUANTIZATION_CUDA if device == "cuda" else DEFAULT_CT2_QUANTIZATION_CPU
    return preferred if preferred in supported_quantizations(device) else "float32"


def conversion_key(resolved: ResolvedModel, quantization: str) -> str:
    """``<fingerprint>-<quantization>``: the folder name of a kept conversion.

    The fingerprint is the Hub commit of a snapshot, or the content hash of a local folder, so a changed
    model is converted again and an unchanged one never is.
    """
    return f"{resolved.revision.removeprefix('local-')}-{quantization}"


def converted_model(resolved: ResolvedModel, quantization: str, *, root: Path | None = None) -> Path:
    """The CTranslate2 copy of ``resolved`` at ``quantization``, converting it on first use.

    Kept in ``models_dir()`` (``$TARJAMA_MODELS_DIR``). The conversion is written into a temporary folder
    and renamed into place, so an interrupted or concurrent conversion never leaves a half-written model.
    """
    root = root if root is not None else models_dir()
    final = root / conversion_key(resolved, quantization)
    if (final / "model.bin").is_file():
        return final
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".converting-", dir=root))
    try:
        out = work / "model"
        try:
            _converter(resolved.path).convert(str(out), quantization=quantization)
        except (NotImplementedError, ValueError, OSError, RuntimeError) as exc:
            raise ModelUnavailableError(
                resolved.name,
                "it cannot be converted to CTranslate2 (its files are damaged or its architecture is not "
                "supported by the converter)",
                "use `--backend transformers`, or give a complete model folder",
            ) from exc
        manifest = {"model": resolved.name, "revision": resolved.revision, "quantization": quantization}
        (out / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        try:
            out.rename(final)
        except OSError:
            if not (final / "model.bin").is_file():  # not another process's finished copy: a real failure
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return final


def thread_split(device: str, threads: int) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``threads`` CPU threads.

    On CPU, one single-threaded worker per thread: a batch is split across them (see
    :func:`work_shares`), which on the 2-core bench machine beat one worker with ``threads`` intra-op
    threads by 25-80 % in batches and about 2x for one sentence (bench/README.md). On CUDA one worker
    drives the GPU and ``threads`` serve its CPU-side work.
    """
    return (max(1, threads), 1) if device == "cpu" else (1, max(1, threads))


def work_shares(
    lengths: Sequence[int], settings: GenerationSettings, steps: int, workers: int
) -> list[list[int]]:
    """The indices of a batch of sources with ``lengths`` tokens, cut into one sub-batch per worker.

    Each sub-batch holds sources of neighbouring lengths (little padding) and about the same work: a
    source costs its length (encoder, cross-attention) plus ``beam_size`` times its expected output, its
    own length bounded by the decoding limits (the decoder). On the speed bench this finished about 10 %
    sooner than equal numbers of sentences per worker, where the worker with the long half finished last.
    """
    low = min(settings.min_new_tokens, steps)
    costs = [n + settings.beam_size * min(max(n, low), steps) for n in lengths]
    return even_runs(lengths, costs, workers)


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


def _converter(path: Path) -> Any:
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

    return Converter(str(path), low_cpu_mem_usage=True)


class CTranslate2Backend(HFTokenized):
    """A model converted to CTranslate2 and loaded with ``ctranslate2.Translator``; one per model and type."""

    name = "ctranslate2"

    def __init__(
        self,
        resolved: ResolvedModel,
        *,
        device: str = "auto",
        quantization: str | None = None,
        threads: int | None = None,
        models_root: Path | None = None,
    ) -> None:
        import ctranslate2
        from transformers import AutoConfig, AutoTokenizer, GenerationConfig

        self.spec = resolved.spec
        self.model_id = resolved.name
        self.revision = resolved.revision
        self.device = resolve_device(device)
        self.quantization = quantization or default_quantization(self.device)
        if self.quantization not in supported_quantizations(self.device):
            raise InvalidInputError(
                f"CTranslate2 cannot run {self.quantization} on {self.device} here "
                f"(supported: {', '.join(sorted(supported_quantizations(self.device))) or 'none'})"
            )
        self.threads = threads or default_threads()
        try:
            self.tokenizer: Any = AutoTokenizer.from_pretrained(resolved.path)
            config = AutoConfig.from_pretrained(resolved.path)
        except (OSError, ValueError, KeyError) as exc:
            raise ModelUnavailableError(
                resolved.name, f"its files in {resolved.path} cannot be loaded ({exc})"
            ) from exc
        try:
            generation: Any = GenerationConfig.from_pretrained(resolved.path)
        except OSError:  # no generation_config.json: the model config carries the defaults
            generation = GenerationConfig.from_model_config(config)
        self.path = converted_model(resolved, self.quantization, root=models_root)
        self.workers, intra_threads = thread_split(self.device, self.threads)
        self.translator: Any = ctranslate2.Translator(
            str(self.path),
            device=self.device,
            compute_type=self.quantization,
            intra_threads=intra_threads,
            inter_threads=self.workers,
        )
        limit = getattr(config, "max_position_embeddings", None) or self.spec.max_input_tokens
        self.max_input_tokens = min(self.spec.max_input_tokens, int(limit))
        self.max_output_tokens = int(limit)
        self._forced_eos = generation.forced_eos_token_id is not None
        self._forced_bos = self._token(generation.forced_bos_token_id)
        self._suppress = self._suppressed(generation.bad_words_ids or [])

    def _token(self, token_id: int | None) -> str | None:
        return None if token_id is None else str(self.tokenizer.convert_ids_to_tokens(int(token_id)))

    def _suppressed(self, bad_words: list[list[int]]) -> list[list[str]]:
        pad = self.tokenizer.pad_token
        sequences = [list(self.tokenizer.convert_ids_to_tokens(ids)) for ids in bad_words]
        # The Marian converter drops <pad> from the vocabulary, so CT2 cannot emit it anyway.
        return [s for s in sequences if not (self.spec.family == "marian" and s == [pad])]

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, source: str, target: str
    ) -> list[str]:
        """Decode ``texts`` with ``settings``, each worker on its share; outputs in input order."""
        return [best[0].text for best in self._submit(texts, settings, source, target)()]

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
        """Up to ``count`` outputs of each text, best first; CTranslate2's ``num_hypotheses`` and
        ``return_attention`` (the alignment head of the last decoder layer)."""
        return self._submit(texts, settings, source, target, count=count, attention=attention)()

    def generate_batches(
        self, batches: Iterable[Sequence[str]], settings: GenerationSettings, *, source: str, target: str
    ) -> Iterator[list[str]]:
        """Outputs batch by batch, as :meth:`generate` gives them. The next batch is handed to the workers
        before the current one is collected, so a worker done with its share starts on the next batch."""
        pending: Callable[[], list[list[Hypothesis]]] | None = None
        for batch in batches:
            try:
                submitted = self._submit(batch, settings, source, target)
            except InvalidInputError:
                if pending is not None:  # what is already decoded is handed back before the error
                    yield [best[0].text for best in pending()]
                raise
            if pending is not None:
                yield [best[0].text for best in pending()]
            pending = submitted
        if pending is not None:
            yield [best[0].text for best in pending()]

    def _submit(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        source: str,
        target: str,
        *,
        count: int = 1,
        attention: bool = False,
    ) -> Callable[[], list[list[Hypothesis]]]:
        """Hand ``texts`` to the workers, one share each; returns what waits for and decodes the outputs
        (``count`` hypotheses of each, best first)."""
        if not texts:
            return lambda: []
        ids = self.tokenizer(self._prepare(texts, source, target), add_special_tokens=True)["input_ids"]
        longest = max(len(row) for row in ids)
        if longest > self.max_input_tokens:
            raise InvalidInputError(
                f"a text of {longest} tokens is over {self.model_id}'s input limit of {self.max_input_tokens}"
            )
        # transformers' forced EOS spends the last of max_new_tokens on </s>, which decodes to nothing;
        # CT2 cannot force it, so it stops one token earlier and the texts agree.
        steps = settings.max_tokens_for(longest, self.max_output_tokens) - int(self._forced_eos)
        if steps < 1:
            return lambda: [[Hypothesis("", 0.0)] for _ in texts]
        bos = forced_bos_token(self.spec, self.tokenizer, target) or self._forced_bos
        tokens = [self.tokenizer.convert_ids_to_tokens(row) for row in ids]
        options = {
            "beam_size": max(settings.beam_size, count),
            "max_decoding_length": steps,
            "min_decoding_length": min(settings.min_new_tokens, steps),
            "repetition_penalty": settings.repetition_penalty,
            "no_repeat_ngram_size": settings.no_repeat_ngram_size,
            "length_penalty": settings.length_penalty,
            "suppress_sequences": self._suppress or None,
            "max_input_length": 0,  # never truncate: over-long input was refused above
            "return_end_token": False,
            "max_batch_size": 0,  # each share is one batch, already sorted and sized
            "asynchronous": True,  # the shares run side by side, one per worker
        }
        if count > 1 or attention:
            options.update(num_hypotheses=count, return_scores=True, return_attention=attention)
        shares = work_shares([len(row) for row in ids], settings, steps, self.workers)
        pending = [
            (
                share,
                self.translator.translate_batch(
                    [tokens[i] for i in share],
                    target_prefix=[[bos] for _ in share] if bos else None,
                    **options,
                ),
            )
            for share in shares
        ]
        forced = self.tokenizer.convert_tokens_to_ids(bos) if bos else None

        def collect() -> list[list[Hypothesis]]:
            outputs: list[list[Hypothesis]] = [[] for _ in texts]
            for share, results in pending:
                for index, result in zip(share, results, strict=True):
                    found = result.result()
                    outputs[index] = self._hypotheses(found, tokens[index], forced, count, attention)
            return outputs

        return collect

    def _hypotheses(
        self, result: Any, source: list[str], forced: int | None, count: int, attention: bool
    ) -> list[Hypothesis]:
        if count == 1 and not attention:
            return [Hypothesis(self._decode(result.hypotheses[0], forced), 0.0)]
        scores = result.scores or [0.0] * len(result.hypotheses)
        weights = result.attention if attention else [[] for _ in result.hypotheses]
        return [
            Hypothesis(
                self._decode(pieces, forced),
                float(score),
                tuple(source) if attention else (),
                tuple(pieces) if attention else (),
                tuple(tuple(float(w) for w in row) for row in rows),
            )
            for pieces, score, rows in zip(result.hypotheses, scores, weights, strict=True)
        ]

    def _decode(self, tokens: list[str], forced: int | None) -> str:
        ids = without_forced_start(self.tokenizer.convert_tokens_to_ids(tokens), forced, self.special_ids)
        return str(self.tokenizer.decode(ids, skip_special_tokens=True)).strip()
