"""The calibration set: three held-out training-side slices, never a training story or QAGS."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from jsonl_rows import write_jsonl  # noqa: E402

from train import calibrate as C  # noqa: E402
from train import pairs as P  # noqa: E402

STORY = (
    "Mayor {name} opened the new bridge in {city} on Monday. The bridge cost {n} million euros "
    "and took three years to build. Officials in Lisbon said traffic would not increase."
)
NAMES = ["Ana Ruiz", "Rui Costa", "Eva Lima", "Joao Sousa", "Maria Pinto", "Luis Rocha"]


def _data(root: Path) -> tuple[Path, Path]:
    train, evald = root / "traindata", root / "evaldata"
    train.mkdir()
    evald.mkdir()
    summary = "TITLE=> t. ARTICLE=> The mayor opened the new bridge on Monday."
    write_jsonl(
        train / "neus_train_clusters.jsonl",
        (
            {
                "id": f"s{i}",
                "articles": [
                    {"title": "t", "text": STORY.format(name=NAMES[i % 6], city=city, n=10 + i)}
                    for city in ("Porto", "Braga", "Faro")
                ],
                "reference_summary": summary,
            }
            for i in range(10)
        ),
    )
    write_jsonl(
        train / "summedits_nonnews.jsonl",
        (
            {
                "id": f"e{i}",
                "document": f"Document {i // 4}. "
                + STORY.format(name="Ana Ruiz", city="Porto", n=i),
                "summary": "The bridge opened.",
                "label": "supported" if i % 2 else "unsupported",
            }
            for i in range(40)
        ),
    )
    write_jsonl(
        evald / "cliff_goyal21_sentences.jsonl",
        (
            {
                "id": f"CLIFF-{i // 2}-{i % 2}",
                "sentence": "The bridge opened on Monday.",
                "sources": [STORY],
                "label": "supported" if i % 3 else "unsupported",
            }
            for i in range(12)
        ),
    )
    return train, evald


def test_three_held_out_slices(tmp_path: Path) -> None:
    train, evald = _data(tmp_path)
    tagged = C.calibration_claims(train, evald, 13)
    slices = {s for s, _ in tagged}
    assert slices == {"cliff", "summedits", "neus"}

    clusters = list(P.read_jsonl(train / "neus_train_clusters.jsonl"))
    train_clusters, val_clusters = P.neus_split(clusters, 13)
    trained_texts = {a["text"] for c in train_clusters for a in c["articles"]}
    val_ids = {str(c["id"]) for c in val_clusters}
    neus = [c for s, c in tagged if s == "neus"]
    assert neus and {c.summary for c in neus} <= val_ids
    assert not {t for c in neus for t in c.sources} & trained_texts  # never a training story
    assert {c.supported for c in neus} == {True, False}

    se_train, se_val = P.summedits_split(list(P.read_jsonl(train / "summedits_nonnews.jsonl")), 13)
    held = {r["document"] for r in se_val}
    summedits = [c for s, c in tagged if s == "summedits"]
    assert summedits and all(c.sources[0] in held for c in summedits)
    assert not held & {r["document"] for r in se_train}

    cliff_train, _ = P.cliff_split(list(P.read_jsonl(evald / "cliff_goyal21_sentences.jsonl")), 13)
    cliff = [c for s, c in tagged if s == "cliff"]
    assert cliff and not {c.id for c in cliff} & {r["id"] for r in cliff_train}
