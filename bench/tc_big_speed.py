"""opus-mt-tc-big-ar-en's dimensions against opus-mt-ar-en's on CTranslate2 int8, the seed article, warm.

    .venv/bin/python -m bench.tc_big_speed [--rounds 3] [--tokens 48] [--share-tokens 1536 4096]

Both models are random stand-ins with the real dimensions (``build_marian_real_dims``: 6+6 layers, d_model
512, 77M parameters; ``tests/standins/tc_big.py``: d_model 1024, feed-forward 4096, 16 heads, 61k vocabulary,
241M parameters), tokenised alike (the same SentencePiece models), forced EOS removed and end of sentence
suppressed, so each emits exactly ``--tokens`` tokens per sentence with beam 4 (tarjama's default): both do
the same decoding steps and the ratio is the cost of the bigger model. Both are loaded in this process and
translate the seed article in turn, round after round (``--share-tokens`` values too), through tarjama's
``Translator`` with the cache off; per layout the median of the rounds counts.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.speed_inputs import REPO, prepare_model
from tarjama.inference.settings import ENV_CT2_SHARE_TOKENS

SEED = REPO / "seeds" / "000_ac9cc5f60d3ec1c9.txt"


def tc_big(work: Path) -> Path:
    """The tc-big-sized stand-in, built once, with no forced EOS."""
    from tests.standins import build_cached
    from tests.standins.tc_big import build_marian_tc_big_dims

    folder = build_cached(build_marian_tc_big_dims, root=work)
    config_file = folder / "generation_config.json"
    config = json.loads(config_file.read_text(encoding="utf-8"))
    if "forced_eos_token_id" in config:
        config.pop("forced_eos_token_id")
        config_file.write_text(json.dumps(config, indent=2), encoding="utf-8")
    return folder


def main(argv: list[str] | None = None) -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=48)
    parser.add_argument("--beam", type=int, default=4)
    parser.add_argument("--share-tokens", type=int, nargs="+", default=[1536, 4096])
    parser.add_argument("--work", type=Path, default=REPO / ".standins" / "bench")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    os.environ.setdefault("TARJAMA_MODELS_DIR", str(work / "ct2"))
    from tarjama.inference import GenerationSettings, ModelPool
    from tarjama.translate import Translator

    folders = {"base": prepare_model(work), "tc-big": tc_big(work / "standins")}
    settings = GenerationSettings(
        beam_size=args.beam, max_new_tokens=args.tokens, min_new_tokens=args.tokens, length_slack=args.tokens,
        no_repeat_ngram_size=0,
    )  # fmt: skip
    article = SEED.read_text(encoding="utf-8")
    times: dict[tuple[str, int], list[float]] = {}
    translators = {}
    for name, folder in folders.items():
        pool = ModelPool(backend="ctranslate2", device="cpu")
        translators[name] = Translator(str(folder), pool=pool, use_cache=False)
        # load (converting once), then warm
        translators[name].translate(article, source="ar", target="en", settings=settings)
    outputs: dict[tuple[str, int], str] = {}
    for round_ in range(args.rounds):
        for share in args.share_tokens:
            for name in folders if round_ % 2 == 0 else list(folders)[::-1]:
                backend = translators[name].pool.get(str(folders[name]), task="translate").load()
                backend.share_tokens = share
                started = time.perf_counter()
                result = translators[name].translate(article, source="ar", target="en", settings=settings)
                times.setdefault((name, share), []).append(time.perf_counter() - started)
                outputs[(name, share)] = result.text
    segments = result.stats.segments
    print(f"seed article: {segments} segments x {args.tokens} tokens, beam {args.beam}, {args.rounds} rounds")
    print(f"{'model':<8} {'share tokens':>12} {'median s':>9} {'rounds':>24}")
    for (name, share), got in times.items():
        print(f"{name:<8} {share:12d} {statistics.median(got):9.2f}   {' '.join(f'{t:.2f}' for t in got)}")
    for share in args.share_tokens:
        ratio = statistics.median(times[("tc-big", share)]) / statistics.median(times[("base", share)])
        print(f"tc-big / base at {share} share tokens: {ratio:.2f}x the time")
    for name in folders:
        same = len({outputs[(name, share)] for share in args.share_tokens}) == 1
        print(f"{name}: outputs {'identical' if same else 'DIFFER'} across share sizes")
    print(f"{ENV_CT2_SHARE_TOKENS} sets the share size for tarjama")
    return 0


if __name__ == "__main__":
    sys.exit(main())
