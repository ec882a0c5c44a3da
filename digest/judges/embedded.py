"""The embedded default judge: lexical checks + MiniLM similarity, combined by frozen weights.

Runs offline on 2 CPU cores. Each source is indexed once (sentences, token sets, sentence
vectors) and cached by its text, because a digest cites the same article from many sentences
and benchmarks judge several summaries of one article. The combination is a logistic
regression whose coefficients were fitted once on one dataset (see :mod:`digest.judges.weights`)
and are constants here, so judging needs no training data and no extra dependency.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from digest.embed import Embedder
from digest.judges import features as ft
from digest.judges import text as tx
from digest.judges.base import Judgement
from digest.judges.logistic import Logistic
from digest.judges.weights import EMBEDDED_MODEL, EMBEDDED_THRESHOLD

logger = logging.getLogger(__name__)

_CACHE_SIZE = 512  # indexed sources kept; a digest cites far fewer
_VECTOR_CACHE_SIZE = 4096  # embedded window/claim texts kept


class EmbeddedJudge:
    """Lexical + embedding judge; ``embedder=None`` runs the lexical signals alone."""

    name = "embedded"

    def __init__(
        self,
        embedder: Embedder | None,
        model: Logistic = EMBEDDED_MODEL,
        threshold: float = EMBEDDED_THRESHOLD,
        vectors: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        self._embedder = embedder
        self.model = model
        self.threshold = threshold
        self._rarity = tx.Rarity()
        self._sources: OrderedDict[str, ft.SourceIndex] = OrderedDict()
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # Whole-text vectors the caller already has (stored chunk vectors): never recomputed.
        self._known: dict[str, np.ndarray] = dict(vectors or {})

    # -- indexing ----------------------------------------------------------------------------
    def _index(self, sources: list[str]) -> list[ft.SourceIndex]:
        for s in dict.fromkeys(sources):
            if s not in self._sources:
                self._sources[s] = ft.index_source(s)
            self._sources.move_to_end(s)
        while len(self._sources) > max(_CACHE_SIZE, len(sources)):
            self._sources.popitem(last=False)
        return [self._sources[s] for s in sources]

    def _vectors(self, texts: list[str]) -> list[np.ndarray]:
        """Unit vectors of ``texts``: known ones reused, the rest embedded in one batch."""
        assert self._embedder is not None
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache and t not in self._known]
        if missing:
            for text, vector in zip(missing, self._embedder.embed(missing), strict=True):
                self._cache[text] = vector
            while len(self._cache) > _VECTOR_CACHE_SIZE:
                self._cache.popitem(last=False)
        return [self._known[t] if t in self._known else self._cache[t] for t in texts]

    def features(self, claim: str, sources: list[str]) -> tuple[ft.Alignment, list[ft.SourceIndex]]:
        """The signal values (for the judgement's details, the bench's ablation and fitting)."""
        indexed = self._index(sources)
        if self._embedder is None:
            return ft.align(claim, indexed, rarity=self._rarity), indexed

        def cosines(windows: list[ft.Window]) -> list[float]:
            texts = [ft.window_text(sources[w.source], indexed[w.source], w) for w in windows]
            # A source that is itself a stored chunk competes with its windows, at no cost.
            known = [s for s in sources if s in self._known]
            claim_vec, *others = self._vectors([claim, *texts, *known])
            return [float(v @ claim_vec) for v in others]

        return ft.align(claim, indexed, cosines, self._rarity), indexed

    # -- the Judge protocol ------------------------------------------------------------------
    def judge(self, claim: str, sources: list[str]) -> Judgement:
        if not claim.strip() or not any(s.strip() for s in sources):
            return Judgement(probability=0.0, details={})
        alignment, indexed = self.features(claim, sources)
        values = alignment.values
        probability = float(self.model.predict(ft.vectorize(values, self.model.names))[0])
        w = alignment.window
        if w is None:
            return Judgement(probability=probability, details=values)
        sentences = indexed[w.source].sentences
        return Judgement(
            probability=probability,
            source=w.source,
            start=sentences[w.first].start,
            end=sentences[w.last].end,
            details=values,
        )
