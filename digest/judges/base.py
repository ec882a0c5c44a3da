"""The one interface every judge engine implements.

A judge scores a claim against the texts of the sources it cites. Long sources are split into
windows and the claim takes its best window (or best pair of windows), as AlignScore and
SummaC do, so the judge also reports *where* the support is: that span is the evidence the eval
report shows next to each sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True)
class Judgement:
    """Probability of support plus the best supporting span.

    ``source`` indexes the ``sources`` list given to :meth:`Judge.judge`; ``start``/``end`` are
    character offsets into that source's text (``-1`` when nothing could be located).
    ``reason`` is, for a judgement under the judge's threshold, why in plain words: what differs
    from the evidence span (a number, date, name, negation or role) and the span quoted
    (:mod:`digest.judges.explain`); ``None`` for a supported claim. A plain string, so the
    sidecar and every report can carry it as it is.
    """

    probability: float
    source: int = -1
    start: int = -1
    end: int = -1
    details: dict[str, float] | None = None
    reason: str | None = None


class Judge(Protocol):
    """A faithfulness judge. ``threshold`` is fixed per engine, chosen on held-out data."""

    name: str
    threshold: float

    def judge(self, claim: str, sources: list[str]) -> Judgement:
        """How likely ``sources`` (taken together) support ``claim``."""
        ...


class JudgeWrapper:
    """A judge around another (verbatim-first, cached…), transparent both ways: ``name`` and
    ``threshold`` are the wrapped judge's, so thresholds, labels and calibration stay keyed as
    before; any other attribute is read from, and set on, the wrapped judge unless the wrapper
    class declares it. ``close()`` frees what the wrapped judge holds."""

    def __init__(self, inner: Judge) -> None:
        self.inner = inner

    @property
    def name(self) -> str:
        return self.inner.name

    @name.setter
    def name(self, value: str) -> None:
        self.inner.name = value

    @property
    def threshold(self) -> float:
        return self.inner.threshold

    @threshold.setter
    def threshold(self, value: float) -> None:
        self.inner.threshold = value

    def __getattr__(self, attr: str) -> Any:
        if attr == "inner":  # not yet set (copy, pickle): never recurse
            raise AttributeError(attr)
        return getattr(self.inner, attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr == "inner" or hasattr(type(self), attr):
            object.__setattr__(self, attr, value)
        else:
            setattr(self.inner, attr, value)

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if close is not None:
            close()
