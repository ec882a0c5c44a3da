"""The synthetic-pair generator: every perturbation changes a fact and still reads as a sentence.

Made-up sentences only (the training data never enters the repository).
"""

from __future__ import annotations

import sys
from pathlib import Path

# train/ lives at the repository root and is not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import random
import re

import pytest

from digest.judges import text as tx
from train import pairs as P

TRAVEL = "Mr. Putin will travel to Beijing on May 20 with 40 officials, the Kremlin said."
SWAP = "Chancellor Merkel met President Macron in Paris on Tuesday."
CLUSTER = {
    "id": "story-1",
    "articles": [
        {
            "title": "t",
            "text": TRAVEL + " The talks with Xi Jinping will not cover trade. "
            "Officials in Tianjin prepared a welcome for 300 guests.",
        },
        {
            "title": "t",
            "text": "Putin's trip to Beijing was announced on Monday. "
            "The Kremlin said the visit would increase cooperation.",
        },
        {"title": "t", "text": "Russia and China will sign 12 agreements, officials said."},
    ],
    "reference_summary": "TITLE=> Putin to visit China. ARTICLE=> Mr. Putin will travel to "
    "Beijing on May 20, the Kremlin said. Russia and China will sign 12 agreements.",
}


def looks_like_a_sentence(s: str) -> bool:
    return (
        (s[:1].isupper() or s[:1] in '"“')
        and s.rstrip()[-1:] in '.!?"”'
        and "  " not in s
        and " ," not in s
    )


def content(s: str) -> list[str]:
    return [t.lower for t in tx.tokens(s)]


def test_names_skip_the_sentence_opener_and_months() -> None:
    found = [n for _, _, n in P.names(TRAVEL)]
    assert "Beijing" in found and "Kremlin" in found
    assert "May" not in found and "Mr" not in found
    assert all(TRAVEL[a:b] == n for a, b, n in P.names(TRAVEL))


@pytest.mark.parametrize("seed", range(5))
def test_entity_swap_puts_another_name_of_the_story(seed: int) -> None:
    rng = random.Random(seed)
    out = P.swap_entity(TRAVEL, ["Tianjin", "Xi Jinping", "Kremlin"], rng)
    assert out is not None and out != TRAVEL and looks_like_a_sentence(out)
    assert "Tianjin" in out or "Xi Jinping" in out
    assert len(out.split()) >= len(TRAVEL.split())  # a replacement, not a deletion


def test_entity_swap_never_uses_a_name_sharing_a_word() -> None:
    assert P.swap_entity("He met Angela Merkel yesterday.", ["Merkel"], random.Random(0)) is None


def test_swap_pair_exchanges_who_did_what() -> None:
    out = P.swap_pair(SWAP, random.Random(0))
    assert out is not None and out != SWAP and looks_like_a_sentence(out)
    assert sorted(content(out)) == sorted(content(SWAP))  # same words, different roles


@pytest.mark.parametrize("seed", range(8))
def test_number_changes_value(seed: int) -> None:
    out = P.change_number(TRAVEL, ["300", "12"], random.Random(seed))
    assert out is not None and looks_like_a_sentence(out)
    assert tx.numbers(tx.tokens(out)) != tx.numbers(tx.tokens(TRAVEL))


def test_number_with_separators_and_words() -> None:
    s = "The company cut 1,200 jobs and closed three plants."
    for seed in range(6):
        out = P.change_number(s, [], random.Random(seed))
        assert out is not None and out != s and looks_like_a_sentence(out)
        assert tx.numbers(tx.tokens(out)) != tx.numbers(tx.tokens(s))


@pytest.mark.parametrize("seed", range(5))
def test_date_changes_month_weekday_or_year(seed: int) -> None:
    s = "The law passed on Tuesday, June 4, 2019, after a long debate."
    out = P.change_date(s, random.Random(seed))
    assert out is not None and out != s and looks_like_a_sentence(out)
    assert tx.dates(tx.tokens(out)) != tx.dates(tx.tokens(s))


def test_date_leaves_the_verb_may_alone() -> None:
    assert P.change_date("Officials may decide later.", random.Random(0)) is None


def test_negation_added_and_dropped() -> None:
    added = P.negate(TRAVEL, random.Random(0))
    assert added == TRAVEL.replace("will travel", "will not travel")
    dropped = P.negate("The talks will not cover trade.", random.Random(0))
    assert dropped == "The talks will cover trade."
    assert P.negate("They didn't agree.", random.Random(0)) == "They did agree."
    assert P.negate("Sunny skies over the hills.", random.Random(0)) is None


def test_antonym_flips_meaning_and_keeps_case() -> None:
    out = P.antonym("Prices rose sharply in March.", random.Random(0))
    assert out == "Prices fell sharply in March."
    out = P.antonym("Higher taxes were approved.", random.Random(0))
    assert (
        out is not None
        and out.startswith(("Lower", "Higher"))
        and out != "Higher taxes were approved."
    )


@pytest.mark.parametrize("seed", range(10))
def test_inserted_fact_adds_words_the_source_lacks(seed: int) -> None:
    out = P.insert_fact(TRAVEL, ["Angela Merkel", "Lisbon"], random.Random(seed))
    assert out is not None and looks_like_a_sentence(out)
    added = set(content(out)) - set(content(TRAVEL))
    assert added, out
    assert out.endswith(".")


def test_compress_drops_a_clause_and_keeps_the_rest() -> None:
    s = "On Monday, the minister, who took office in March, resigned (citing health)."
    for seed in range(6):
        out = P.compress(s, random.Random(seed))
        assert out is not None and looks_like_a_sentence(out)
        assert set(content(out)) < set(content(s))  # strictly fewer words, none new


def test_story_pairs_positives_are_unchanged_and_negatives_differ() -> None:
    foreign = ["Angela Merkel", "Lisbon"]
    pairs = P.story_pairs(
        CLUSTER, foreign, ["Stocks fell in Tokyo."], ["Rain hit Oslo today."], random.Random(3)
    )
    sentences = {s for a in CLUSTER["articles"] for s in P.sentences(a["text"])}
    roundup = set(P.roundup_sentences(CLUSTER["reference_summary"]))
    kinds = {p.kind for p in pairs}
    assert {
        "copy",
        "roundup",
        "entity",
        "number",
        "date",
        "negation",
        "inserted",
        "other_story",
        "wrong_evidence",
    } <= kinds
    for p in pairs:
        assert p.group == "story-1"
        if p.kind in ("copy", "roundup"):
            assert p.label == 1 and p.claim in sentences | roundup
        elif p.label == 0 and p.kind not in ("other_story", "wrong_evidence"):
            assert p.claim not in sentences | roundup
            assert looks_like_a_sentence(p.claim), p
    copy = [p for p in pairs if p.kind == "copy" and p.claim == TRAVEL][0]
    assert TRAVEL in copy.evidence  # the claim's own window is its evidence


def test_pairs_are_reproducible_from_the_seed() -> None:
    def make(seed: int) -> list[P.Pair]:
        return P.neus_pairs([CLUSTER, CLUSTER | {"id": "story-2"}], random.Random(seed))

    assert make(7) == make(7)
    assert make(7) != make(8)


def test_cliff_split_keeps_summaries_whole() -> None:
    rows = [{"id": f"CLIFF-{d}-{s}"} for d in range(20) for s in range(3)]
    train, calib = P.cliff_split(rows, 13)
    doc = re.compile(r"-\d+$")
    assert not {doc.sub("", r["id"]) for r in train} & {doc.sub("", r["id"]) for r in calib}
    assert len(train) + len(calib) == len(rows) and train and calib


def test_anchored_needs_every_number_and_name_of_the_claim() -> None:
    evidence = "Putin's trip to Beijing with 40 officials was announced on Monday."
    assert P.anchored("The Kremlin said Putin goes to Beijing with 40 aides.", evidence) is False
    assert P.anchored("He said Putin goes to Beijing with 40 aides.", evidence) is True
    assert P.anchored("He said Putin goes to Beijing with 41 aides.", evidence) is False


def test_in_context_widens_a_copy_to_its_neighbours() -> None:
    text = CLUSTER["articles"][0]["text"]
    for seed in range(10):
        window = P.in_context(TRAVEL, [text], random.Random(seed))
        assert window is not None and TRAVEL in window and window != TRAVEL
        assert window in text  # consecutive sentences, cut from the source
    assert P.in_context("A sentence found nowhere at all.", [text], random.Random(0)) is None


def test_paraphrase_positive_comes_from_another_outlet_and_keeps_its_facts() -> None:
    other = "The Kremlin said Mr. Putin travels to Beijing on May 20 with 40 officials."
    cluster = CLUSTER | {
        "articles": [*CLUSTER["articles"][:2], {"title": "t", "text": other}],
    }
    pairs = P.story_pairs(cluster, [], [], [], random.Random(1))
    para = [p for p in pairs if p.kind == "paraphrase"]
    assert para and all(p.label == 1 for p in para)
    for p in para:
        own = [a["text"] for a in cluster["articles"] if p.claim in a["text"]]
        assert own and p.evidence not in own[0]  # the window is another outlet's
        assert P.anchored(p.claim, p.evidence)
