"""The role check: a sentence one exchange away from a verbatim copy has its roles wrong; a
copy, a symmetric exchange or a paraphrase is never flagged by it."""

from __future__ import annotations

import pytest

from digest.judges.embedded import EmbeddedJudge
from digest.judges.rolecheck import edited_fact, role_error
from digest.judges.verbatim import ROLE_CAP, VerbatimFirst

PASSAGE = (
    "Ukraine accused Russia of shelling the plant on Monday. The delegation flew from western "
    "Siberia to China via Mongolia. Exports rose 5% while imports fell 3%. Putin and Xi signed "
    '20 documents. "We will sign the pipeline deal soon," Lena Haro said. Arkady Polin spoke '
    "later. Mr. Putin's plane landed at Tianjin Binhai airport on Tuesday, and Xi left on Friday."
)


@pytest.mark.parametrize(
    ("claim", "what"),
    [
        ("Russia accused Ukraine of shelling the plant on Monday.", "Ukraine where"),
        ("The delegation flew from China to western Siberia via Mongolia.", "from western"),
        ("Exports rose 3% while imports fell 5%.", "5% where"),
        ('"We will sign the pipeline deal soon," Arkady Polin said.', "said by Lena Haro"),
        (
            "Mr. Tianjin's plane landed at Putin Binhai airport on Tuesday, and Xi left on Friday.",
            "where the sentence has",
        ),
        (
            "Mr. Putin's plane landed at Tianjin Binhai airport on Friday, and Xi left on Tuesday.",
            "Tuesday where",
        ),
    ],
)
def test_a_role_swapped_copy_is_found_with_the_exchange_that_restores_it(
    claim: str, what: str
) -> None:
    found = role_error(claim, ["Unrelated text about the weather.", PASSAGE])
    assert found is not None and found.source == 1 and what in found.what
    assert PASSAGE[found.start : found.end] in PASSAGE


@pytest.mark.parametrize(
    "claim",
    [
        "Ukraine accused Russia of shelling the plant on Monday.",  # a copy
        "Xi and Putin signed 20 documents.",  # "and": the same meaning either way
        "Russia accused Ukraine of shelling a hospital.",  # not one exchange from a copy
        "Russia was accused by Ukraine of shelling the plant.",  # a paraphrase
        "",
    ],
)
def test_copies_symmetric_exchanges_and_paraphrases_are_not_role_errors(claim: str) -> None:
    assert role_error(claim, [PASSAGE]) is None


def test_the_wrapper_caps_a_role_error_and_says_why() -> None:
    claim = "Russia accused Ukraine of shelling the plant on Monday."
    plain = VerbatimFirst(EmbeddedJudge(None), role_check=False).judge(claim, [PASSAGE])
    checked = VerbatimFirst(EmbeddedJudge(None)).judge(claim, [PASSAGE])
    assert plain.probability > ROLE_CAP and checked.probability == ROLE_CAP
    assert (
        checked.reason and "roles" in checked.reason and "Ukraine accused Russia" in checked.reason
    )
    assert PASSAGE[checked.start : checked.end].startswith("Ukraine accused Russia")


COPY = "Russian President Vladimir Putin arrived in Tianjin on Tuesday, May 19, with 40 aides."


@pytest.mark.parametrize(
    ("old", "new", "what"),
    [
        ("Tianjin", "Beijing", "the name Beijing; the passage says Tianjin"),
        ("Tuesday", "Friday", "the date Friday; the passage says Tuesday"),
        ("40", "47", "the number 47; the passage says 40"),
        ("Putin arrived", "Putin did not arrive", "a negation ('not')"),
    ],
)
def test_a_copy_with_one_fact_edited_is_found(old: str, new: str, what: str) -> None:
    source = COPY.replace("Putin arrived", "Putin did arrive") if "not" in new else COPY
    claim = source.replace(
        "did arrive" if "not" in new else old, "did not arrive" if "not" in new else new
    )
    found = edited_fact(claim, ["Unrelated text about the weather.", source])
    assert found is not None and found.what == what and found.kind == "fact" and found.source == 1


def test_a_dropped_negation_is_found() -> None:
    dropped = "Russian President Vladimir Putin did not arrive in Tianjin on Tuesday, May 19."
    found = edited_fact(dropped.replace(" not", ""), [dropped])
    assert found is not None and found.what == "a negation the passage has"


def test_equal_values_copies_and_short_claims_are_not_edits() -> None:
    assert edited_fact(COPY, [COPY]) is None
    assert edited_fact(COPY.replace("40", "40.0"), [COPY]) is None  # the same value
    assert edited_fact(COPY.replace("arrived", "landed"), [COPY]) is None  # not a fact word
    assert edited_fact("Short claim here.", [COPY]) is None
