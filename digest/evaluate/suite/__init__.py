"""``digest eval run SUITE``: compare whole writer/model/prompt variants end to end.

Read top to bottom: ``config`` (the suite file, bounded), ``inputs`` (corpora and clusters),
``runner`` (build and score each variant's digests), ``summary`` (bootstrap intervals, paired
differences), ``models`` (the result types), ``report`` (Markdown and HTML).
"""
