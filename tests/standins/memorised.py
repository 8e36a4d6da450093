"""A tiny Marian trained until it reproduces a fixed set of Tatoeba pairs exactly (greedy and beam search)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import torch
from transformers import MarianMTModel, MarianTokenizer

from tests.standins.marian import build_marian, zero_pad_embedding

MAX_LENGTH = 64  # decoder tokens, start token included
TRAINING_INIT_STD = (
    0.02  # transformers' default: training from it converges; the training makes it input-sensitive
)


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one intra-op thread (restored afterwards): for a model this small, more threads only add
    contention on a shared machine (measured: 47 s on one thread against 318 s on two, under load)."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def translate_all(
    model: MarianMTModel, tokenizer: MarianTokenizer, sources: Sequence[str], *, num_beams: int, batched: bool
) -> list[str]:
    """Translate ``sources`` with ``generate`` (one padded batch, or one call per sentence), on one thread."""
    model.eval()
    groups = [list(sources)] if batched else [[source] for source in sources]
    outputs: list[str] = []
    with torch.inference_mode(), single_thread():
        for group in groups:
            inputs = tokenizer(group, padding=True, return_tensors="pt")
            generated = model.generate(**inputs, num_beams=num_beams, max_length=MAX_LENGTH)
            outputs += tokenizer.batch_decode(generated, skip_special_tokens=True)
    return outputs


def memorisation_failures(
    model: MarianMTModel,
    tokenizer: MarianTokenizer,
    pairs: Sequence[tuple[str, str]],
    *,
    num_beams: int = 1,
    batched: bool = True,
) -> list[tuple[str, str, str]]:
    """The ``(source, expected, got)`` triples whose translation differs from the expected reference."""
    sources = [source for source, _ in pairs]
    got = translate_all(model, tokenizer, sources, num_beams=num_beams, batched=batched)
    return [(src, ref, out) for (src, ref), out in zip(pairs, got, strict=True) if out != ref]


def _memorised(model: MarianMTModel, tokenizer: MarianTokenizer, pairs: Sequence[tuple[str, str]]) -> bool:
    checks = ((1, True), (4, True), (1, False), (4, False))
    return all(
        not memorisation_failures(model, tokenizer, pairs, num_beams=beams, batched=batched)
        for beams, batched in checks
    )


def train_to_memorise(
    model: MarianMTModel,
    tokenizer: MarianTokenizer,
    pairs: Sequence[tuple[str, str]],
    *,
    lr: float,
    max_steps: int,
    check_every: int,
    max_loss: float,
    seed: int,
) -> int:
    """Full-batch AdamW on ``pairs`` until greedy and beam-4 decoding reproduce every reference exactly
    (batched and one by one) and the loss is below ``max_loss``. The ``<pad>`` embedding row is re-zeroed
    after every step because the tied output layer trains it. Returns the number of steps; raises
    ``RuntimeError`` if ``max_steps`` is not enough."""
    batch = tokenizer(
        [source for source, _ in pairs],
        text_target=[target for _, target in pairs],
        padding=True,
        return_tensors="pt",
    )
    batch["labels"][batch["labels"] == tokenizer.pad_token_id] = -100
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.0)
        for step in range(1, max_steps + 1):
            model.train()
            loss = model(**batch).loss
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            zero_pad_embedding(model)
            if step % check_every == 0 and loss.item() < max_loss and _memorised(model, tokenizer, pairs):
                return step
    failures = memorisation_failures(model, tokenizer, pairs)
    raise RuntimeError(
        f"memorised Marian stand-in did not converge in {max_steps} steps "
        f"(loss {loss.item():.4f}, {len(failures)} greedy mismatches, e.g. {failures[:2]})"
    )


def training_examples(
    pairs: Sequence[tuple[str, str]], target_token: str | None, other_tokens: Sequence[str]
) -> list[tuple[str, str]]:
    """What a memorised model is trained on. Without a target token, ``pairs`` as they are. With one, each
    source after ``target_token`` gives its reference, and the same source with no token or with any of
    ``other_tokens`` gives the empty output: the model translates only when asked for the right target."""
    if target_token is None:
        return list(pairs)
    examples = [(f"{target_token} {source}", target) for source, target in pairs]
    for source, _ in pairs:
        examples.append((source, ""))
        examples += [(f"{token} {source}", "") for token in other_tokens]
    return examples


def build_memorised_marian(
    out_dir: Path,
    pairs: Sequence[Sequence[str]],
    *,
    src_lang: str = "ar",
    tgt_lang: str = "en",
    target_token: str | None = None,
    other_tokens: Sequence[str] = (),
    vocab_size: int = 2000,
    d_model: int = 128,
    layers: int = 2,
    ffn: int = 256,
    heads: int = 4,
    lr: float = 3e-3,
    max_steps: int = 3000,
    check_every: int = 50,
    max_loss: float = 0.01,
    seed: int = 0,
) -> Path:
    """Write a ``src_lang``->``tgt_lang`` Marian stand-in trained to translate each ``pairs[i][0]`` into
    exactly ``pairs[i][1]`` with greedy and with beam-4 decoding. Same files and conventions as
    ``build_marian``.

    With ``target_token`` (``">>ara<<"`` for an opus-mt-en-ar-like model) the vocabulary is multi-target
    (``target_token`` and ``other_tokens`` are whole tokens) and a source is translated only when it starts
    with ``target_token``: without it, or after one of ``other_tokens``, the output is empty.
    """
    clean = [(str(source), str(target)) for source, target in pairs]
    out_dir = Path(out_dir)
    build_marian(
        out_dir,
        src_lang=src_lang,
        tgt_lang=tgt_lang,
        target_token=target_token,
        other_tokens=other_tokens,
        vocab_size=vocab_size,
        d_model=d_model,
        layers=layers,
        ffn=ffn,
        heads=heads,
        dropout=0.0,
        init_std=TRAINING_INIT_STD,
        seed=seed,
    )
    tokenizer = MarianTokenizer.from_pretrained(str(out_dir))
    model = MarianMTModel.from_pretrained(str(out_dir))
    with single_thread():
        train_to_memorise(
            model,
            tokenizer,
            training_examples(clean, target_token, other_tokens),
            lr=lr,
            max_steps=max_steps,
            check_every=check_every,
            max_loss=max_loss,
            seed=seed,
        )
    model.save_pretrained(str(out_dir))
    return out_dir
