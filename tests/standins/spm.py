"""SentencePiece training for the stand-in tokenizers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import sentencepiece as spm
from sentencepiece import sentencepiece_model_pb2


def train_sentencepiece(
    texts: Iterable[str],
    out_prefix: Path | str,
    vocab_size: int,
    *,
    model_type: str = "unigram",
    character_coverage: float = 1.0,
    unk_id: int = 0,
    bos_id: int = 1,
    eos_id: int = 2,
    pad_id: int = -1,
    user_defined_symbols: Sequence[str] = (),
    hard_vocab_limit: bool = True,
    seed: int = 0,
) -> Path:
    """Train a SentencePiece model on ``texts``; write ``<out_prefix>.model`` / ``.vocab``; return the model.

    Single-threaded and fed every sentence in order, so the output is the same for the same input. With
    ``hard_vocab_limit=False`` the vocabulary may come out smaller than ``vocab_size`` when the text is too
    small for it (used to get "as large as the text allows").
    """
    lines = [line.strip() for line in texts if line.strip()]
    if not lines:
        raise ValueError("train_sentencepiece needs at least one non-empty line of text")
    prefix = Path(out_prefix)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    spm.set_random_generator_seed(seed)
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines),
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        model_type=model_type,
        character_coverage=character_coverage,
        unk_id=unk_id,
        bos_id=bos_id,
        eos_id=eos_id,
        pad_id=pad_id,
        user_defined_symbols=list(user_defined_symbols),
        hard_vocab_limit=hard_vocab_limit,
        input_sentence_size=0,
        shuffle_input_sentence=False,
        max_sentence_length=1 << 16,
        num_threads=1,
        minloglevel=2,
    )
    model_path = prefix.with_name(prefix.name + ".model")
    _drop_build_path(model_path)
    return model_path


def _drop_build_path(model_path: Path) -> None:
    """SentencePiece stores the output path in the model; keep only the name so builds are byte-identical."""
    proto = sentencepiece_model_pb2.ModelProto()
    proto.ParseFromString(model_path.read_bytes())
    proto.trainer_spec.model_prefix = model_path.stem
    model_path.write_bytes(proto.SerializeToString())


def sentencepiece_pieces(model_path: Path) -> list[str]:
    """The ordinary pieces of a SentencePiece model (its ``<unk>``/control symbols left out), in id order."""
    processor = spm.SentencePieceProcessor(model_file=str(model_path))
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]
