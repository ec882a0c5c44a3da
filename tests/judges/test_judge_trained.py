"""The trained judge: evidence-window selection, and the shipped int8 ONNX cross-encoder.

The model tests load the files shipped in ``digest/judges/model/`` (sha256-pinned) and check
that a handful of made-up pairs are ranked the right way: the faithful sentence above the same
sentence with a swapped city, a changed date, a swapped person or an added negation.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from digest.errors import ModelFileError
from digest.judges import trained as tr
from digest.judges.features import split_windows_sentences

ARTICLE = (
    "Russian President Vladimir Putin arrived in the northern Chinese port city of Tianjin on "
    "Tuesday, May 19, to a red-carpet reception. He was greeted by a senior Chinese delegation "
    "and a military honor guard. The Kremlin said Mr. Putin would hold meetings in Tianjin "
    "before traveling to Beijing, where formal talks with Mr. Xi are scheduled. Trade between "
    "the two countries reached $245 billion last year. Analysts expect an agreement on the "
    "Power of Siberia 2 pipeline."
)
OTHER = "Stocks in Tokyo fell 2 percent on Friday. The yen rose against the dollar."


# -- windows -----------------------------------------------------------------------------------
def test_best_window_holds_the_claim_and_offsets_are_exact() -> None:
    spans = tr.select_windows("Trade reached $245 billion last year.", [OTHER, ARTICLE], k=3)
    assert spans and spans[0].source == 1
    best = ARTICLE[spans[0].start : spans[0].end]
    assert best.startswith("Trade between") and best.endswith("last year.")
    assert spans[0].cover == max(s.cover for s in spans)
    for s in spans:
        text = [OTHER, ARTICLE][s.source][s.start : s.end]
        assert text == text.strip() and text[-1] in ".!?"


def test_windows_span_at_most_three_sentences_and_k_is_respected() -> None:
    claim = "Putin was greeted by a delegation in Tianjin before talks with Xi in Beijing."
    spans = tr.select_windows(claim, [ARTICLE], k=2)
    assert len(spans) == 2
    for s in spans:
        assert 1 <= len(split_windows_sentences(ARTICLE[s.start : s.end])) <= 3
    # the two windows are not one inside the other with no better cover
    a, b = spans
    assert not (a.start <= b.start and b.end <= a.end and a.cover >= b.cover)


def test_a_claim_spread_over_two_sentences_gets_a_two_sentence_window() -> None:
    claim = "Putin arrived in Tianjin and was greeted by a military honor guard."
    best = tr.select_windows(claim, [ARTICLE], k=1)[0]
    text = ARTICLE[best.start : best.end]
    assert "arrived" in text and "honor guard" in text


def test_no_sources_no_windows() -> None:
    assert tr.select_windows("Anything at all here.", ["", "   "]) == []
    assert tr.select_windows("Anything at all here.", []) == []


def test_citation_markers_are_removed_from_the_claim() -> None:
    assert tr.clean_claim("Putin arrived in Tianjin [1, 3].") == "Putin arrived in Tianjin."
    assert tr.clean_claim("He spoke [2] and left [4].") == "He spoke and left."


# -- the shipped model -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def judge() -> tr.TrainedJudge:
    return tr.TrainedJudge()


def test_shipped_files_match_their_sha256() -> None:
    model, tokenizer = tr.model_files()
    assert hashlib.sha256(model.read_bytes()).hexdigest() == tr.MODEL_SHA256
    assert hashlib.sha256(tokenizer.read_bytes()).hexdigest() == tr.TOKENIZER_SHA256
    assert model.stat().st_size < 36 * 2**20  # int8: fits the ~35 MB budget


def test_a_changed_file_is_refused(tmp_path) -> None:  # noqa: ANN001
    model, tokenizer = tr.model_files()
    (tmp_path / "model.onnx").write_bytes(model.read_bytes()[:-1] + b"\0")
    (tmp_path / "tokenizer.json").write_bytes(tokenizer.read_bytes())
    with pytest.raises(ModelFileError, match="sha256"):
        tr.model_files(tmp_path)


def test_logits_one_per_pair_in_any_batch(judge: tr.TrainedJudge) -> None:
    pairs = [("Putin arrived in Tianjin.", ARTICLE), ("Stocks fell.", OTHER), ("x", "y")]
    logits = judge.encoder.logits(pairs)
    assert logits.shape == (3,) and logits.dtype == np.float32 and np.isfinite(logits).all()
    assert judge.encoder.logits([]).shape == (0,)


def test_the_same_pair_scores_the_same_alone_in_any_batch_and_any_order(
    judge: tr.TrainedJudge,
) -> None:
    # int8 activations are quantised per tensor: batched rows used to move each other by up to
    # 0.82 logit. Every claim here is compared with itself alone, on this CPU.
    claims = [FAITHFUL, *ALTERED.values(), "Trade reached $245 billion last year.", "x y z"]
    items = [(c, [ARTICLE]) for c in claims] + [(c, [OTHER, ARTICLE]) for c in claims[:4]]
    alone = [judge.judge(c, s).probability for c, s in items]
    rng = np.random.default_rng(7)
    for _ in range(4):
        order = rng.permutation(len(items))
        size = int(rng.integers(2, len(items) + 1))
        picked = [int(i) for i in order[:size]]
        got = judge.judge_many([items[i] for i in picked])
        for i, g in zip(picked, got, strict=True):
            assert g.probability == pytest.approx(alone[i], abs=1e-6), items[i][0]
    pairs = [(c, ARTICLE) for c in claims]
    single = [float(judge.encoder.logits([p])[0]) for p in pairs]
    mixed = judge.encoder.logits(pairs[::-1] + pairs)
    assert np.allclose(mixed[len(pairs) :], single, atol=1e-6, rtol=0)
    assert np.allclose(mixed[: len(pairs)], single[::-1], atol=1e-6, rtol=0)


def test_the_session_loads_on_first_use_and_close_frees_it() -> None:
    lazy = tr.TrainedJudge()
    assert lazy._encoder is None  # files checked, nothing loaded
    first = lazy.judge(FAITHFUL, [ARTICLE]).probability
    assert lazy._encoder is not None
    lazy.close()
    assert lazy._encoder is None
    assert lazy.judge(FAITHFUL, [ARTICLE]).probability == pytest.approx(first, abs=1e-6)
    given = tr.TrainedJudge(lazy.encoder)
    given.close()  # an encoder the caller passed in is the caller's to free
    assert given._encoder is lazy.encoder


FAITHFUL = "Putin arrived in Tianjin on Tuesday, May 19, to a red-carpet reception."
ALTERED = {
    "city": "Putin arrived in Beijing on Tuesday, May 19, to a red-carpet reception.",
    "month": "Putin arrived in Tianjin on Tuesday, June 19, to a red-carpet reception.",
    "person": "Xi arrived in Tianjin on Tuesday, May 19, to a red-carpet reception.",
    "negation": "Putin did not arrive in Tianjin on Tuesday, May 19.",
    "number": "Trade between the two countries reached $345 billion last year.",
    "other story": "The yen rose against the dollar after the Tokyo summit.",
}


@pytest.mark.parametrize("kind", sorted(ALTERED))
def test_faithful_sentence_outranks_each_altered_one(judge: tr.TrainedJudge, kind: str) -> None:
    good = judge.judge(FAITHFUL, [ARTICLE]).probability
    bad = judge.judge(ALTERED[kind], [ARTICLE]).probability
    assert good > bad, (kind, good, bad)
    assert good >= judge.threshold


def test_judgement_points_at_the_supporting_sentence(judge: tr.TrainedJudge) -> None:
    j = judge.judge(
        "Trade between the two countries reached $245 billion last year [2].", [OTHER, ARTICLE]
    )
    assert j.source == 1 and "245 billion" in ARTICLE[j.start : j.end]
    assert j.probability >= judge.threshold


def test_empty_inputs_are_unsupported(judge: tr.TrainedJudge) -> None:
    assert judge.judge("", [ARTICLE]).probability == 0.0
    assert judge.judge("Putin arrived.", ["  "]).probability == 0.0


def test_a_stacker_combines_the_logit_with_the_lexical_signals(judge: tr.TrainedJudge) -> None:
    # train.calibrate ships a stacker only when it transfers; the path must still work when one
    # is given. The expected values are computed here, on this CPU, from the same unrounded
    # logit and the same lexical signals the judge reads, so onnxruntime's per-CPU differences
    # cannot move them apart (``details["logit"]`` is rounded for display and must not be used).
    from digest.judges.embedded import EmbeddedJudge
    from digest.judges.logistic import Logistic

    n = 1 + len(tr.LEXICAL)
    names = ("logit", *tr.LEXICAL)
    signal = tr.LEXICAL.index("cov_win")

    def stacker(coef_logit: float, coef_signal: float) -> Logistic:
        coef = [0.0] * n
        coef[0], coef[1 + signal] = coef_logit, coef_signal
        return Logistic(names, (0.0,) * n, (1.0,) * n, tuple(coef), 0.0)

    only_logit = tr.TrainedJudge(judge.encoder, stack=stacker(1.0, 0.0), threshold=0.5)
    both = tr.TrainedJudge(judge.encoder, stack=stacker(1.0, 2.0), threshold=0.5)
    assert only_logit.threshold == 0.5
    lexical = EmbeddedJudge(None)
    for claim in (FAITHFUL, ALTERED["city"], ALTERED["negation"]):
        ((_, logits),) = judge.window_logits([(claim, [ARTICLE])])
        logit = float(logits.max())
        x = float(tr.lexical_signals(lexical, tr.clean_claim(claim), [ARTICLE])[signal])
        assert only_logit.judge(claim, [ARTICLE]).probability == pytest.approx(
            tr.sigmoid(logit), abs=1e-6
        )
        assert both.judge(claim, [ARTICLE]).probability == pytest.approx(
            tr.sigmoid(logit + 2.0 * x), abs=1e-6
        )
    good = only_logit.judge(FAITHFUL, [ARTICLE]).probability
    assert all(
        only_logit.judge(ALTERED[k], [ARTICLE]).probability < good for k in ("city", "negation")
    )


QUOTED_SOURCE = (
    "Northern Ledger: Beijing's choice.\n"
    "The summit was long. Do not expect China to sign anything that would expose its banks "
    "to sanctions. Talks ended late."
)
QUOTE = "Do not expect China to sign anything that would expose its banks to sanctions"


def test_a_framed_verbatim_quote_is_judged_as_the_quote() -> None:
    framed = f"An analysis piece in Northern Ledger argues: “{QUOTE}.”"
    assert tr.quoted_claim(framed, [OTHER, QUOTED_SOURCE]) == QUOTE
    assert tr.quoted_claim(f"On the place, some reports say “{QUOTE}”", [QUOTED_SOURCE]) == QUOTE


def test_a_quote_framed_with_a_name_the_source_lacks_is_judged_whole() -> None:
    assert tr.quoted_claim(f"Chancellor Merkel said “{QUOTE}”.", [QUOTED_SOURCE]) is None
    altered = QUOTE.replace("Do not expect", "Expect")
    assert tr.quoted_claim(f"Northern Ledger argues: “{altered}”.", [QUOTED_SOURCE]) is None
    assert tr.quoted_claim("Northern Ledger argues: “Talks ended late”.", [QUOTED_SOURCE]) is None


def test_framing_no_longer_lowers_a_verbatim_quote(judge: tr.TrainedJudge) -> None:
    framed = judge.judge(
        f"An analysis piece in Northern Ledger argues: “{QUOTE}.” [1]", [QUOTED_SOURCE]
    )
    assert framed.probability >= judge.threshold
    assert QUOTED_SOURCE[framed.start : framed.end].startswith("Do not expect China")
    wrong = judge.judge(f"Chancellor Merkel argues: “{QUOTE}.” [1]", [QUOTED_SOURCE])
    assert wrong.probability < framed.probability


def test_a_fact_after_the_quote_or_a_long_frame_is_judged_whole() -> None:
    after = f"“{QUOTE},” Northern Ledger argues, after a three-hour delay caused by a storm."
    assert tr.quoted_claim(after, [QUOTED_SOURCE]) is None
    long_frame = (
        "After a three-hour delay caused by a storm over the port, Northern Ledger argues "
        f"“{QUOTE}”"
    )
    assert tr.quoted_claim(long_frame, [QUOTED_SOURCE]) is None
