"""The embedded judge: changed facts score below the faithful sentence, spans point at evidence,
stored vectors are reused instead of re-embedded."""

from __future__ import annotations

import numpy as np
import pytest

from digest.judges.embedded import EmbeddedJudge

ARTICLE = (
    "Port Alden city council voted 7 to 2 on Tuesday to approve a $48 million expansion of the "
    "harbor's container terminal. The project will add two berths. Mayor Lena Ortiz said the "
    "expansion would create about 300 permanent jobs. The state agency has not yet issued a permit."
)
OTHER = "Trenline said on Monday that it will cut 15 regional routes from its timetable."


@pytest.fixture(scope="module")
def judge() -> EmbeddedJudge:
    return EmbeddedJudge(None)


@pytest.mark.parametrize(
    "changed",
    [
        "Mayor Lena Ortiz said the expansion would create about 900 permanent jobs.",  # number
        "Mayor Dana Whitfield said the expansion would create about 300 permanent jobs.",  # name
        "The expansion was approved on Tuesday in Kessby, the mayor said.",  # place
    ],
)
def test_a_changed_fact_scores_below_the_faithful_sentence(
    judge: EmbeddedJudge, changed: str
) -> None:
    faithful = judge.judge(
        "Mayor Lena Ortiz said the expansion would create about 300 permanent jobs.", [ARTICLE]
    )
    assert faithful.probability >= judge.threshold
    assert judge.judge(changed, [ARTICLE]).probability < faithful.probability - 0.2


def test_the_wrong_source_is_not_support(judge: EmbeddedJudge) -> None:
    claim = "The council approved a $48 million expansion of the harbor's container terminal."
    assert (
        judge.judge(claim, [ARTICLE]).probability
        > judge.threshold
        > judge.judge(claim, [OTHER]).probability
    )


def test_span_locates_the_supporting_sentence(judge: EmbeddedJudge) -> None:
    got = judge.judge("The project will add two berths.", [OTHER, ARTICLE])
    assert got.source == 1
    assert ARTICLE[got.start : got.end] == "The project will add two berths."
    assert got.details is not None and got.details["num_bad"] == 0.0


def test_no_claim_or_no_source_is_zero(judge: EmbeddedJudge) -> None:
    assert judge.judge("Something happened.", []).probability == 0.0
    assert judge.judge("   ", [ARTICLE]).probability == 0.0


class CountingEmbedder:
    """Deterministic vectors from character counts; records every text it embeds."""

    name = "counting"
    seconds = 0.0

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), 26), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text.lower():
                if "a" <= ch <= "z":
                    out[i, ord(ch) - 97] += 1
        return out / np.clip(np.linalg.norm(out, axis=1, keepdims=True), 1e-9, None)


def test_embeddings_are_cached_and_stored_vectors_reused() -> None:
    embedder = CountingEmbedder()
    stored = {OTHER: embedder.embed([OTHER])[0]}
    embedder.seen.clear()
    judge = EmbeddedJudge(embedder, vectors=stored)
    first = judge.judge("Trenline will cut 15 regional routes.", [OTHER])
    assert OTHER not in embedder.seen  # the store's vector, not a new embedding
    assert first.details is not None and first.details["emb_win"] > 0.5
    count = len(embedder.seen)
    judge.judge("Trenline will cut 15 regional routes.", [OTHER])
    assert len(embedder.seen) == count  # claim and windows came from the cache


def test_minilm_variant_separates_a_changed_number(embedder) -> None:  # noqa: ANN001 (fixture)
    from digest.judges.weights_minilm import MINILM_MODEL, MINILM_THRESHOLD

    judge = EmbeddedJudge(embedder, MINILM_MODEL, MINILM_THRESHOLD)
    claim = "Mayor Lena Ortiz said the expansion would create about 300 jobs."
    good = judge.judge(claim, [ARTICLE])
    bad = judge.judge(claim.replace("300", "900"), [ARTICLE])
    assert good.details is not None and good.details["emb_win"] > 0.7
    assert good.probability >= MINILM_THRESHOLD > bad.probability
