"""The inputs of an eval suite: each corpus expands to one or more small article stores.

* a **folder** of articles is one input, ingested into its own Chroma collection;
* a **clusters JSONL** (NeuS: three outlets' articles on one story plus an editor-written
  roundup) is one input per line, each cluster its own collection, its roundup the reference;
* the configured **store** is one input, used as it is.

Every input has a fingerprint (sha256 of its article texts and reference), which keys the
result cache: change one article and only that input is rebuilt. Stores are opened lazily
(``open_store``), so a fully cached re-run never loads the embedding model.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import yaml  # type: ignore[import-untyped]  # no stubs installed; PyYAML comes with frontmatter

from digest.errors import ConfigError
from digest.evaluate.suite.config import CorpusSpec
from digest.ingest.pipeline import IngestOptions, ingest
from digest.limits import Limits
from digest.store import Store

#: Builds (or opens) the Chroma collection ``name`` of the suite's store.
OpenStore = Callable[[str], Store]


@dataclass
class EvalInput:
    """One thing a digest is written from."""

    id: str  # corpus/name, stable across runs
    corpus: str
    topic: str | None
    reference: str | None
    fingerprint: str
    open_store: Callable[[], Store]
    source_texts: Callable[[Store | None], list[str]]


def _sha(parts: list[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


def _ingested(open_store: OpenStore, name: str, folder: Path, options: IngestOptions
              ) -> Callable[[], Store]:
    def build() -> Store:
        store = open_store(name)
        report = ingest([str(folder)], store=store, fetcher=None, options=options)
        if not store.articles():
            raise ConfigError(f"corpus folder {folder}: nothing could be ingested ({report})")
        return store

    return build


def _stored_texts(store: Store | None) -> list[str]:
    if store is None:
        return []
    return [text for a in store.articles() if (text := store.article_text(a.id))]


def _folder_input(spec: CorpusSpec, open_store: OpenStore, options: IngestOptions) -> EvalInput:
    folder = spec.folder
    assert folder is not None
    if not folder.is_dir():
        raise ConfigError(f"corpus {spec.name!r}: no such folder {folder}")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    limit = _max_bytes(options)
    fingerprint = _sha([spec.topic or ""] + [f"{p.relative_to(folder)}:{_file_sha(p, limit)}"
                                             for p in files])
    return EvalInput(
        id=spec.name, corpus=spec.name, topic=spec.topic, reference=None,
        fingerprint=fingerprint,
        open_store=_ingested(open_store, f"eval_{fingerprint[:20]}", folder, options),
        source_texts=_stored_texts,
    )


def _max_bytes(options: IngestOptions) -> int:
    """The per-file ingest limit the run was configured with (``DIGEST_LIMITS__*``)."""
    return (options.limits or Limits()).max_file_bytes


def _file_sha(path: Path, limit: int) -> str:
    """A file's sha256, streamed; one over the ingest size limit is keyed by its size only
    (ingest refuses it anyway), so a 50 GB file in a corpus folder is never read."""
    try:
        size = path.stat().st_size
        if size > limit:
            return f"size:{size}"
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def _cluster_lines(spec: CorpusSpec, path: Path, limit: int) -> Iterator[tuple[int, str]]:
    """The clusters file's lines, read with the ingest limits (issue 24: ``/dev/zero``).

    Only a regular file is read, line by line, and a line longer than the per-file ingest
    limit is refused, so memory is bounded by one line whatever the file is.
    """
    try:
        if not path.is_file():
            raise ConfigError(f"corpus {spec.name!r}: {path} is not a regular file")
        with path.open("rb") as handle:
            for number, raw in enumerate(iter(lambda: handle.readline(limit + 1), b""), 1):
                if len(raw) > limit:
                    raise ConfigError(f"{path}:{number}: line over the {limit:,}-byte limit "
                                      "(DIGEST_LIMITS__MAX_FILE_BYTES)")
                try:
                    yield number, raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    raise ConfigError(f"{path}:{number}: not UTF-8 text") from exc
    except OSError as exc:
        raise ConfigError(f"corpus {spec.name!r}: cannot read {path}: "
                          f"{exc.strerror or exc}") from exc


def _write_cluster(folder: Path, articles: list[dict[str, str]]) -> None:
    """The cluster's articles as Markdown files with front matter, one outlet each."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, article in enumerate(articles, start=1):
        meta = {"title": str(article.get("title") or f"Article {i}"), "outlet": f"Outlet {i}"}
        body = "---\n" + yaml.safe_dump(meta, allow_unicode=True) + "---\n"
        (folder / f"{i}.md").write_text(body + str(article["text"]) + "\n", encoding="utf-8")


def _cluster_inputs(spec: CorpusSpec, open_store: OpenStore, work: Path,
                    options: IngestOptions) -> list[EvalInput]:
    path = spec.clusters
    assert path is not None
    inputs: list[EvalInput] = []
    for number, line in _cluster_lines(spec, path, _max_bytes(options)):
        if spec.limit is not None and len(inputs) >= spec.limit:
            break
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            articles = [a for a in row["articles"] if str(a.get("text", "")).strip()]
            cluster_id = str(row.get("id") or f"line{number}")
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError,
                RecursionError) as exc:
            raise ConfigError(f"{path}:{number}: not a cluster ({exc!r})") from exc
        reference = row.get("reference_summary") or None
        texts = [str(a["text"]) for a in articles]
        fingerprint = _sha([spec.topic or "", reference or "", *texts,
                            *(str(a.get("title")) for a in articles)])
        folder = work / "clusters" / fingerprint[:20]

        def build(folder: Path = folder, articles: list[dict[str, str]] = articles,
                  name: str = f"eval_{fingerprint[:20]}") -> Store:
            _write_cluster(folder, articles)
            return _ingested(open_store, name, folder, options)()

        inputs.append(EvalInput(
            id=f"{spec.name}/{cluster_id}", corpus=spec.name, topic=spec.topic,
            reference=reference, fingerprint=fingerprint, open_store=build,
            source_texts=lambda _store, texts=texts: texts,
        ))
    return inputs


def _store_input(spec: CorpusSpec, user_store: Callable[[], Store]) -> EvalInput:
    store = user_store()
    signature = sorted(f"{a.id}:{a.content_hash}" for a in store.articles())
    return EvalInput(
        id=spec.name, corpus=spec.name, topic=spec.topic, reference=None,
        fingerprint=_sha([spec.topic or "", *signature]),
        open_store=lambda: store, source_texts=_stored_texts,
    )


def expand_corpora(
    corpora: list[CorpusSpec],
    *,
    open_store: OpenStore,
    user_store: Callable[[], Store],
    work: Path,
    options: IngestOptions | None = None,
) -> list[EvalInput]:
    """Every input of every corpus, in suite order; corpora are read and ingested with
    ``options`` (the run's chunking and input limits; defaults when None)."""
    options = options or IngestOptions()
    inputs: list[EvalInput] = []
    for spec in corpora:
        if spec.folder is not None:
            inputs.append(_folder_input(spec, open_store, options))
        elif spec.clusters is not None:
            inputs += _cluster_inputs(spec, open_store, work, options)
        else:
            inputs.append(_store_input(spec, user_store))
    return inputs
