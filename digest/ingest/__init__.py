"""Stage 1, ingest: sources (files, folders, URLs, feeds) -> articles -> chunks with exact offsets -> embeddings -> store.

Read top to bottom: ``readers`` (expand + read one source), ``fetch`` (bounded HTTP),
``sentences`` + ``chunk`` (sentence-aligned chunks), ``dedupe`` (near-duplicate wire copies),
``embed`` (local or OpenAI embeddings) and ``pipeline`` (the stage itself).
"""
