"""The suite file of ``digest eval run``: corpora, variants, baseline, judge (TOML).

A suite fixes *what* is compared so that two runs months apart measure the same thing: the
inputs (corpora), the configurations (variants: writer, model, prompt directory, ``k``,
verification, judge) and the baseline the others are tested against. ``digest eval
init-suite`` writes :data:`EXAMPLE`, which documents every key. Relative paths are relative to
the suite file. Unknown keys are errors (``extra="forbid"``): a typo must not silently fall
back to a default.
"""

from __future__ import annotations

import itertools
import math
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from digest.errors import ConfigError

# A suite file is a few dozen lines written by hand. The bounds keep a hostile or mistaken one
# (4 KB of random bytes, 100,000 nested "[", a 3 KB [matrix] of 10^8 variants) a one-line
# error instead of a traceback or gigabytes of memory (issue 24).
MAX_SUITE_BYTES = 1_000_000
MAX_NESTING = 20
MAX_VARIANTS = 500

EXAMPLE = '''\
# An eval suite for `digest eval run SUITE` (relative paths are relative to this file).
name = "example"
baseline = "extractive"   # the variant every other one is compared with (paired bootstrap)
judge = "embedded"        # judge for variants that name none: embedded, lexical, llm, minicheck
cache_dir = ".eval-cache" # one JSON per (variant, input): re-runs and interrupted runs resume
output_dir = "eval-results"  # results.json, report.md, report.html

# Inputs. Each corpus is a folder of articles (one input), the configured store (one input),
# or a clusters JSONL ({"id", "articles": [{"title", "text"}], "reference_summary"} per line:
# every cluster is its own small corpus, and its reference roundup is scored for coverage).
[[corpora]]
name = "sample"
folder = "seeds/corpus"
topic = "Putin's visit to China"   # omit for "the most covered stories"

# [[corpora]]
# name = "neus"
# clusters = "../shared/evaldata/neus_val_clusters.jsonl"
# limit = 30

# [[corpora]]
# name = "store"
# store = true
# topic = "energy"

# Configurations. Keys: writer (extractive | llm), model, prompts (a prompt directory),
# k (passages), verify (true | false), judge.
[[variants]]
name = "extractive"
writer = "extractive"

[[variants]]
name = "llm"
writer = "llm"
model = "gpt-4o-mini"

# Or a matrix: every combination of the listed values becomes a variant
# ("writer=llm,verify=off"), on top of the [[variants]] above.
# [matrix]
# writer = ["extractive", "llm"]
# verify = [true, false]
'''


class CorpusSpec(BaseModel):
    """One corpus: exactly one of ``folder``, ``clusters``, ``store``."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    folder: Path | None = None
    clusters: Path | None = None
    store: bool = False
    topic: str | None = None
    limit: int | None = Field(default=None, ge=1, description="first N clusters")

    @model_validator(mode="after")
    def _one_kind(self) -> CorpusSpec:
        kinds = [self.folder is not None, self.clusters is not None, self.store]
        if sum(kinds) != 1:
            raise ValueError(f"corpus {self.name!r}: give exactly one of folder, clusters, store")
        return self


class Variant(BaseModel):
    """One configuration of the pipeline; ``judge`` None means the suite's judge."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[A-Za-z0-9_.,=-]{1,80}$")
    writer: Literal["extractive", "llm"] = "extractive"
    model: str | None = None
    prompts: Path | None = None
    k: int = Field(default=12, ge=1, le=100)
    verify: bool = False
    judge: str | None = None


class Suite(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = "suite"
    baseline: str | None = None
    judge: str = "embedded"
    cache_dir: Path = Path(".eval-cache")
    output_dir: Path = Path("eval-results")
    corpora: list[CorpusSpec] = Field(min_length=1)
    variants: list[Variant] = Field(default_factory=list)
    matrix: dict[str, list[str | int | bool]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _expand(self) -> Suite:
        combinations = math.prod(len(v) for v in self.matrix.values()) if self.matrix else 0
        if len(self.variants) + combinations > MAX_VARIANTS:
            raise ValueError(f"{len(self.variants) + combinations:,} variants ({combinations:,} "
                             f"from [matrix]) is over the limit of {MAX_VARIANTS}")
        self.variants = [*self.variants, *_matrix(self.matrix)]
        names = [v.name for v in self.variants]
        if not names:
            raise ValueError("the suite has no variants: add [[variants]] or a [matrix]")
        if len(set(names)) != len(names):
            raise ValueError(f"variant names must be unique: {names}")
        if len({c.name for c in self.corpora}) != len(self.corpora):
            raise ValueError("corpus names must be unique")
        self.baseline = self.baseline or names[0]
        if self.baseline not in names:
            raise ValueError(f"baseline {self.baseline!r} is not a variant ({', '.join(names)})")
        return self

    def judge_of(self, variant: Variant) -> str:
        return variant.judge or self.judge


def _matrix(matrix: dict[str, list[str | int | bool]]) -> list[Variant]:
    if not matrix:
        return []
    keys = sorted(matrix)
    variants = []
    for values in itertools.product(*(matrix[k] for k in keys)):
        fields = dict(zip(keys, values, strict=True))
        label = ",".join(
            f"{k}={'on' if v is True else 'off' if v is False else v}" for k, v in fields.items()
        )
        variants.append(Variant(name=label.replace("/", "_"), **fields))
    return variants


def _read(path: Path) -> str:
    """The file's text, refusing anything over :data:`MAX_SUITE_BYTES` before reading it all."""
    with path.open("rb") as handle:
        data = handle.read(MAX_SUITE_BYTES + 1)
    if len(data) > MAX_SUITE_BYTES:
        raise ConfigError(f"suite {path} is over the {MAX_SUITE_BYTES:,}-byte limit for a "
                          "suite file")
    return data.decode("utf-8")


def _check_nesting(value: object, path: Path, depth: int = 0) -> None:
    if depth > MAX_NESTING:
        raise ConfigError(f"suite {path} nests tables or arrays over {MAX_NESTING} deep")
    children = value.values() if isinstance(value, dict) else value if isinstance(
        value, list) else ()
    for child in children:
        _check_nesting(child, path, depth + 1)


def load_suite(path: Path) -> Suite:
    """Read and validate a suite file; paths in it become absolute (relative to the file)."""
    try:
        raw = tomllib.loads(_read(path))
        _check_nesting(raw, path)
        suite = Suite.model_validate(raw)
    except OSError as exc:
        raise ConfigError(f"cannot read suite {path}: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"suite {path} is not UTF-8 text (byte {exc.start:,})") from exc
    except RecursionError as exc:
        raise ConfigError(f"suite {path} is nested too deeply to read") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"suite {path} is not valid TOML: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "suite"
        raise ConfigError(f"suite {path}: {where}: {first['msg']}") from exc
    base = path.resolve().parent
    suite.cache_dir = (base / suite.cache_dir).resolve()
    suite.output_dir = (base / suite.output_dir).resolve()
    for corpus in suite.corpora:
        corpus.folder = (base / corpus.folder).resolve() if corpus.folder else None
        corpus.clusters = (base / corpus.clusters).resolve() if corpus.clusters else None
    for variant in suite.variants:
        variant.prompts = (base / variant.prompts).resolve() if variant.prompts else None
    return suite
