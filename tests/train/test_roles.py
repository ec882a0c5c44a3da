"""Role errors keep every word and change who or what it belongs to; the word-order positives
move words and keep every role. Made-up sentences only."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import random

import pytest

from train import pairs as P
from train import roles as R


def same_words(a: str, b: str) -> bool:
    def bag(s: str) -> list[str]:
        return sorted(w.strip('.,:;“”"').lower() for w in s.split())

    return bag(a) == bag(b)


ARTICLE = (
    '"We will sign the pipeline deal," Putin said. "Not before the price is agreed," said Xi '
    'Jinping. Lavrov said: "The talks went well." "Fine," Mr. Li said.'
)


def test_speakers_are_the_names_next_to_quotes() -> None:
    assert [n for _, _, n in R.speakers(ARTICLE)] == ["Putin", "Xi Jinping", "Lavrov", "Mr. Li"]
    assert R.speakers('"It is late," he said.') == []  # a pronoun is not a speaker to swap


@pytest.mark.parametrize("seed", range(3))
def test_a_quote_is_given_to_another_speaker_of_the_article(seed: int) -> None:
    pool = [n for _, _, n in R.speakers(ARTICLE)]
    out = R.swap_speaker('"We will sign the pipeline deal," Putin said.', pool, random.Random(seed))
    assert out is not None and "Putin" not in out and out.startswith('"We will sign')
    assert any(name in out for name in pool)
    assert R.swap_speaker('"We will sign," Putin said.', ["Putin"], random.Random(0)) is None


def test_subject_and_object_of_one_verb_are_exchanged() -> None:
    out = R.swap_subject_object("Russia accused Ukraine of shelling the plant.", random.Random(0))
    assert out == "Ukraine accused Russia of shelling the plant."
    met = R.swap_subject_object(
        "Chancellor Merkel met President Macron in Paris.", random.Random(0)
    )
    assert met == "President Macron met Chancellor Merkel in Paris."
    assert R.swap_subject_object("The talks ended late.", random.Random(0)) is None


def test_two_values_of_one_shape_or_two_dates_are_exchanged() -> None:
    out = R.swap_values("Exports rose 5% to $10 billion while imports fell 3%.", random.Random(0))
    assert out == "Exports rose 3% to $10 billion while imports fell 5%."
    days = R.swap_values("Putin arrives on Tuesday and Xi on Wednesday.", random.Random(0))
    assert days == "Putin arrives on Wednesday and Xi on Tuesday."
    assert R.swap_values("Sales rose 5% in one year.", random.Random(0)) is None


def test_from_x_to_y_is_reversed() -> None:
    out = R.reverse_direction("The delegation flew from Moscow to Beijing on Monday.")
    assert out == "The delegation flew from Beijing to Moscow on Monday."
    assert R.reverse_direction("He flew to Beijing.") is None


def test_cause_and_effect_are_reversed() -> None:
    out = R.swap_cause_effect("Protests erupted after the government raised fuel prices.")
    assert out == "The government raised fuel prices after protests erupted."
    assert R.swap_cause_effect("Putin left.") is None


def test_word_order_positives_keep_every_word_and_role() -> None:
    moved = R.reorder_clauses("After three hours of talks, the leaders signed 20 agreements.")
    assert moved == "The leaders signed 20 agreements after three hours of talks."
    said = R.move_attribution("Officials in Moscow said that the visit was agreed months ago.")
    assert said == "The visit was agreed months ago, officials in Moscow said."
    back = R.move_attribution("The talks would start on Monday, the Kremlin said.")
    assert back == "The Kremlin said the talks would start on Monday."
    assert same_words("The Kremlin said the talks would start on Monday.", back)
    assert R.reorder_clauses("The leaders signed 20 agreements.") is None


def test_story_pairs_carry_role_negatives_and_order_positives() -> None:
    cluster = {
        "id": "story-9",
        "articles": [
            {"title": "t", "text": ARTICLE + " The delegation flew from Moscow to Beijing."},
            {
                "title": "t",
                "text": "After three hours of talks, the leaders signed 20 agreements. "
                "Officials in Moscow said that the visit was agreed months ago.",
            },
        ],
        "reference_summary": "",
    }
    pairs = P.story_pairs(cluster, ["Oslo"], [], [], random.Random(1))
    kinds = {p.kind: p.label for p in pairs}
    assert kinds.get("speaker") == 0 and kinds.get("direction") == 0
    assert kinds.get("reorder") == 1 and kinds.get("attribution") == 1
    assert set(R.ROLE_NEGATIVES) <= set(P.NEGATIVES) and set(R.ROLE_NEGATIVES) <= set(P.KEEP)
