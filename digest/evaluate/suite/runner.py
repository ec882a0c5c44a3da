"""``digest eval run SUITE``: every variant over every input, scored the same way, cached.

For each (variant, input): build the digest through the library (the writer from the
composition root, :func:`digest.write.brief.build_briefing`), check it from its ``Briefing``
(:func:`digest.evaluate.run.evaluate_briefing`, against the full stored articles), and measure
coverage of the reference and neutrality. Each result is cached as JSON under a key made of
the input's fingerprint, the variant's writer, model, prompt-file hashes, ``k``, verification
and judge, so a re-run — or a run that was interrupted — only builds what is missing.

Collaborators are injected (``make_writer``, ``make_judge``, ``open_store``): the CLI passes
the real ones from :mod:`digest.app`; tests pass a stub-backed LLM writer and a tmp store.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from digest.briefing import Briefing
from digest.errors import DigestError, NothingToBriefError
from digest.evaluate.coverage import coverage
from digest.evaluate.models import EvalReport
from digest.evaluate.neutral import neutrality_flags
from digest.evaluate.run import evaluate_briefing
from digest.evaluate.suite.config import Suite, Variant
from digest.evaluate.suite.inputs import EvalInput
from digest.evaluate.suite.models import DrillEvidence, DrillSentence, InputInfo, InputResult
from digest.judges.base import Judge
from digest.sentences import split_sentences
from digest.write.brief import build_briefing
from digest.write.verify import VerifyOptions
from digest.write.writer import Writer

logger = logging.getLogger(__name__)

SCHEMA = 2  # bump when a cached result's meaning changes

# The code whose behaviour a cached result records: writing, verification, judging, scoring.
_CODE = ("write", "judges", "evaluate", "sentences.py", "embed.py", "store.py", "briefing.py")


@functools.cache
def code_version() -> str:
    """sha256 over the source of every module that shapes a result (and the judges' model
    files), so a changed writer, judge or neutrality rule never reads an old cached figure."""
    package = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for name in _CODE:
        root = package / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix in (".py", ".onnx", ".json", ".j2"):
                digest.update(str(path.relative_to(package)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


NAN = float("nan")


def variant_prompts(variant: Variant, judge: str) -> dict[str, str]:
    """Template name -> sha256 of every prompt the variant's writer and judge render, read from
    the template files (no writer or judge is built, so a cached result needs no LLM)."""
    from digest.judges.llm import preset_prompts
    from digest.judges.spec import MODEL_KINDS, JudgeSpec
    from digest.write.llm import writer_prompt_versions

    prompts = writer_prompt_versions(variant.prompts) if variant.writer == "llm" else {}
    spec = JudgeSpec.parse(judge)
    return {**prompts, **(preset_prompts(spec.kind) if spec.kind in MODEL_KINDS else {})}


def result_key(inp: EvalInput, variant: Variant, judge: str, model: str | None,
               prompts: dict[str, str] | None = None) -> str:
    """The cache key: everything that can change the result, and nothing else.

    ``prompts`` are the hashes of every template the variant's writer and judges render
    (:func:`digest.prompts.prompt_versions`); the variant's *name* is not part of the key, so
    two suites naming the same variant differently share a result (reported by the current name).
    """
    parts = {
        "schema": SCHEMA, "input": inp.fingerprint, "writer": variant.writer,
        "model": model if variant.writer == "llm" else None, "prompts": prompts or {},
        "k": variant.k, "verify": variant.verify, "judge": judge, "code": code_version(),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]


def flags_per_sentence(texts: list[str]) -> float:
    """Neutrality flags per sentence over ``texts`` (attributed and quoted speech exempt)."""
    sentences = [s.text for t in texts for s in split_sentences(t)]
    if not sentences:
        return NAN
    return sum(len(neutrality_flags(s, cited=True)) for s in sentences) / len(sentences)


def _drill(report: EvalReport) -> list[DrillSentence]:
    return [
        DrillSentence(
            text=s.text, verdict=s.verdict, probability=s.probability,
            evidence=[DrillEvidence(n=e.n, probability=e.probability, text=e.text)
                      for e in s.evidence],
            flags=[f"{f.kind}: {f.trigger}" for f in s.flags],
        )
        for s in report.sentences
    ]


def _metrics(briefing: Briefing, report: EvalReport, reference: str | None) -> dict[str, float]:
    text = " ".join(s.text for s in briefing.sentences)
    usage, checked = briefing.usage, briefing.verification
    claims = report.sentences
    metrics = {name: report.metric(name)
               for name in ("citation_recall", "citation_precision", "uncited_share")}
    costs = [c for c in (usage.estimated_cost_usd,
                         checked.usage.estimated_cost_usd if checked else None) if c is not None]
    metrics |= {
        "dropped_sentences": float(len(briefing.dropped)),
        "verify_cut": float(checked.cut) if checked else NAN,
        "verify_flagged": float(checked.flagged) if checked else NAN,
        "flags_per_sentence": (sum(len(s.flags) for s in claims) / len(claims)) if claims else NAN,
        "sentences": float(len(claims)),
        "words": float(len(text.split())),
        "prompt_tokens": float(usage.prompt_tokens + (checked.usage.prompt_tokens if checked
                                                      else 0)),
        "completion_tokens": float(usage.completion_tokens + (
            checked.usage.completion_tokens if checked else 0)),
        "cost_usd": sum(costs) if costs else NAN,
    }
    if reference:
        metrics |= coverage(text, reference)
    return metrics


class SuiteRunner:
    """Runs one suite; results land in ``suite.cache_dir`` as they are made."""

    def __init__(
        self,
        suite: Suite,
        *,
        make_writer: Callable[[Variant], Writer],
        make_judge: Callable[[str], Judge],
        make_verify: Callable[[Variant], VerifyOptions | None] = lambda _v: None,
        now: datetime,
        default_model: str | None = None,
        on_result: Callable[[InputResult], None] | None = None,
    ) -> None:
        self.suite = suite
        self.make_writer = make_writer
        self.make_judge = make_judge
        self.make_verify = make_verify
        self.now = now
        self.default_model = default_model
        self.on_result = on_result or (lambda _r: None)
        self._judges: dict[str, Judge] = {}
        self._stores: dict[str, Any] = {}

    def _cache(self, key: str) -> Path:
        return self.suite.cache_dir / f"{key}.json"

    def _load(self, key: str) -> InputResult | None:
        path = self._cache(key)
        try:
            cached = InputResult.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cached.model_copy(update={"cached": True})

    def _save(self, result: InputResult) -> None:
        path = self._cache(result.key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(result.model_dump_json(), encoding="utf-8")
        tmp.replace(path)  # a killed run leaves no half-written cache entry

    def _store(self, inp: EvalInput) -> Any:
        if inp.id not in self._stores:
            self._stores[inp.id] = inp.open_store()
        return self._stores[inp.id]

    def _judge(self, name: str) -> Judge:
        if name not in self._judges:
            self._judges[name] = self.make_judge(name)
        return self._judges[name]

    def run_one(self, variant: Variant, inp: EvalInput) -> InputResult:
        judge_name = self.suite.judge_of(variant)
        model = variant.model or self.default_model
        base: dict[str, Any] = {"variant": variant.name, "input": inp.id, "corpus": inp.corpus}
        notes: list[str] = []
        key = result_key(inp, variant, judge_name, model, variant_prompts(variant, judge_name))
        cached = self._load(key)
        if cached is not None:  # keyed by content; reported under this suite's names
            cached = cached.model_copy(update={"variant": variant.name, "input": inp.id})
            self.on_result(cached)
            return cached  # no LLM needed to read it back
        base["key"] = key
        try:
            store, judge = self._store(inp), self._judge(judge_name)  # built once, not timed
            writer, verify = self.make_writer(variant), self.make_verify(variant)
            started = time.perf_counter()
            briefing = build_briefing(store, topic=inp.topic, writer=writer, now=self.now,
                                      k=variant.k, verify=verify)
            report = evaluate_briefing(briefing, judge=judge, store=store)
        except NothingToBriefError as exc:
            result = InputResult(**base, status="nothing", message=str(exc), notes=notes)
        except DigestError as exc:  # not cached: an LLM outage must not become a result
            result = InputResult(**base, status="error", message=str(exc), notes=notes)
            self.on_result(result)
            return result
        else:
            metrics = _metrics(briefing, report, inp.reference)
            metrics["wall_s"] = time.perf_counter() - started  # write + verify + evaluate
            result = InputResult(**base, status="ok", metrics=metrics, digest=_drill(report),
                                 notes=notes + [d.reason for d in briefing.dropped][:20])
        self._save(result)
        self.on_result(result)
        return result

    def input_info(self, inp: EvalInput) -> InputInfo:
        """Neutrality of the input's sources and reference (cached like results)."""
        path = (self.suite.cache_dir
                / f"input-{SCHEMA}-{code_version()}-{inp.fingerprint[:32]}.json")
        try:
            return InputInfo.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        store = None if inp.reference else self._store(inp)
        metrics = {"source_flags_per_sentence": flags_per_sentence(inp.source_texts(store))}
        if inp.reference:
            metrics["reference_flags_per_sentence"] = flags_per_sentence([inp.reference])
        info = InputInfo(id=inp.id, corpus=inp.corpus, reference=inp.reference, metrics=metrics)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(info.model_dump_json(), encoding="utf-8")
        return info
