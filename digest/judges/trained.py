"""The trained judge: our own MiniLM cross-encoder (int8 ONNX), run by onnxruntime.

The model reads ``[CLS] claim [SEP] evidence window [SEP]`` and outputs one logit for
"the window supports the claim". It was fine-tuned from all-MiniLM-L6-v2 by ``python -m
train.run`` (see ``train/README.md``, the model card) on synthetic news pairs and SummEdits'
non-news domains; QAGS and SummEdits-news were never used for training, selection or the
threshold.

Sources are split into sentences and every window of one to three consecutive sentences is a
candidate (SummaC/AlignScore style). Scoring every window with the network would be too slow
on long articles, so windows are first ranked by how much of the claim's content they cover
(rare words such as names and numbers count more) and only the best few go through the model,
in one batch; the claim takes the maximum. The same :func:`select_windows` chooses the
evidence of the training pairs, so the model is trained on the windows it will be shown.

No PyTorch at run time: ``onnxruntime`` and ``tokenizers`` only, both sha256-verified files
shipped as package data in ``digest/judges/model/``.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from digest.errors import ModelFileError
from digest.judges import text as tx
from digest.judges.base import Judgement
from digest.judges.features import split_windows_sentences

MODEL_DIR = Path(__file__).resolve().parent / "model"
MAX_SENTENCES = 3  # sentences per window
MAX_WINDOW_CHARS = 700  # a longer window is cut to its sentences that fit (~150 word pieces)
TOP_WINDOWS = 3  # lexically best windows the network scores per claim
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
