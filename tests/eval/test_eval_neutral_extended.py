"""The extended neutrality measure: loaded verbs of saying, scare quotes, imputed intent,
judgement and emphasis words — each with the sentence it catches and the neutral sentence it
leaves alone, and reported speech still exempt where it is attributed."""

from __future__ import annotations

import pytest

from digest.evaluate.neutral import loaded_terms, neutrality_flags


def _rules(claim: str) -> dict[str, str]:
    return {f.trigger: f.rule for f in neutrality_flags(claim, cited=True)}


def test_the_issue_sentence_is_flagged() -> None:
    claim = ("Putin's visit to China is a significant diplomatic move, with Russia and China "
             "meeting in Tianjin for talks")
    assert loaded_terms(claim) == ["significant"]


@pytest.mark.parametrize(
    ("claim", "trigger", "rule"),
    [
        ("Trump slammed the deal as a disaster.", "slammed", "loaded speech verb"),
        ("The minister admitted that the figures were wrong.", "admitted", "loaded speech verb"),
        ("Pelosi lashed out at the White House on Monday.", "lashed out", "loaded speech verb"),
        ("The senator touted the bill in Ohio.", "touted", "loaded speech verb"),
        ('The government defended its "reforms" in parliament.', '"reforms"', "scare quotes"),
        ("The army moved in a bid to crush the protests.", "in a bid to", "imputed intent"),
        ("The radical plan was unveiled on Monday.", "radical", "contentious label"),
        ("The shameless move drew protests.", "shameless", "contentious label"),
        ("The embattled governor met donors.", "embattled", "contentious label"),
        ("The ruling dealt a major blow to the White House.", "dealt a major blow", "blow"),
        ("Even Republicans voted for the bill.", "Even", "emphasis"),
        ("The sweeping bill passed the House.", "sweeping", "emotive adjective"),
    ],
)
def test_each_extension_fires(claim: str, trigger: str, rule: str) -> None:
    assert _rules(claim).get(trigger) == rule


def test_a_loaded_verb_of_saying_is_flagged_even_though_it_attributes() -> None:
    # the verb is the writer's choice; what the senator said ("a disaster") stays hers
    flags = neutrality_flags("Senator Warren blasted the plan, calling it a disaster.", cited=True)
    assert [(f.trigger, f.rule) for f in flags] == [("blasted", "loaded speech verb")]


@pytest.mark.parametrize(
    "claim",
    [
        "Senator Warren said the plan was radical and a significant mistake.",  # reported speech
        "According to the ministry, the sweeping reform was long overdue.",
        'The minister called the report "fake news" on Tuesday.',  # a partial quote, attributed
        'Biden appeared on "Meet the Press" on Sunday.',  # a capitalised title, not a scare quote
        "The Senate voted 52-48 on Tuesday to pass the bill.",
        "The senator was critical of the plan.",  # "critical of" reports a stance
        "Even as talks continued, the two sides traded fire.",  # a conjunction, not emphasis
        "The company claimed the patent in 2019.",  # "claimed": NeuS editors keep it (see lexicon)
    ],
)
def test_neutral_and_attributed_sentences_stay_clean(claim: str) -> None:
    assert neutrality_flags(claim, cited=True) == []


def test_loaded_terms_lists_every_trigger_in_order() -> None:
    claim = "The embattled senator even voted for the sweeping bill."
    assert loaded_terms(claim) == ["embattled", "even", "sweeping"]
    assert loaded_terms("Officials met in Tianjin on Tuesday.") == []


def test_the_llm_prompt_asks_for_what_the_measure_checks() -> None:
    """The writer's system prompt asks for "said", attribution of every evaluation and no
    adjectives of judgement; the words it names are the ones the measure flags ("claimed" is
    the exception the prompt is stricter on: NeuS editors keep it, see the lexicon)."""
    import re

    from digest.prompts import default_prompts_dir

    text = (default_prompts_dir() / "brief_system.j2").read_text(encoding="utf-8")
    assert '"said"' in text and "Attribute every evaluation" in text
    rules = {line[:2]: line for line in text.splitlines() if re.match(r"\d\. ", line)}
    adjectives = re.findall(r'"([^"]+)"', rules["1."].split("State the fact")[0])
    verbs = re.findall(r'"([^"]+)"', rules["2."].split("Never ")[1].split(":")[0])
    assert {"significant", "radical", "shameless"} <= set(adjectives)
    assert {"admitted", "slammed", "claimed"} <= set(verbs)
    for adjective in adjectives:
        if " " not in adjective and adjective not in {"even", "finally", "signals"}:
            assert loaded_terms(f"The {adjective} plan passed on Monday.") == [adjective]
    for verb in set(verbs) - {"claimed"}:
        assert verb in loaded_terms(f"The senator {verb} that the plan had failed.")
