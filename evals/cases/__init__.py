"""The project's labelled cases (``claims.jsonl``, ``faithful.jsonl``), shipped in the wheel as
``digest.cases`` so ``digest eval calibrate`` finds its default cases after a plain install.

This folder stays the one copy (``make_cases.py`` writes ``claims.jsonl`` here); this file only
makes it a package for ``importlib.resources``. No code lives here.
"""
