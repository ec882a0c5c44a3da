"""The offline writer: a briefing made only of sentences the sources actually wrote.

No network, no model that can invent: every shipped sentence is a verbatim span of the article
it is cited to (a leading dateline such as "MOSCOW (Harbor Wire) — " is cut off; what remains
is still verbatim). Selection:

1. split retrieved passages into sentences (exact offsets; overlapping chunks deduplicated);
2. drop sentences that read badly out of context or are not reporting: bylines, headings,
   connectives and anaphora, unattributed quotes, first-person opinion
   (:mod:`digest.write.standalone`); sentences of analysis and opinion pieces ship quoted and
   attributed ("An analysis piece in X argues: “…”");
3. score = centrality (mean similarity to sentences of *other, independent* sources — a fact
   several outlets report outranks one outlet's aside) + relevance to the topic, minus a
   penalty per loaded word (:func:`digest.evaluate.neutral.loaded_terms`, the measure the evals
   report). Facts over framing: a loaded sentence is used only when no other outlet states
   the same fact in plain words, and then only as attributed reported speech — as written when
   it attributes ("Critics said the shameless plan …"), as its outlet's words when the
   framing is the outlet's own ("Northern Ledger reports: “…”") (:func:`neutral_choice`); it
   never leads while a plain lede exists. Outlets that word one fact differently go to "Where
   sources differ" (:mod:`digest.write.framing`);
4. :mod:`digest.write.differences` finds contrasting places/dates/figures first; the sentences
   it quotes are kept for "Where sources differ" and not repeated as plain reporting;
5. the lead is the most central self-contained *lede* sentence of a news article that says
   who did what and when (ledes are written to summarise); MMR on the sentence embeddings
   then picks salient, non-redundant body sentences (:mod:`digest.write.compose` orders them:
   corroborated facts, then reactions, then analysis, and drops or introduces any sentence
   whose names or definite references the digest has not yet given the reader).

Because article text is only ever quoted, an instruction inside an article ("ignore previous
instructions…") can at most appear as that article's quoted, cited text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from digest.briefing import DraftSentence, Passage, Usage, WriterResult
from digest.embed import Embedder
from digest.evaluate.neutral import loaded_terms, reported_terms
from digest.models import StoredArticle
from digest.sentences import split_sentences
from digest.write.compose import compose_section, lead_bonus
from digest.write.differences import Claim, difference_drafts, find_differences
from digest.write.mmr import mmr_pick
from digest.write.standalone import context_free_reasons, full_names, is_standalone, strip_dateline

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_FIRST_PERSON = re.compile(r"\b(I|my|me|we|our|us)\b")
_ATTRIBUTION = re.compile(r"\b(said|says|told|according|added|wrote|stated|asked)\b")
_ENDS_WELL = re.compile(r"[.!?][\"”’')]*$")
# Opinion and analysis pieces: their sentences are the author's views and are shipped only
# as such ("An analysis piece in X argues: “…”"), never as plain reporting.
_OPINION_TITLE = re.compile(
    r"^(analysis|opinion|comment|commentary|editorial|column|perspective)\s*[:|—–-]", re.I)
_OPINION_URL = re.compile(r"/(opinion|analysis|commentary|comment|editorial|columns?)/", re.I)

SUMMARY = 1
MAX_BODY = 7
PER_ARTICLE = 2  # body sentences per article, so one article cannot write the briefing
REDUNDANT = 0.8  # cosine above which a sentence repeats one already chosen
LAMBDA = 0.7
LEDE_CHARS = 400  # a sentence starting this early in its article belongs to the lede
DIFFERENCES = 3
CONTESTED_MARGIN = 0.1  # score a contested lede may lose to an uncontested one
LOADED_PENALTY = 0.1  # score lost per loaded word (at most MAX_PENALISED words)
MAX_PENALISED = 2
SAME_FACT = 0.75  # cosine above which another outlet's sentence states the same fact


@dataclass(frozen=True)
class _Sentence:
    passage: Passage
    text: str
    start: int  # offset into the article text
    group: str


def _usable(text: str) -> bool:
    words = text.split()
    if not 8 <= len(words) <= 60 or not _ENDS_WELL.search(text):
        return False
    if text[0] in "*#>-|[" or text.startswith("By ") or context_free_reasons(text):
        return False
    unquoted = _QUOTED.sub(" ", text)
    if _FIRST_PERSON.search(unquoted):
        return False
    starts_quoted = text[0] in "\"“"
    return not (starts_quoted and not _ATTRIBUTION.search(unquoted))


def opinion_kind(article: StoredArticle) -> str | None:
    """"analysis"/"opinion" when the article is marked as one by its title or URL, else None."""
    title = _OPINION_TITLE.match(article.title or "")
    url = _OPINION_URL.search(article.url or "")
    if not (title or url):
        return None
    word = (title or url).group(1).lower()  # type: ignore[union-attr]
    return "analysis" if word == "analysis" else "opinion"


def attributed(sentence: str, article: StoredArticle, *, loaded: bool = False) -> str:
    """The sentence as shipped: verbatim, or quoted and attributed when it is an opinion or
    loaded in its own voice (the outlet's framing, reported as the outlet's)."""
    kind = opinion_kind(article)
    if kind is None and not loaded:
        return sentence
    quote = sentence[:-1] if sentence.endswith(".") else sentence
    if kind is None:
        return f"{article.outlet or 'One outlet'} reports: “{quote}”."
    return f"An {kind} piece in {article.outlet or 'an unnamed outlet'} argues: “{quote}”."


def candidate_sentences(passages: list[Passage]) -> list[_Sentence]:
    """Usable sentences of the passages, each once, in passage order."""
    seen: set[tuple[str, int]] = set()
    found: list[_Sentence] = []
    for passage in passages:
        chunk = passage.chunk
        for span in split_sentences(chunk.text):
            cut = strip_dateline(span.text)
            text, start = span.text[cut:], chunk.start + span.start + cut
            key = (passage.article.id, start)
            if key in seen or not text or not _usable(text):
                continue
            seen.add(key)
            group = passage.article.duplicate_of or passage.article.id
            found.append(_Sentence(passage, text, start, group))
    return found


def _scores(sentences: list[_Sentence], vectors: np.ndarray, topic_vector: np.ndarray | None
            ) -> np.ndarray:
    sims = vectors @ vectors.T
    groups = np.array([s.group for s in sentences])
    other = groups[:, None] != groups[None, :]
    if not other.any():  # a single source: centrality within it
        other = ~np.eye(len(sentences), dtype=bool)
    counts = np.maximum(other.sum(axis=1), 1)
    centrality = (sims * other).sum(axis=1) / counts
    if topic_vector is None:
        return centrality
    return centrality + 0.5 * (vectors @ topic_vector)


def neutral_choice(texts: list[str], groups: list[str], vectors: np.ndarray
                   ) -> tuple[np.ndarray, set[int], set[int]]:
    """Score penalties for loaded wording, the sentences never to use, and those to attribute.

    Facts over framing: a loaded sentence — in its own voice, or reporting loaded words — is
    never used when another outlet states the same fact plainly (cosine >= ``SAME_FACT``, no
    loaded word at all). Otherwise it is used only as attributed reported speech: a sentence
    that already attributes is kept as it is; one loaded in its own voice is shipped as its
    outlet's words ("Northern Ledger reports: “…”", :func:`attributed`), so the digest
    reports the framing and does not adopt it. Every loaded word costs ``LOADED_PENALTY``.
    """
    own = [loaded_terms(t) for t in texts]
    reported = [reported_terms(t) for t in texts]
    plain = [not o and not r for o, r in zip(own, reported, strict=True)]
    penalty = np.array([LOADED_PENALTY * min(len(o) + len(r), MAX_PENALISED)
                        for o, r in zip(own, reported, strict=True)])
    sims = vectors @ vectors.T
    avoid: set[int] = set()
    for i in range(len(texts)):
        if not plain[i] and any(plain[j] and groups[j] != groups[i] and sims[i, j] >= SAME_FACT
                                for j in range(len(texts))):
            avoid.add(i)
    reframe = {i for i, o in enumerate(own) if o and i not in avoid}
    return penalty, avoid, reframe


def _lead(scores: np.ndarray, sentences: list[_Sentence], contested: set[int],
          surnames: dict[str, str], avoid: set[int]) -> int:
    """The most central self-contained lede of a news article, favouring who-did-what-when.

    Ledes are written to summarise. A sentence quoted under "Where sources differ" states one
    side of a disagreement, so it leads only when no uncontested lede comes within
    ``CONTESTED_MARGIN`` of it. Looser pools (any sentence) are fallbacks only; sentences to
    ``avoid`` (loaded ones, :func:`neutral_choice`) lead only when every sentence is one.
    """
    def value(i: int) -> float:
        return float(scores[i]) + lead_bonus(sentences[i].text)

    def best(pool: list[int]) -> int:
        return min(pool, key=lambda i: (-value(i), sentences[i].passage.id, sentences[i].start))

    everyone = range(len(sentences))
    standalone = [i for i in everyone if is_standalone(sentences[i].text, surnames=surnames)]
    ledes = [i for i in standalone if sentences[i].start < LEDE_CHARS
             and opinion_kind(sentences[i].passage.article) is None]
    plain = [[i for i in pool if i not in avoid] for pool in (ledes, standalone, everyone)]
    for pool in (*plain, list(everyone)):
        if pool:
            lead = best(pool)
            calm = [i for i in pool if i not in contested]
            if lead in contested and calm and value(best(calm)) >= value(lead) - CONTESTED_MARGIN:
                return best(calm)
            return lead
    raise ValueError("no sentences")  # unreachable: callers pass at least one sentence


def _mmr(scores: np.ndarray, vectors: np.ndarray, sentences: list[_Sentence], n: int,
         chosen: list[int], banned: set[int]) -> list[int]:
    """Up to ``n`` sentences: high agreement, not redundant, at most PER_ARTICLE per article."""
    order = sorted(range(len(sentences)), key=lambda i: (-scores[i], sentences[i].passage.id,
                                                          sentences[i].start))
    rank = {i: r for r, i in enumerate(order)}

    def allowed(r: int, picked: list[int]) -> bool:
        if order[r] in banned:
            return False
        article = sentences[order[r]].passage.article.id
        return sum(sentences[order[j]].passage.article.id == article for j in picked) < PER_ARTICLE

    picked = mmr_pick(scores[order], vectors[order], n, lambda_mult=LAMBDA, allowed=allowed,
                      max_redundancy=REDUNDANT, chosen=[rank[i] for i in chosen])
    return [order[r] for r in picked]


def _reading_order(sentence: _Sentence) -> tuple[object, ...]:
    published = sentence.passage.article.published
    return (published.timestamp() if published else float("-inf"),
            sentence.passage.article.id, sentence.start)


def _claims(sentences: list[_Sentence]) -> list[Claim]:
    return [Claim(s.text, s.passage.id, s.group,
                  s.passage.article.published.timestamp() if s.passage.article.published else 0.0,
                  s.passage.article.id)
            for s in sentences]


def write_extractive(
    passages: list[Passage], *, embedder: Embedder, topic: str | None = None
) -> WriterResult:
    """Lead, body and differences, each sentence cited to its own passage."""
    sentences = candidate_sentences(passages)
    if not sentences:
        return WriterResult(drafts=[], usage=Usage(), model=None)
    vectors = embedder.embed([s.text for s in sentences])
    topic_vector = embedder.embed([topic])[0] if topic and topic.strip() else None
    penalty, avoid, reframe = neutral_choice(
        [s.text for s in sentences], [s.group for s in sentences], vectors)
    scores = _scores(sentences, vectors, topic_vector) - penalty
    surnames = full_names(p.chunk.text for p in passages)
    claims = _claims(sentences)
    differences = find_differences(claims, vectors, limit=2 * DIFFERENCES)
    index = {(c.passage_id, c.text): i for i, c in enumerate(claims)}
    contested = {index[(c.passage_id, c.text)] for _, a, b in differences for c in (a, b)}
    lead = _lead(scores, sentences, contested, surnames, avoid | reframe)

    def pick(chosen: list[int], banned: set[int]) -> list[int]:
        return _mmr(scores, vectors, sentences, SUMMARY + MAX_BODY, chosen,
                    banned | contested | avoid)

    kept, shown = compose_section(
        lead, pick, texts=[s.text for s in sentences], vectors=vectors,
        groups=[s.group for s in sentences], stories=[s.passage.story for s in sentences],
        opinions=[opinion_kind(s.passage.article) is not None for s in sentences],
        reading=[_reading_order(s) for s in sentences], surnames=surnames,
        articles=[s.passage.article.id for s in sentences],
        differences=[(label, index[(a.passage_id, a.text)], index[(b.passage_id, b.text)])
                     for label, a, b in differences],
        limit=DIFFERENCES,
    )

    def draft(i: int, section: str) -> DraftSentence:
        s = sentences[i]
        return DraftSentence(text=attributed(s.text, s.passage.article, loaded=i in reframe),
                             passage_ids=[s.passage.id], section=section,  # type: ignore[arg-type]
                             story=s.passage.story)

    drafts = [draft(kept[0], "summary")] + [draft(i, "body") for i in kept[1:]]
    by_index = {(label, index[(a.passage_id, a.text)], index[(b.passage_id, b.text)]):
                (label, a, b) for label, a, b in differences}
    drafts += difference_drafts([by_index[d] for d in shown])
    return WriterResult(drafts=drafts, usage=Usage(), model=None)


class ExtractiveWriter:
    """The offline :class:`~digest.write.writer.Writer`: verbatim source sentences, no network."""

    name = "extractive"
    model: str | None = None
    prompts: dict[str, str] = {}

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def write(self, passages: list[Passage], topic: str | None) -> WriterResult:
        return write_extractive(passages, embedder=self.embedder, topic=topic)
