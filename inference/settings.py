"""Defaults and environment variables, in one place; the CLI, UI and library read them here."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_cache_dir

from tarjama.inference.errors import InvalidInputError

# --- translation -------------------------------------------------------------------------------
DEFAULT_BEAM_SIZE = 4
DEFAULT_MAX_LENGTH_RATIO = 3.0  # output tokens at most this times the source tokens (+ slack)
DEFAULT_LENGTH_SLACK = 10
DEFAULT_REPETITION_PENALTY = 1.0
DEFAULT_NO_REPEAT_NGRAM_SIZE = 0  # as OPUS-MT ships: no n-gram blocking (a source may repeat a phrase)
DEFAULT_MAX_BATCH_TOKENS = 4096  # token budget of one generate() call (source tokens, padded); see bench/
DEFAULT_BACKEND = "auto"  # auto | transformers | ctranslate2
DEFAULT_DEVICE = "auto"  # auto | cpu | cuda
DEFAULT_CT2_QUANTIZATION_CPU = "int8"  # CTranslate2 compute type (and conversion quantisation) on CPU
DEFAULT_CT2_QUANTIZATION_CUDA = "int8_float16"  # ... and on CUDA
# ar↔en model quality when a request does not choose: "best" = opus-mt-tc-big, "fast" = opus-mt base. On CUDA
# always "best"; on a CPU this constant: "best" too, as tc-big costs less than 3x base's time there (README,
# "tc-big on CPU"; `bench/tc_big_speed.py`).
DEFAULT_CPU_QUALITY = "best"
LANGID_REFUSE_CONFIDENCE = 0.5  # source=auto: a language no model translates, this sure, is refused (400)
LANGID_FLAG_CONFIDENCE = 0.9  # a text (or paragraph) this sure of another language than its source is flagged
# CPU: source + expected output tokens of one CTranslate2 sub-batch: 16 news sentences of ~36 tokens with 48
# out, the fastest raw CTranslate2 layout (max_batch_size 16) and the same cut (bench/README.md)
DEFAULT_CT2_SHARE_TOKENS = 1344
# CPU: what one CTranslate2 sub-batch may hold while it decodes, in positions: beam x (source + output bound)
# per source (each ~24 KB of attention state in a base model); bench/README.md, "Peak memory"
DEFAULT_CT2_DECODE_TOKENS = 1536

# --- models from the Hub ------------------------------------------------------------------------
DEFAULT_DIRECTION = ("ar", "en")  # the service's own direction: /health is 503 while it cannot be served
HUB_TIMEOUT_SECONDS = 10.0  # wait this long for the Hub (or HF_ENDPOINT's mirror), then use the local copy
MAX_IMPORT_BYTES = 64 * 2**30  # `tarjama models import`: an archive unpacks to at most this much
MAX_IMPORT_FILES = 10_000  # ... and at most this many members

# --- summaries ---------------------------------------------------------------------------------
DEFAULT_SUMMARY_SENTENCES = 3
DEFAULT_SUMMARY_METHOD = "extractive"
DEFAULT_SUMMARY_MAX_TOKENS = 142  # abstractive output cap (BART-CNN's own setting)
DEFAULT_SUMMARY_MIN_TOKENS = 30
SUMMARY_TOKENS_PER_SENTENCE = 40  # --sentences N caps an abstractive summary at N × this many tokens
DEFAULT_SUMMARY_NO_REPEAT_NGRAM_SIZE = 3
DEFAULT_SUMMARY_REPETITION_PENALTY = 1.2
DEFAULT_SUMMARY_LENGTH_PENALTY = 2.0
DEFAULT_SUMMARY_MAX_ROUNDS = 4  # map-reduce rounds for articles longer than the model's input
DEFAULT_BATCH_WORKERS = 1
TRANSLATION_GROUP_SIZE = 32  # articles of a translation batch whose sentences share the model's batches
CORPUS_MEMO_SENTENCES = 200_000  # distinct sentences a batch worker remembers (repeats translated once)

# --- evaluation --------------------------------------------------------------------------------
DEFAULT_BOOTSTRAP_SAMPLES = 1000  # sacrebleu's default for --paired-bs-n and --confidence-n
DEFAULT_BOOTSTRAP_SEED = 12345  # sacrebleu's default SACREBLEU_SEED; also seeds the ROUGE bootstrap
DEFAULT_MAX_DROP = 0.5  # `tarjama eval compare`: the largest allowed drop of any metric, in points

# --- limits ------------------------------------------------------------------------------------
MAX_INPUT_CHARS = 2_000_000  # one request / one file; larger input is refused, not truncated

# --- glossaries (DeepL's limits) ------------------------------------------------------------------
MAX_GLOSSARY_BYTES = 10 * 1024 * 1024  # one glossary file or inline glossary, UTF-8
MAX_GLOSSARY_ENTRY_BYTES = 1024  # one entry: source and target term together, UTF-8
GLOSSARY_HYPOTHESES = 8  # hypotheses searched for one that uses the glossary's terms
MAX_ALTERNATIVES = 8  # other translations one /translate request may ask for (`alternatives`)

# --- web UI and API (app.py, api.py) ----------------------------------------------------------------
ANSWER_MEMO_ENTRIES = 256  # whole /translate answers kept for an identical repeat (web/memo.py); 0 = none
ANSWER_MEMO_BYTES = 16 * 2**20  # ... and about this many bytes (bodies and translations' texts) at most
DEFAULT_HOST = "127.0.0.1"  # localhost only unless --host says otherwise
DEFAULT_PORT = 7860
MAX_REQUEST_CHARS = 100_000  # one page or API request (all texts of a list together)
MAX_REQUEST_ITEMS = 128  # texts in one API list request
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # one upload; a .zip counts unpacked
MAX_BATCH_DOCUMENTS = 2_000  # articles in one batch upload
MAX_EVAL_ITEMS = 500  # test items the page evaluates at once
MAX_EVAL_FILE_ITEMS = 2_000  # lines of uploaded files the page scores at once (a test set's size)
MAX_EVAL_FILES = 4  # system files, and reference files, the page scores at once
MAX_DOCUMENT_UNPACKED_BYTES = 100 * 1024 * 1024  # a .docx/.odt/.pptx/.epub's members together, unpacked
MAX_DOCUMENT_MEMBERS = 2_000  # files inside one such document
MAX_DOCUMENT_RATIO = 100  # unpacked : packed for any member over 1 MiB (more is a zip bomb)
TRANSLATED_FILE_TTL_S = 3_600  # how long POST /translate_file's result can be downloaded
MAX_TRANSLATED_FILES_BYTES = 256 * 1024 * 1024  # translated files kept in memory together; oldest go first
UPLOAD_SUFFIXES = (".txt", ".zip", ".jsonl", ".csv")  # batch uploads
DEFAULT_CONCURRENCY = 1  # model calls running at once, page and API together
DEFAULT_BATCH_WINDOW_MS = 20.0  # concurrent requests' sentences gathered this long into one batch (bench/)
DEFAULT_QUEUE_SIZE = 32  # page events waiting; beyond this the page says the queue is full
DEFAULT_REQ_LIMIT = 0  # API requests per minute per client (or per key); 0 = no limit
MEMORY_STORAGE = (
    "memory://"  # rate limits counted in this process (--limits-storage; or redis://HOST:PORT/DB)
)
MAX_BODY_BYTES = 2 * 1024 * 1024  # one request body (room for MAX_REQUEST_CHARS as JSON escapes)
MAX_UPLOAD_REQUEST_BYTES = 4 * MAX_UPLOAD_BYTES  # one upload request to the page (several files)
MAX_HEADER_BYTES = 64 * 1024  # all headers of one request together
BODY_IDLE_SECONDS = 30.0  # a request body that stops arriving this long is refused (408)

# --- the sentence cache --------------------------------------------------------------------------
CACHE_RETRY_SECONDS = 30.0  # a cache that failed is tried again after this long (Redis back, disk freed)
CACHE_CONNECT_SECONDS = 2.0  # Redis: connecting may take this long before the work goes on without it
CACHE_IO_SECONDS = 5.0  # Redis: one command may take this long

ENV_CACHE = "TARJAMA_CACHE"
ENV_CACHE_TTL = "TARJAMA_CACHE_TTL"
ENV_MODELS_DIR = "TARJAMA_MODELS_DIR"
ENV_THREADS = "TARJAMA_THREADS"
ENV_CT2_SHARE_TOKENS = "TARJAMA_CT2_SHARE_TOKENS"
ENV_CT2_DECODE_TOKENS = "TARJAMA_CT2_DECODE_TOKENS"
ENV_MAX_OUTPUT_TOKENS = "TARJAMA_MAX_OUTPUT_TOKENS"


def cache_location() -> str:
    """Where the sentence cache lives: ``$TARJAMA_CACHE`` (an SQLite file's path or a ``redis://`` URL) or
    an SQLite file in the platform's user cache folder."""
    env = os.environ.get(ENV_CACHE)
    if env:
        return env if is_redis_url(env) else str(Path(env).expanduser())
    return str(Path(user_cache_dir("tarjama")) / "cache.sqlite3")


def is_redis_url(location: str) -> bool:
    """True when ``location`` names a Redis server rather than an SQLite file."""
    return location.startswith(("redis://", "rediss://", "unix://"))


def cache_ttl() -> int | None:
    """How long a Redis cache keeps an entry, in seconds: ``$TARJAMA_CACHE_TTL``; ``None`` = for ever."""
    env = os.environ.get(ENV_CACHE_TTL, "").strip()
    if not env:
        return None
    if not env.isdigit() or int(env) <= 0:
        raise InvalidInputError(f"{ENV_CACHE_TTL} must be a whole number of seconds above 0, not {env!r}")
    return int(env)


def models_dir() -> Path:
    """Where converted models (CTranslate2) are kept: ``$TARJAMA_MODELS_DIR`` or the user cache."""
    env = os.environ.get(ENV_MODELS_DIR)
    if env:
        return Path(env).expanduser()
    return Path(user_cache_dir("tarjama")) / "models"


def hub_offline() -> bool:
    """True when the Hugging Face Hub must not be contacted (``HF_HUB_OFFLINE`` set to a true value)."""
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in {"1", "true", "yes", "on"}


def default_threads() -> int:
    """Intra-op threads: ``$TARJAMA_THREADS`` or the number of CPUs this process may use."""
    env = os.environ.get(ENV_THREADS)
    if env and env.isdigit() and int(env) > 0:
        return int(env)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def ct2_share_tokens() -> int:
    """Source and output tokens of one CTranslate2 sub-batch on CPU: ``$TARJAMA_CT2_SHARE_TOKENS`` (the best
    measured here with ``bench.translate_speed --share-tokens``) or ``DEFAULT_CT2_SHARE_TOKENS``."""
    return _positive_env(ENV_CT2_SHARE_TOKENS, DEFAULT_CT2_SHARE_TOKENS)


def ct2_decode_tokens() -> int:
    """Decoding positions (beam x (source + output bound) per source) one CTranslate2 sub-batch may hold
    on CPU: ``$TARJAMA_CT2_DECODE_TOKENS`` or ``DEFAULT_CT2_DECODE_TOKENS``; it bounds peak memory."""
    return _positive_env(ENV_CT2_DECODE_TOKENS, DEFAULT_CT2_DECODE_TOKENS)


def max_output_tokens() -> int | None:
    """The operator's cap on any one output, in tokens: ``$TARJAMA_MAX_OUTPUT_TOKENS`` (a guard against
    runaway decoding, on top of each setting's own bound); ``None`` = no cap beyond those."""
    return _positive_env(ENV_MAX_OUTPUT_TOKENS, 0) or None


def _positive_env(name: str, default: int) -> int:
    env = os.environ.get(name, "").strip()
    if not env:
        return default
    if not env.isdigit() or int(env) < 1:
        raise InvalidInputError(f"{name} must be a whole number above 0, not {env!r}")
    return int(env)
