"""Stage 1, ingest: sources (files, folders, URLs, feeds) -> articles -> chunks with exact offsets -> embeddings -> store.

Read top to bottom: ``readers`` (expand + read one source), ``fetch`` (bounded HTTP),
``chunk`` (sentence-aligned chunks, cut by :mod:`digest.sentences`), ``dedupe`` (near-duplicate
wire copies) and ``pipeline`` (the stage itself). The embedder is :mod:`digest.embed`, shared
with the store and the judges, so neither depends on this stage.
"""
