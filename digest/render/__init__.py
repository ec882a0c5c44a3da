"""Stage 3, render: a ``Briefing`` -> Markdown / HTML / JSON through the Jinja2 ``templates/``; atomic writes."""
