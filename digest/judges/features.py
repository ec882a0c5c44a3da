"""Signals the embedded judge combines, each a number computed from (claim, sources).

Sources are split into sentences and the claim is aligned to its best *window* of 1-3
consecutive sentences (SummaC/AlignScore style), because a summary sentence usually restates one
passage, and a fact that appears only far away in the article is weaker support. Document-level
checks (is this number / name / date anywhere in the sources?) sit next to window-level ones
(is it in the passage the claim is aligned to?), since hallucinated facts are absent everywhere
while swapped facts are present elsewhere but not where the claim points.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from digest.judges import text as tx

MAX_WINDOW = 3  # sentences per window
CANDIDATES = 4  # lexically best windows that the embedding model compares with the claim

FEATURES: tuple[str, ...] = (
    "cov_doc",  # share of the claim's content words found anywhere in the sources
    "cov_win",  # share found in the best window
    "novel",  # log(1 + content words found nowhere)
    "bigram_doc",  # share of the claim's word bigrams found in the sources
    "num_bad",  # 1 if a number in the claim appears nowhere in the sources
    "num_bad_win",  # 1 if a number in the claim is missing from the best window
    "date_bad",  # 1 if a month/weekday/year in the claim appears nowhere
    "ent_bad",  # share of the claim's names (capitalised words) found nowhere
    "ent_bad_win",  # share of the claim's names missing from the best window
    "neg_mismatch",  # negation in the claim but not in the best window, or the reverse
    "antonym",  # the claim uses a word whose antonym (and not the word) is in the best window
    "emb_win",  # MiniLM cosine between the claim and its closest window
    "length",  # log(1 + content words of the claim)
    "wcov_doc",  # like cov_doc, each word weighted by its rarity (information)
    "wcov_win",  # like cov_win, weighted by rarity
    "novel_rare",  # rarity of the rarest claim word found nowhere (0 when all are found)
    "rare_bad_win",  # share of the claim's rare words (names, mostly) missing from the best window
    "novel_info",  # log(1 + summed rarity of the claim words found nowhere)
    "trigram_doc",  # share of the claim's word trigrams found in the sources
    "frag_cov",  # share of claim words inside copied fragments of >= 3 words (Grusky et al.)
    "frag_density",  # mean squared copied-fragment length per claim word, over claim length
    "trigram_win",  # share of the claim's word trigrams found in the best window
    "bigram_win",  # share of the claim's word bigrams found in the best window
    "neg_flip",  # a negation dropped or added in place: "was not consulted" vs "was consulted"
)

RARE = 3.5  # info above this (Zipf below 4.5) counts as a rare word, usually a name


@dataclass
class Sentence:
    """A source sentence with its offsets and token sets (computed once per source)."""

    start: int
    end: int
    stems: frozenset[str]
    lowers: frozenset[str]
    negated: bool
    sequence: tuple[str, ...]  # stems in order


@dataclass
class SourceIndex:
    """Everything about one source text that does not depend on the claim."""

    sentences: list[Sentence]
    stems: frozenset[str]
    lowers: frozenset[str]
    capitals: frozenset[str]  # lowercase forms of words written capitalised mid-sentence
    bigrams: frozenset[tuple[str, str]]
    trigrams: frozenset[tuple[str, str, str]]
    positions: dict[str, list[int]]  # stem -> positions in ``sequence``
    sequence: tuple[str, ...]  # every token's stem, in order
    numbers: frozenset[float]
    dates: frozenset[str]


_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"'“‘(]*[A-Z0-9])|\n\s*\n|\n(?=\s*[-*#>])")
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|St|Sr|Jr|Prof|Gen|Gov|Sen|Rep|Col|Lt|Sgt|No|vs|Inc|Co|Corp|Ltd)|\b[A-Z])\.$"
)


def split_windows_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence offsets by a regex: ~100x faster than pysbd (``digest.sentences``).

    Windows only need approximately right boundaries, and pysbd's ~50 ms per article would be
    the judge's main cost on new sources; the offsets are exact into ``text``.
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if _ABBREVIATION.search(text[max(start, match.start() - 6) : match.start()]):
            continue
        end = match.start() + len(match.group(0)) - len(match.group(0).lstrip("\"'”’)"))
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append((start, end))
        start = match.end()
    tail = text[start:].rstrip()
    if tail.strip():
        spans.append((start, start + len(tail)))
    return [
        (a + len(text[a:b]) - len(text[a:b].lstrip()), b) for a, b in spans if text[a:b].strip()
    ]


def _positions(stems: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for i, stem_ in enumerate(stems):
        found.setdefault(stem_, []).append(i)
    return found


def fragments(claim: list[str], source: SourceIndex) -> list[int]:
    """Lengths of the greedy longest copied fragments of ``claim`` in ``source`` (Grusky 2018)."""
    out = []
    i = 0
    seq = source.sequence
    while i < len(claim):
        best = 0
        for j in source.positions.get(claim[i], ()):
            k = 0
            while i + k < len(claim) and j + k < len(seq) and claim[i + k] == seq[j + k]:
                k += 1
            best = max(best, k)
        if best:
            out.append(best)
            i += best
        else:
            i += 1
    return out


def index_source(text: str) -> SourceIndex:
    sentences: list[Sentence] = []
    all_tokens: list[tx.Token] = []
    for start, end in split_windows_sentences(text):
        toks = tx.tokens(text[start:end])
        all_tokens.extend(toks)
        sentences.append(
            Sentence(
                start,
                end,
                frozenset(t.stem for t in toks),
                frozenset(t.lower for t in toks),
                tx.negated(toks),
                tuple(t.stem for t in toks),
            )
        )
    stems = [t.stem for t in all_tokens]
    return SourceIndex(
        sentences=sentences,
        stems=frozenset(stems),
        lowers=frozenset(t.lower for t in all_tokens),
        capitals=frozenset(t.lower for t in all_tokens if t.capital),
        bigrams=frozenset(zip(stems, stems[1:], strict=False)),
        trigrams=frozenset(zip(stems, stems[1:], stems[2:], strict=False)),
        positions=_positions(stems),
        sequence=tuple(stems),
        numbers=frozenset(tx.numbers(all_tokens)),
        dates=frozenset(tx.dates(all_tokens)),
    )


@dataclass(frozen=True)
class Window:
    source: int
    first: int  # sentence indices, inclusive
    last: int


@dataclass
class Alignment:
    """The claim's best window and the feature values."""

    window: Window | None
    values: dict[str, float]


def _windows(sources: list[SourceIndex]) -> list[Window]:
    out = []
    for s, src in enumerate(sources):
        n = len(src.sentences)
        for i in range(n):
            for size in range(1, MAX_WINDOW + 1):
                if i + size <= n:
                    out.append(Window(s, i, i + size - 1))
    return out


def _window_set(src: SourceIndex, w: Window, attr: str) -> set[str]:
    found: set[str] = set()
    for sentence in src.sentences[w.first : w.last + 1]:
        found |= getattr(sentence, attr)
    return found


def align(
    claim: str,
    sources: list[SourceIndex],
    cosines: Callable[[list[Window]], list[float]] | None = None,
    rarity: tx.Rarity | None = None,
) -> Alignment:
    """Feature values for ``claim`` against ``sources`` (already indexed).

    The best window is chosen lexically (most claim words covered, then the shortest); only the
    top ``CANDIDATES`` windows are handed to ``cosines`` (the embedding model), which keeps the
    judge at tens of claims per second on 2 cores even when every source is new.
    """
    toks = tx.tokens(claim)
    words = tx.content(toks)
    claim_stems = {t.stem for t in words}
    all_stems = [t.stem for t in toks]
    doc_stems = frozenset().union(*(s.stems for s in sources)) if sources else frozenset()
    doc_caps = frozenset().union(*(s.capitals for s in sources)) if sources else frozenset()
    doc_bigrams = frozenset().union(*(s.bigrams for s in sources)) if sources else frozenset()
    doc_numbers = frozenset().union(*(s.numbers for s in sources)) if sources else frozenset()
    doc_dates = frozenset().union(*(s.dates for s in sources)) if sources else frozenset()

    windows = _windows(sources)
    # Prefer full coverage, then the smaller window, then the earlier one (stable).
    ranked = sorted(
        windows,
        key=lambda w: (
            -(
                len(claim_stems & _window_set(sources[w.source], w, "stems"))
                - 0.01 * (w.last - w.first)
            )
        ),
    )
    best = ranked[0] if ranked else None
    win_stems = _window_set(sources[best.source], best, "stems") if best else set()
    win_lowers = _window_set(sources[best.source], best, "lowers") if best else set()
    win_negated = (
        any(s.negated for s in sources[best.source].sentences[best.first : best.last + 1])
        if best
        else False
    )

    n = max(len(claim_stems), 1)
    claim_numbers = tx.numbers(toks)
    win_numbers = tx.numbers(tx.tokens(" ".join(sorted(win_lowers)))) if best else set()
    entity_stems = {t.stem for t in words if t.capital or t.lower in doc_caps} - {
        t.stem for t in words if t.lower[:1].isdigit()
    }
    bigrams = list(zip(all_stems, all_stems[1:], strict=False))
    antonym = 0.0
    for t in words:
        if (
            t.lower in tx.ANTONYMS
            and t.lower not in win_lowers
            and tx.ANTONYMS[t.lower] & win_lowers
        ):
            antonym = 1.0
    emb = max(cosines(ranked[:CANDIDATES]), default=0.0) if cosines is not None else 0.0

    trigrams = list(zip(all_stems, all_stems[1:], all_stems[2:], strict=False))
    doc_trigrams = frozenset().union(*(s.trigrams for s in sources)) if sources else frozenset()
    frags = max(
        (fragments(all_stems, s) for s in sources), key=lambda f: sum(x * x for x in f), default=[]
    )
    n_all = max(len(all_stems), 1)
    win_seq: list[str] = []
    if best is not None:
        for sentence in sources[best.source].sentences[best.first : best.last + 1]:
            win_seq.extend(sentence.sequence)
    win_trigrams = set(zip(win_seq, win_seq[1:], win_seq[2:], strict=False))
    win_bigrams = set(zip(win_seq, win_seq[1:], strict=False))
    claim_bigrams = set(bigrams)
    info = {t.stem: (rarity.info(t.lower) if rarity else 1.0) for t in words}
    total = sum(info.values()) or 1.0
    rare = {w for w, v in info.items() if v > RARE}
    values = {
        "cov_doc": len(claim_stems & doc_stems) / n,
        "cov_win": len(claim_stems & win_stems) / n,
        "novel": math.log1p(len(claim_stems - doc_stems)),
        "bigram_doc": sum(b in doc_bigrams for b in bigrams) / max(len(bigrams), 1),
        "num_bad": float(bool(claim_numbers - doc_numbers)),
        "num_bad_win": float(bool(claim_numbers - win_numbers)),
        "date_bad": float(bool(tx.dates(toks) - doc_dates)),
        "ent_bad": len(entity_stems - doc_stems) / max(len(entity_stems), 1),
        "ent_bad_win": len(entity_stems - win_stems) / max(len(entity_stems), 1),
        "neg_mismatch": float(tx.negated(toks) != win_negated),
        "antonym": antonym,
        "emb_win": emb,
        "length": math.log1p(len(claim_stems)),
        "wcov_doc": sum(v for w, v in info.items() if w in doc_stems) / total,
        "wcov_win": sum(v for w, v in info.items() if w in win_stems) / total,
        "novel_rare": max((v for w, v in info.items() if w not in doc_stems), default=0.0),
        "rare_bad_win": len(rare - win_stems) / max(len(rare), 1),
        "novel_info": math.log1p(sum(v for w, v in info.items() if w not in doc_stems)),
        "neg_flip": float(_flipped(win_seq, claim_bigrams) or _flipped(all_stems, win_bigrams)),
        "trigram_win": sum(t in win_trigrams for t in trigrams) / max(len(trigrams), 1),
        "bigram_win": sum(b in win_bigrams for b in bigrams) / max(len(bigrams), 1),
        "trigram_doc": sum(t in doc_trigrams for t in trigrams) / max(len(trigrams), 1),
        "frag_cov": sum(f for f in frags if f >= 3) / n_all,
        "frag_density": sum(f * f for f in frags) / n_all / n_all,
    }
    return Alignment(best, values)


def _flipped(sequence: list[str], other_bigrams: set[tuple[str, str]]) -> bool:
    """A negation in ``sequence`` whose two neighbours sit side by side in the other text.

    That is the footprint of a negation dropped ("said no staff would" -> "said staff would")
    or inserted, the most common way a summary reverses its source while copying it.
    """
    for i in range(1, len(sequence) - 1):
        negation = sequence[i] in tx.NEGATIONS or sequence[i].endswith("n't")
        if negation and (sequence[i - 1], sequence[i + 1]) in other_bigrams:
            return True
    return False


def window_text(text: str, index: SourceIndex, w: Window) -> str:
    return text[index.sentences[w.first].start : index.sentences[w.last].end]


def vectorize(values: dict[str, float], names: tuple[str, ...] = FEATURES) -> np.ndarray:
    return np.asarray([values[k] for k in names], dtype=np.float64)


Indexer = Callable[[str], SourceIndex]
