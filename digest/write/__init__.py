"""Stage 2, write: passages -> a draft from one ``Writer`` -> ``[n]`` citations -> a ``Briefing``.

``retrieve`` picks passages (for a topic, or for the top stories), ``extractive`` and ``llm`` are
the two writers behind one protocol (``writer``), ``cite`` turns passage ids into numbered
sources, ``differences`` finds where sources disagree, ``brief`` runs the stage end to end.
"""
