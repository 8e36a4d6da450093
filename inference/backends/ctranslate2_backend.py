"""The CTranslate2 backend: a Hugging Face model converted once (int8 on CPU), kept, and decoded by CT2.

Tokenisation, the output length bound and decoding mirror :class:`TransformersBackend`, so greedy outputs
agree token for token where the weights agree (float32, or int8 on a model with clear margins).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from tarjama.inference.backends.base import Hypothesis, resolve_device
from tarjama.inference.backends.ct2_models import (
    converted_model,
    default_quantization,
    supported_quantizations,
)
from tarjama.inference.backends.pieces import PieceTokenizer, piece_tokenizer
from tarjama.inference.batching import even_runs
from tarjama.inference.errors import InvalidInputError, ModelUnavailableError
from tarjama.inference.generation import GenerationSettings
from tarjama.inference.hub import ResolvedModel
from tarjama.inference.malloc import give_back_freed_memory_soon
from tarjama.inference.settings import (
    ct2_decode_tokens,
    ct2_share_tokens,
    default_threads,
)


def thread_split(device: str, threads: int) -> tuple[int, int]:
    """``(inter_threads, intra_threads)`` for ``threads`` CPU threads.

    On CPU, one single-threaded worker per thread: a batch is split across them (see
    :func:`work_shares`), which on the 2-core bench machine beat one worker with ``threads`` intra-op
    threads by 25-80 % in batches and about 2x for one sentence (bench/README.md). On CUDA one worker
    drives the GPU and ``threads`` serve its CPU-side work.
    """
    return (max(1, threads), 1) if device == "cpu" else (1, max(1, threads))


def work_shares(
    lengths: Sequence[int],
    settings: GenerationSettings,
    steps: int,
    workers: int,
    share_tokens: int | None = None,
    decode_tokens: int | None = None,
    *,
    rows: int | None = None,
) -> list[list[int]]:
    """The indices of a batch of sources with ``lengths`` tokens, cut into sub-batches for the workers.

    A source costs its length (encoder, cross-attention) plus ``beam_size`` times its expected output, its
    own length bounded by the decoding limits (the decoder). A batch within the budgets below is cut into one
    sub-batch per worker, in length order, of about the same cost, so the workers finish together. A larger
    batch is cut as CTranslate2's own ``max_batch_size`` cuts one call: sorted longest first into runs of
    equal count, each of about ``share_tokens`` source and output tokens (counted once whatever the beam;
    16 sentences of a news text was the fastest sub-batch greedy and with beam 4 alike, see bench/), the
    shortest run last; CTranslate2's workers take them from its queue as each finishes, so none idles.

    ``decode_tokens`` bounds memory: a source holds ``rows`` (its beam) hypotheses of up to ``steps``
    tokens, each attending to the source, while it decodes, so the runs are short enough for each to hold
    about ``decode_tokens`` of ``rows`` x (source + ``steps``) on average; a model that never ends a
    sentence reaches that bound. Runs are returned shortest first.
    """
    low = min(settings.min_new_tokens, steps)
    outputs = [min(max(n, low), steps) for n in lengths]
    costs = [n + settings.beam_size * out for n, out in zip(lengths, outputs, strict=True)]
    count = len(lengths)
    size = count
    if share_tokens:
        size = min(size, share_tokens * count // max(1, sum(lengths) + sum(outputs)))
    if decode_tokens:
        held = (rows or settings.beam_size) * (sum(lengths) + steps * count)
        size = min(size, decode_tokens * count // max(1, held))
    if size * workers >= count:
        return even_runs(lengths, costs, workers)
    order = sorted(range(count), key=lambda i: (lengths[i], i))
    step = max(1, size)
    return [order[max(0, end - step) : end] for end in range(count, 0, -step)][::-1]


class CTranslate2Backend:
    """A model converted to CTranslate2 and loaded with ``ctranslate2.Translator``; one per model and type.

    A Marian model is tokenised with SentencePiece alone (:mod:`pieces`) and its configuration read as JSON,
    so serving it imports neither transformers nor torch; the conversion runs in a process of its own.
    """

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
        self.share_tokens = ct2_share_tokens()
        self.decode_tokens = ct2_decode_tokens()
        self.trimming: threading.Thread | None = None  # the last call's heap trim (inference/malloc.py)
        try:
            self.tokenizer: PieceTokenizer = piece_tokenizer(self.spec, resolved.path)
            config, generation = _configs(resolved.path)
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            raise ModelUnavailableError(
                resolved.name, f"its files in {resolved.path} cannot be loaded ({exc})"
            ) from exc
        self.path = converted_model(resolved, self.quantization, root=models_root)
        self.workers, intra_threads = thread_split(self.device, self.threads)
        self.translator: Any = ctranslate2.Translator(
            str(self.path),
            device=self.device,
            compute_type=self.quantization,
            intra_threads=intra_threads,
            inter_threads=self.workers,
        )
        limit = config.get("max_position_embeddings") or self.spec.max_input_tokens
        self.max_input_tokens = min(self.spec.max_input_tokens, int(limit))
        self.max_output_tokens = int(limit)
        self._forced_eos = generation.get("forced_eos_token_id") is not None
        forced_bos = generation.get("forced_bos_token_id")
        self._forced_bos = None if forced_bos is None else self.tokenizer.token(int(forced_bos))
        self._suppress = self._suppressed(generation.get("bad_words_ids") or [], config.get("pad_token_id"))

    def _suppressed(self, bad_words: list[list[int]], pad_id: int | None) -> list[list[str]]:
        # The Marian converter drops <pad> from the vocabulary, so CT2 cannot emit it anyway.
        return [
            [self.tokenizer.token(int(i)) for i in ids]
            for ids in bad_words
            if not (self.spec.family == "marian" and ids == [pad_id])
        ]

    def token_lengths(self, texts: Sequence[str], *, source: str, target: str | None = None) -> list[int]:
        """Source length in tokens, special and language tokens included."""
        return [len(row) for row in self.tokenizer.tokens(texts, source=source, target=target)]

    def generate(
        self, texts: Sequence[str], settings: GenerationSettings, *, source: str, target: str
    ) -> list[str]:
        """Decode ``texts`` with ``settings``, each worker on its share; outputs in input order."""
        return [best[0].text for best in self._decode(texts, settings, source, target)]

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
        return self._decode(texts, settings, source, target, count=count, attention=attention)

    def align(
        self, texts: Sequence[str], outputs: Sequence[str], *, source: str, target: str
    ) -> list[Hypothesis]:
        """Each output of each text with its attention (the alignment head): the output is given to
        ``translate_batch`` as the target prefix, so the model is forced through it in one pass."""
        results = [Hypothesis(output, 0.0) for output in outputs]
        if not texts:
            return results
        tokens = self.tokenizer.tokens(texts, source=source, target=target)
        bos = self.tokenizer.start_token(target) or self._forced_bos
        pieces = self.tokenizer.target_tokens(outputs, target)
        prefixes = [[bos, *row] if bos else row for row in pieces]
        todo = [
            i
            for i, (row, prefix) in enumerate(zip(tokens, prefixes, strict=True))
            if len(prefix) > int(bool(bos))
            and len(row) <= self.max_input_tokens
            and len(prefix) <= self.max_output_tokens
        ]
        if not todo:
            return results
        found = self.translator.translate_batch(
            [tokens[i] for i in todo],
            target_prefix=[prefixes[i] for i in todo],
            beam_size=1,
            max_decoding_length=max(len(prefixes[i]) for i in todo),  # a longer prefix's pairs decode on
            max_input_length=0,
            return_end_token=False,
            return_attention=True,
        )
        for i, result in zip(todo, found, strict=True):
            rows = result.attention[0][: len(prefixes[i])]
            results[i] = Hypothesis(
                outputs[i],
                0.0,
                tuple(tokens[i]),
                tuple(prefixes[i]),
                tuple(tuple(float(w) for w in row) for row in rows),
            )
        return results

    def generate_batches(
        self, batches: Iterable[Sequence[str]], settings: GenerationSettings, *, source: str, target: str
    ) -> Iterator[list[str]]:
        """Outputs batch by batch, as :meth:`generate` gives them. The batches are handed to the workers
        together and cut into sub-batches over all of them, as one ``translate_batch`` call with
        ``max_batch_size`` cuts its input, so the workers stay busy to the end and no batch's tail decodes in
        a small sub-batch of its own; each batch is given back once its sentences are decoded. A sentence
        keeps its batch's output bound (a sub-batch that spans two batches decodes to the larger). Batches
        after one that cannot be decoded are not read: those before it are decoded and given back, then its
        error is raised."""
        sizes: list[int] = []
        tokens: list[list[str]] = []
        bounds: list[int] = []
        failure: InvalidInputError | None = None
        for batch in batches:
            try:
                rows = self._tokens(batch, source, target)
            except InvalidInputError as exc:
                failure = exc
                break
            tokens.extend(rows)
            bounds.extend([self._steps(rows, settings)] * len(rows))
            sizes.append(len(batch))
        decoded = self._submit(tokens, bounds, settings, target)
        outputs: list[str | None] = [None] * len(tokens)
        start = 0
        for size in sizes:
            while any(out is None for out in outputs[start : start + size]):
                index, found = next(decoded)
                outputs[index] = found[0].text
            yield [out or "" for out in outputs[start : start + size]]
            start += size
        next(decoded, None)  # the sub-batches are all collected: what follows them runs
        if failure is not None:
            raise failure

    def _tokens(self, texts: Sequence[str], source: str, target: str) -> list[list[str]]:
        """The source tokens of ``texts``; an error if one is over the model's input limit."""
        if not texts:
            return []
        tokens = self.tokenizer.tokens(texts, source=source, target=target)
        longest = max(len(row) for row in tokens)
        if longest > self.max_input_tokens:
            raise InvalidInputError(
                f"a text of {longest} tokens is over {self.model_id}'s input limit of {self.max_input_tokens}"
            )
        return tokens

    def _decode(
        self,
        texts: Sequence[str],
        settings: GenerationSettings,
        source: str,
        target: str,
        *,
        count: int = 1,
        attention: bool = False,
    ) -> list[list[Hypothesis]]:
        outputs: list[list[Hypothesis]] = [[] for _ in texts]
        tokens = self._tokens(texts, source, target)
        bounds = [self._steps(tokens, settings)] * len(tokens)
        for index, found in self._submit(tokens, bounds, settings, target, count=count, attention=attention):
            outputs[index] = found
        return outputs

    def _steps(self, tokens: Sequence[list[str]], settings: GenerationSettings) -> int:
        """The output bound of a batch of sources: that of its longest, as transformers bounds a batch."""
        longest = max((len(row) for row in tokens), default=0)
        # transformers' forced EOS spends the last of max_new_tokens on </s>, which decodes to nothing;
        # CT2 cannot force it, so it stops one token earlier and the texts agree.
        return settings.max_tokens_for(longest, self.max_output_tokens) - int(self._forced_eos)

    def _submit(
        self,
        tokens: Sequence[list[str]],
        bounds: Sequence[int],
        settings: GenerationSettings,
        target: str,
        *,
        count: int = 1,
        attention: bool = False,
    ) -> Iterator[tuple[int, list[Hypothesis]]]:
        """Hand the sources ``tokens`` to the workers in sub-batches now, each decoding to the largest output
        bound (``bounds``) of its sources; returns what waits for and decodes the outputs (``count``
        hypotheses of each, best first), with their indices, sub-batch by sub-batch."""
        steps = max(bounds, default=0)
        if steps < 1:
            return ((index, [Hypothesis("", 0.0)]) for index in range(len(tokens)))
        bos = self.tokenizer.start_token(target) or self._forced_bos
        options = {
            "beam_size": max(settings.beam_size, count),
            "repetition_penalty": settings.repetition_penalty,
            "no_repeat_ngram_size": settings.no_repeat_ngram_size,
            "length_penalty": settings.length_penalty,
            "suppress_sequences": self._suppress or None,
            "max_input_length": 0,  # never truncate: over-long input was refused above
            "return_end_token": False,
            "max_batch_size": 0,  # each share is one batch, already sorted and sized
            "asynchronous": True,  # the shares queue for the workers, which run side by side
        }
        if count > 1 or attention:
            options.update(num_hypotheses=count, return_scores=True, return_attention=attention)
        cpu = self.device == "cpu"
        shares = work_shares(
            [len(row) for row in tokens],
            settings,
            steps,
            self.workers,
            self.share_tokens if cpu else None,
            self.decode_tokens if cpu else None,
            rows=options["beam_size"],
        )
        shares.reverse()  # the longest first: the queue ends with the shortest, so the workers end together
        pending = [
            (
                share,
                self.translator.translate_batch(
                    [tokens[i] for i in share],
                    target_prefix=[[bos] for _ in share] if bos else None,
                    max_decoding_length=max(bounds[i] for i in share),
                    min_decoding_length=min(settings.min_new_tokens, max(bounds[i] for i in share)),
                    **options,
                ),
            )
            for share in shares
        ]

        def collect() -> Iterator[tuple[int, list[Hypothesis]]]:
            for share, results in pending:
                for index, result in zip(share, results, strict=True):
                    yield index, self._hypotheses(result.result(), tokens[index], bos, count, attention)
            if cpu and (self.trimming is None or not self.trimming.is_alive()):  # one trim at a time
                # the call's decoding state is freed: its pages go back, beside the caller's own work
                self.trimming = give_back_freed_memory_soon()  # (inference/malloc.py)

        return collect()

    def _hypotheses(
        self, result: Any, source: list[str], start: str | None, count: int, attention: bool
    ) -> list[Hypothesis]:
        if count == 1 and not attention:
            return [Hypothesis(self.tokenizer.text(result.hypotheses[0], start), 0.0)]
        scores = result.scores or [0.0] * len(result.hypotheses)
        weights = result.attention if attention else [[] for _ in result.hypotheses]
        return [
            Hypothesis(
                self.tokenizer.text(pieces, start),
                float(score),
                tuple(source) if attention else (),
                tuple(pieces) if attention else (),
                tuple(tuple(float(w) for w in row) for row in rows),
            )
            for pieces, score, rows in zip(result.hypotheses, scores, weights, strict=True)
        ]


def _configs(folder: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model's ``config.json`` and its generation settings (``generation_config.json``, else the
    model config, as ``GenerationConfig.from_model_config`` reads them), as JSON: no transformers."""
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    generation_file = folder / "generation_config.json"
    if generation_file.is_file():
        return config, json.loads(generation_file.read_text(encoding="utf-8"))
    return config, config
