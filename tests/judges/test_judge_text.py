"""The lexical helpers the embedded judge's signals rest on."""

from digest.judges import text as tx
from digest.judges.features import fragments, index_source, split_windows_sentences


def test_numbers_in_digits_words_and_pretokenised_form() -> None:
    assert tx.numbers(tx.tokens("They paid $ 5, 000 and 1 , 056 fans saw 3 goals")) == {
        5000,
        1056,
        3,
    }
    assert tx.numbers(tx.tokens("three men and 2.5% of 1,200")) == {3, 2.5, 1200}
    assert 1996 in tx.numbers(tx.tokens("in september 1996, he said"))


def test_stems_match_inflections() -> None:
    assert tx.stem("protests") == tx.stem("protested") == tx.stem("protesting") == "protest"
    assert tx.stem("Ortiz's") == "ortiz"


def test_negation_and_antonyms() -> None:
    assert tx.negated(tx.tokens("No staff would be laid off"))
    assert tx.negated(tx.tokens("it wasn't approved"))
    assert not tx.negated(tx.tokens("staff would be laid off"))
    assert "decreased" in tx.ANTONYMS["increased"]


def test_capitalised_words_mid_sentence_only() -> None:
    caps = [t.lower for t in tx.tokens("The mayor met Lena Ortiz. Then she left.") if t.capital]
    assert caps == ["lena", "ortiz"]


def test_rarity_ranks_names_above_common_words() -> None:
    rarity = tx.Rarity()
    assert rarity.info("kessby") > rarity.info("mayor") > rarity.info("the")


def test_sentence_offsets_are_exact_and_skip_abbreviations() -> None:
    text = (
        'Mr. Smith went to Washington. He said "no." Then U.S. officials met at 3.5 p.m. on Monday!'
    )
    spans = [text[a:b] for a, b in split_windows_sentences(text)]
    assert spans == [
        "Mr. Smith went to Washington.",
        'He said "no."',
        "Then U.S. officials met at 3.5 p.m. on Monday!",
    ]


def test_copied_fragments_are_greedy_longest() -> None:
    source = index_source("The council voted seven to two on Tuesday to approve the plan.")
    claim = [tx.stem(w) for w in "the council voted seven to two on friday".split()]
    assert fragments(claim, source) == [7]
