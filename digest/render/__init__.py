"""Stage 3, render: a ``Briefing`` -> Markdown / HTML / JSON through Jinja2 ``templates/``.

Files are written atomically (``output``): a reader never sees half a digest.
"""
