"""Store invariants the lead owns: uncommitted chunks are invisible, chunk settings re-chunk."""

from __future__ import annotations

from digest.ingest import dedupe
from digest.ingest.chunk import chunk_article
from digest.ingest.pipeline import IngestOptions, ingest
from digest.models import Article
from digest.store import ArticleWrite


def _article(text: str, url: str) -> Article:
    return Article.build(text=text, url=url, outlet="Test Outlet", title="t")


def test_chunks_without_their_article_record_are_not_returned(store) -> None:
    committed = _article("The port of Tianjin welcomed the delegation on Tuesday. " * 3,
                         "https://example.com/a")
    interrupted = _article("The port of Tianjin welcomed the delegation on Tuesday evening. " * 3,
                           "https://example.com/b")
    for article in (committed, interrupted):
        chunks = chunk_article(article)
        vectors = store.embedder.embed([c.text for c in chunks])
        store.write_articles([ArticleWrite(article, chunks, vectors, duplicate_of=None,
                                           minhash=dedupe.encode(dedupe.signature(article.text)))])
    # Simulate a run killed after the chunks of `interrupted` were written but before its record.
    store._articles.delete(ids=[interrupted.id])
    hits = store.query("Tianjin delegation", k=10)
    assert hits, "the committed article should be found"
    assert {h.article.id for h in hits} == {committed.id}


def test_changing_chunk_size_rechunks_unchanged_articles(store, tmp_path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\nurl: https://example.com/x\n---\n"
                    + " ".join(f"Sentence number {i} reports a fact." for i in range(60)))
    first = ingest([str(path)], store=store, fetcher=None, options=IngestOptions(chunk_size=800))
    assert first.counts["added"] == 1
    again = ingest([str(path)], store=store, fetcher=None, options=IngestOptions(chunk_size=800))
    assert again.counts["unchanged"] == 1
    smaller = ingest([str(path)], store=store, fetcher=None,
                     options=IngestOptions(chunk_size=200, chunk_overlap=40))
    assert smaller.counts["updated"] == 1
    assert "re-chunked" in (smaller.outcomes[0].reason or "")
    article_id = smaller.outcomes[0].article_id
    chunks = store.chunks_of(article_id)
    assert chunks and all(len(c.text) <= 200 for c in chunks)
    assert store.get_article(article_id).chunks == len(chunks)


def test_an_edited_original_is_not_linked_to_its_own_copy(store, tmp_path) -> None:
    body = " ".join(f"Wire paragraph {i} says the talks covered energy and trade." for i in range(40))
    (tmp_path / "orig.md").write_text(f"---\nurl: https://wire.example.com/1\n---\n{body}")
    (tmp_path / "copy.md").write_text(f"---\nurl: https://paper.example.com/1\n---\n{body} Extra.")
    ingest([str(tmp_path)], store=store, fetcher=None)
    (tmp_path / "orig.md").write_text(f"---\nurl: https://wire.example.com/1\n---\n{body} Update.")
    report = ingest([str(tmp_path / "orig.md")], store=store, fetcher=None)
    outcome = report.outcomes[0]
    assert outcome.status == "updated"
    assert outcome.duplicate_of != outcome.article_id

