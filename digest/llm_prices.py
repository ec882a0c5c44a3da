"""What a run's tokens are estimated to cost: list prices of known OpenAI models.

An estimate for the run report, not a bill: unknown models (local servers, new names) get no
estimate rather than a wrong one.
"""

from __future__ import annotations

import re

# USD per 1M tokens (input, output), OpenAI list prices as published in 2025.
PRICES_PER_MILLION: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-nano": (0.10, 0.40),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
    "gpt-5-nano": (0.05, 0.40),
    "gpt-5-mini": (0.25, 2.00),
    "gpt-5": (1.25, 10.00),
    "o4-mini": (1.10, 4.40),
    "o3-mini": (1.10, 4.40),
    "o3": (2.00, 8.00),
}


def price_for(model: str | None) -> tuple[float, float] | None:
    """The (input, output) price of ``model``; dated snapshots count as their base model.

    ``gpt-4o-mini-2024-07-18`` is priced as ``gpt-4o-mini`` (never as ``gpt-4o``); names that
    merely start like a known model (``gpt-4o-minimal``) are unknown, so get no estimate.
    """
    if not model:
        return None
    name = model.split("/")[-1].lower()  # "openai/gpt-4o" style names of some gateways
    for key, price in PRICES_PER_MILLION.items():
        if re.fullmatch(re.escape(key) + r"(-\d.*|-latest)?", name):
            return price
    return None


def estimate_cost(model: str | None, prompt_tokens: int, completion_tokens: int) -> float | None:
    """Estimated USD for the tokens, or None when the model is not in the price table."""
    price = price_for(model)
    if price is None:
        return None
    cost = (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000
    return round(cost, 6)
