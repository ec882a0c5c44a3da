"""The LLM prompt templates (``*.j2``), shipped inside the wheel as ``digest.prompt_templates``.

This file only makes the folder a package so ``importlib.resources`` finds the templates in an
installed (non-editable) copy; ``digest/prompts.py`` loads them. No code lives here.
"""
