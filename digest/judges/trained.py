"""The trained judge: our own MiniLM cross-encoder (int8 ONNX), run by onnxruntime.

The model reads ``[CLS] claim [SEP] evidence window [SEP]`` and outputs one logit for
"the window supports the claim". It was fine-tuned from all-MiniLM-L6-v2 by ``python -m
train.run`` (see ``train/README.md``, the model card) on synthetic news pairs and SummEdits'
non-news domains; QAGS and SummEdits-news were never used for training, selection or the
threshold.

Sources are split into sentences and every window of one to three consecutive sentences is a
candidate (SummaC/AlignScore style). Scoring every window with the network would be too slow
on long articles, so windows are first ranked by how much of the claim's content they cover
(rare words such as names and numbers count more) and only the best ``TOP_WINDOWS`` go through
the model; the claim takes the maximum. ``train.calibrate`` chose one window: two or three
gained under 0.005 AUC on the calibration data and cost two to three times the time. The same
:func:`select_windows` chooses the evidence of the training pairs, so the model is trained on
the windows it will be shown.

No PyTorch at run time: ``onnxruntime`` and ``tokenizers`` only, both sha256-verified files
shipped as package data in ``digest/judges/model/``.
"""

from __future__ import annotations

import math
import os
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from digest.judges import features as ft
from digest.judges import text as tx
from digest.judges.base import Judgement
from digest.judges.features import split_windows_sentences
from digest.judges.logistic import Logistic

if TYPE_CHECKING:
    from digest.judges.embedded import EmbeddedJudge

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_SENTENCES = 3  # sentences per window
MAX_WINDOW_CHARS = 700  # a longer window is cut to its sentences that fit (~150 word pieces)
TOP_WINDOWS = 1  # lexically best windows the network scores per claim (train/calibrate.py)
_MARKER = re.compile(r"\s*\[\d+(?:\s*,\s*\d+)*\]")


# -- windows ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Span:
    """A candidate evidence window: ``sources[source][start:end]`` and its lexical cover."""

    source: int
    start: int
    end: int
    cover: float


@dataclass(frozen=True)
class _Indexed:
    spans: list[tuple[int, int]]  # sentence offsets
    stems: list[frozenset[str]]  # per sentence


_INDEX_CACHE: OrderedDict[str, _Indexed] = OrderedDict()
_INDEX_CACHE_SIZE = 1024


def _index(text: str) -> _Indexed:
    hit = _INDEX_CACHE.get(text)
    if hit is not None:
        _INDEX_CACHE.move_to_end(text)
        return hit
    spans = split_windows_sentences(text)
    stems = [frozenset(t.stem for t in tx.tokens(text[a:b])) for a, b in spans]
    indexed = _Indexed(spans, stems)
    _INDEX_CACHE[text] = indexed
    if len(_INDEX_CACHE) > _INDEX_CACHE_SIZE:
        _INDEX_CACHE.popitem(last=False)
    return indexed


def claim_weights(claim: str) -> dict[str, float]:
    """Content stems of the claim, weighted: names, numbers and long words count double."""
    weights: dict[str, float] = {}
    for t in tx.content(tx.tokens(claim)):
        rare = t.capital or t.lower[:1].isdigit() or len(t.lower) >= 8
        weights[t.stem] = max(weights.get(t.stem, 0.0), 2.0 if rare else 1.0)
    return weights


def select_windows(claim: str, sources: list[str], k: int = TOP_WINDOWS) -> list[Span]:
    """The ``k`` windows of 1-3 consecutive sentences that cover most of the claim.

    Ties go to the shorter window. A window is skipped when an already chosen one of the same
    source contains it and covers no less, so the ``k`` are not three copies of one sentence.
    """
    weights = claim_weights(claim)
    total = sum(weights.values()) or 1.0
    candidates: list[tuple[float, int, int, int, int]] = []
    for s, text in enumerate(sources):
        if not text.strip():
            continue
        idx = _index(text)
        n = len(idx.spans)
        for i in range(n):
            covered: set[str] = set()
            for size in range(1, MAX_SENTENCES + 1):
                j = i + size - 1
                if j >= n:
                    break
                if size > 1 and idx.spans[j][1] - idx.spans[i][0] > MAX_WINDOW_CHARS:
                    break
                covered |= idx.stems[j]
                cover = sum(w for stem, w in weights.items() if stem in covered) / total
                candidates.append((cover, -size, s, i, j))
    candidates.sort(key=lambda c: (-c[0], -c[1], c[2], c[3]))
    chosen: list[tuple[float, int, int, int]] = []
    for cover, _, s, i, j in candidates:
        if any(cs == s and ci <= i and j <= cj and cc >= cover for cc, cs, ci, cj in chosen):
            continue
        chosen.append((cover, s, i, j))
        if len(chosen) >= k:
            break
    out = []
    for cover, s, i, j in chosen:
        spans = _index(sources[s]).spans
        out.append(Span(s, spans[i][0], spans[j][1], cover))
    return out


def clean_claim(claim: str) -> str:
    """The claim without its ``[n]`` citation markers."""
    return _MARKER.sub("", claim).strip()


# A sentence that is a short frame followed by one quotation that closes it.
_FRAMED_QUOTE = re.compile(r"^(?P<frame>[^“”\"]*)[“\"](?P<quote>[^“”\"]+)[”\"][\s.,;:!?]*$")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’.-]*\w")
MIN_QUOTE_WORDS = 6
MAX_FRAME_WORDS = 10


def quoted_claim(claim: str, sources: list[str]) -> str | None:
    """The quotation ``claim`` ends with, when the claim only frames a verbatim quote.

    "An analysis piece in Northern Ledger argues: “…”" or "On the place, some reports say “…”":
    the quote is what the source must say, and it does, word for word; the short frame before
    it adds no fact but the names it gives. So when the sentence is a frame of at most
    ``MAX_FRAME_WORDS`` words and then one quote of at least ``MIN_QUOTE_WORDS`` words that
    closes it, the quote occurs verbatim (up to spacing) in a source, and every capitalised name
    of the frame occurs in that same source, the network judges the quote alone. Anything after
    the quote ("“…,” he said, after a storm"), a longer frame, or a name the source lacks
    ("Xi said “…”" about a source that never names Xi) and the sentence is judged whole.
    """
    match = _FRAMED_QUOTE.match(claim)
    if match is None or len(match["frame"].split()) > MAX_FRAME_WORDS:
        return None
    quote = match["quote"].strip().rstrip(".,;:").strip()
    if len(quote.split()) < MIN_QUOTE_WORDS:
        return None
    names = [
        w.lower() for w in _CAPITALISED.findall(match["frame"]) if w.lower() not in tx.STOPWORDS
    ]
    flat = " ".join(quote.split())
    for text in sources:
        joined = " ".join(text.split())
        low = joined.lower()
        if flat in joined and all(n in low for n in names):
            return quote
    return None


# -- the model ---------------------------------------------------------------------------------
# Pinned like the embedding model's (digest/embed.py): a changed file is an error.
MODEL_SHA256 = "6511aab3238363900ad13c197acdb9c7ad73bea57b95c098d64e28877e685154"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
MAX_LEN = 128  # word pieces of claim + window, as in training
THREADS = min(2, os.cpu_count() or 1)  # 2 threads: 1.8x one thread on idle 2 cores (card)
THRESHOLD = 0.6458  # on training-side held-out data (train/calibrate.py), never on QAGS


def model_files(directory: Path = MODEL_DIR) -> tuple[Path, Path]:
    """Paths of (model.onnx, tokenizer.json), checked against their sha256.

    The tokenizer is all-MiniLM-L6-v2's, byte for byte the one the embedding model already
    ships (``digest.embed``), so it is reused rather than shipped twice.
    """
    from digest.embed import minilm_files, verified_file

    model = verified_file(directory / "model.onnx", MODEL_SHA256)
    if (directory / "tokenizer.json").exists():
        return model, verified_file(directory / "tokenizer.json", TOKENIZER_SHA256)
    return model, verified_file(minilm_files()[1], TOKENIZER_SHA256)


class CrossEncoder:
    """The ONNX cross-encoder: (claim, evidence) pairs -> support logits."""

    def __init__(
        self, model: Path, tokenizer: Path, *, max_len: int = MAX_LEN, threads: int | None = None
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tokenizer = Tokenizer.from_file(str(tokenizer))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_len, strategy="longest_first")
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.intra_op_num_threads = threads or THREADS
        # Busy-waiting worker threads cost more than they save when the cores are shared.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(
            str(model), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def logits(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """One logit per (claim, evidence) pair, each pair run on its own.

        Why one at a time: the int8 model quantises its activations dynamically, with one scale
        per tensor, so in a batch every row's score depends on the other rows (up to 0.82 logit
        measured, model card): a sentence could pass alone and fail in company. Alone, a pair's
        score is a function of the pair only, on any batch or order (tested to 1e-6). It costs
        little: batches of 8 gained ~10 % on 2 cores. A pair repeated within one call is run
        once.
        """
        out = np.zeros(len(pairs), dtype=np.float32)
        if not pairs:
            return out
        done: dict[tuple[tuple[int, ...], tuple[int, ...]], float] = {}
        for i, e in enumerate(self._tokenizer.encode_batch(pairs)):
            key = (tuple(e.ids), tuple(e.type_ids))
            if key not in done:
                ids = np.asarray([e.ids], dtype=np.int64)
                feeds = {
                    "input_ids": ids,
                    "attention_mask": np.ones_like(ids),
                    "token_type_ids": np.asarray([e.type_ids], dtype=np.int64),
                }
                done[key] = float(np.asarray(self._session.run(None, feeds)[0]).reshape(-1)[0])
            out[i] = done[key]
        return out


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x)) if x >= 0 else math.exp(x) / (1.0 + math.exp(x))


# The stacker: the model's best-window logit plus the lexical judge's raw signals, combined by a
# logistic regression. train/calibrate.py fits one on three held-out training-side slices (CLIFF's
# calibration half, held-out SummEdits non-news documents, NeuS validation stories) and ships it
# only if it also helps on each slice it was not fitted on. For the shipped model it did not
# (CLIFF 81.3 vs plain 81.8 AUC, NeuS 93.5 vs 93.8), so the shipped judge is the plain model.
LEXICAL = tuple(name for name in ft.FEATURES if name != "emb_win")
STACK: Logistic | None = None
STACK_THRESHOLD = 0.4991  # out-of-fold threshold of the rejected stacker (train/calibrate.py)


def lexical_signals(lexical: EmbeddedJudge, claim: str, sources: list[str]) -> np.ndarray:
    """The lexical judge's raw signals, in the stacker's order (``LEXICAL``)."""
    return ft.vectorize(lexical.features(claim, sources)[0].values, LEXICAL)


class TrainedJudge:
    """Max over the claim's best evidence windows of P(supported) from our cross-encoder,
    optionally combined with the lexical signals by the fitted stacker."""

    name = "trained"

    def __init__(
        self,
        encoder: CrossEncoder | None = None,
        *,
        stack: Logistic | None = STACK,
        threshold: float | None = None,
        windows: int = TOP_WINDOWS,
    ) -> None:
        # The files are checked now (a changed file fails at once); the ONNX session, ~100 MB
        # once loaded, is built at the first judgement and freed by close().
        self._files = model_files() if encoder is None else None
        self._encoder = encoder
        self.stack = stack
        default = STACK_THRESHOLD if stack is not None else THRESHOLD
        self.threshold = default if threshold is None else threshold
        self.windows = windows
        self._lexical: Any = None

    @property
    def encoder(self) -> CrossEncoder:
        """The cross-encoder, loaded on first use (again after :meth:`close`)."""
        if self._encoder is None:
            self._encoder = CrossEncoder(*(self._files or model_files()))
        return self._encoder

    def close(self) -> None:
        """Free the ONNX session (a later judgement loads it again). A judge given its encoder
        by the caller leaves it to the caller."""
        if self._files is not None:
            self._encoder = None

    def _stacked(self, logit: float, claim: str, sources: list[str]) -> float:
        assert self.stack is not None
        if self._lexical is None:
            from digest.judges.embedded import EmbeddedJudge

            self._lexical = EmbeddedJudge(None)
        x = np.concatenate([[logit], lexical_signals(self._lexical, claim, sources)])
        return float(self.stack.predict(x)[0])

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        return self.judge_many([(claim, sources)])[0]

    def window_logits(
        self, items: list[tuple[str, list[str]]], k: int | None = None
    ) -> list[tuple[list[Span], np.ndarray]]:
        """Per (claim, sources): its ``k`` best windows (default ``self.windows``), in select
        order, and their logits, in one call of the encoder. ``train.calibrate`` scores with
        this too, so calibration sees exactly what the judge computes."""
        plans: list[list[Span]] = []
        pairs: list[tuple[str, str]] = []
        for claim, sources in items:
            text = clean_claim(claim)
            text = (quoted_claim(text, sources) or text) if text else text
            spans = select_windows(text, sources, k or self.windows) if text else []
            plans.append(spans)
            pairs.extend((text, sources[s.source][s.start : s.end]) for s in spans)
        logits = self.encoder.logits(pairs)
        out: list[tuple[list[Span], np.ndarray]] = []
        at = 0
        for spans in plans:
            out.append((spans, logits[at : at + len(spans)]))
            at += len(spans)
        return out

    def judge_many(self, items: list[tuple[str, list[str]]]) -> list[Judgement]:
        """Judge many (claim, sources) at once; each gets the score it would get alone."""
        out: list[Judgement] = []
        for spans, mine in self.window_logits(items):
            if not spans:
                out.append(Judgement(probability=0.0, details={}))
                continue
            best = int(np.argmax(mine))
            span = spans[best]
            logit = float(mine[best])
            claim, sources = items[len(out)]
            probability = (
                sigmoid(logit)
                if self.stack is None
                else self._stacked(logit, clean_claim(claim), sources)
            )
            out.append(
                Judgement(
                    probability=probability,
                    source=span.source,
                    start=span.start,
                    end=span.end,
                    details={"logit": round(logit, 4), "cover": round(span.cover, 4)},
                )
            )
        return out
