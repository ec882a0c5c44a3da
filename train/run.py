"""Train the trained judge from scratch: pairs, fine-tuning, int8 ONNX export. One command.

    python -m train.run --out /work/train-out                 # everything, seed 13
    python -m train.run --out /work/train-out                 # again: resumes where it stopped
    python -m train.run --out /work/train-out --examples 400 --max-minutes 1   # a smoke run

Steps, each skipped when its output already exists in ``--out``:

1. ``pairs/train.jsonl``, ``pairs/val.jsonl``: synthetic NeuS pairs (:mod:`train.pairs`),
   SummEdits' non-news rows and the training half of CLIFF (split by summary document);
   validation = 150 held-out NeuS clusters, 10 % of SummEdits documents, and the other half of
   CLIFF (the calibration half, used for the threshold and never trained on).
2. ``ckpt.pt``: one pass over ``--examples`` pairs, AdamW, linear warm-up and decay; saved every
   ``--checkpoint-minutes`` (model, optimiser, schedule, step) and resumed from there. The batch
   order is a function of the seed alone, so a resumed run sees the batches it would have seen.
3. ``model/``: :mod:`train.export` (ONNX, int8 dynamic quantisation, tokenizer, manifest).

Data paths default to ``../shared/traindata`` and ``../shared/evaldata`` next to the repository;
nothing from them is written inside the repository. QAGS and SummEdits-news are never read.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import time
from collections import Counter
from pathlib import Path

from train import pairs as P

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
logger = logging.getLogger("train")


# -- 1. data -----------------------------------------------------------------------------------
def build_pairs(args: argparse.Namespace) -> tuple[Path, Path]:
    out = args.out / "pairs"
    train_path, val_path = out / "train.jsonl", out / "val.jsonl"
    if train_path.exists() and val_path.exists():
        return train_path, val_path
    clusters = list(P.read_jsonl(args.traindata / "neus_train_clusters.jsonl"))
    train_clusters, val_clusters = P.neus_split(clusters, args.seed)
    neus_train = P.neus_pairs(train_clusters, random.Random(args.seed + 1))
    neus_val = P.neus_pairs(val_clusters, random.Random(args.seed + 2))

    summedits = list(P.read_jsonl(args.traindata / "summedits_nonnews.jsonl"))
    se_train, se_val = P.summedits_split(summedits, args.seed)
    se = dict(sentence_key="summary", label_key="label")

    cliff = list(P.read_jsonl(args.evaldata / "cliff_goyal21_sentences.jsonl"))
    cliff_train, cliff_calib = P.cliff_split(cliff, args.seed)
    cl = dict(sentence_key="sentence", label_key="label")

    train = (
        neus_train
        + P.document_pairs(se_train, "summedits", **se) * args.summedits_repeat
        + P.document_pairs(cliff_train, "cliff", **cl) * args.cliff_repeat
    )
    val = (
        neus_val
        + P.document_pairs(se_val, "summedits", **se)
        + P.document_pairs(cliff_calib, "cliff", **cl)
    )
    random.Random(args.seed + 4).shuffle(train)
    P.save(train, train_path)
    P.save(val, val_path)
    logger.info("train pairs %d %s", len(train), dict(Counter(p.kind for p in train)))
    logger.info("positives %.1f %%", 100 * sum(p.label for p in train) / len(train))
    logger.info("val pairs %d %s", len(val), dict(Counter(p.kind for p in val)))
    return train_path, val_path


HUMAN = ("summedits", "cliff")  # human-labelled kinds


def balance(
    pairs: list[P.Pair], n: int, positive_share: float, human_share: float, seed: int
) -> list[P.Pair]:
    """``n`` pairs: up to ``human_share`` human-labelled rows, the rest synthetic with about
    ``positive_share`` positives."""
    rng = random.Random(seed)
    human = [p for p in pairs if p.kind in HUMAN]
    human = rng.sample(human, min(len(human), int(n * human_share)))
    pos = [p for p in pairs if p.label == 1 and p.kind not in HUMAN]
    neg = [p for p in pairs if p.label == 0 and p.kind not in HUMAN]
    room = max(0, n - len(human))
    n_pos = min(len(pos), int(room * positive_share))
    chosen = human + rng.sample(pos, n_pos) + rng.sample(neg, min(len(neg), room - n_pos))
    rng.shuffle(chosen)
    return chosen


# -- 2. training -------------------------------------------------------------------------------
def tokenizer(max_len: int):  # noqa: ANN201 - tokenizers.Tokenizer
    from tokenizers import Tokenizer

    from train.model import base_dir

    tok = Tokenizer.from_file(str(base_dir() / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=max_len, strategy="longest_first")
    return tok


def batches(pairs: list[P.Pair], tok, batch_size: int, seed: int) -> list[list[int]]:
    """Batches of similar length (little padding), in an order fixed by ``seed``."""
    rng = random.Random(seed)
    order = list(range(len(pairs)))
    rng.shuffle(order)
    lengths = [len(e.ids) for e in tok.encode_batch([(p.claim, p.evidence) for p in pairs])]
    out: list[list[int]] = []
    chunk = batch_size * 50
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: lengths[i])
        out.extend(part[b : b + batch_size] for b in range(0, len(part), batch_size))
    rng.shuffle(out)
    return out


def tensors(pairs: list[P.Pair], tok):  # noqa: ANN201
    import torch

    enc = tok.encode_batch([(p.claim, p.evidence) for p in pairs])
    width = max(len(e.ids) for e in enc)
    ids = torch.zeros((len(enc), width), dtype=torch.long)
    mask = torch.zeros_like(ids)
    types = torch.zeros_like(ids)
    for r, e in enumerate(enc):
        n = len(e.ids)
        ids[r, :n] = torch.tensor(e.ids)
        mask[r, :n] = 1
        types[r, :n] = torch.tensor(e.type_ids)
    return ids, mask, types


def predict(model, pairs: list[P.Pair], tok, batch_size: int = 64) -> list[float]:
    import torch

    model.eval()
    out: list[float] = []
    with torch.no_grad():
        for b in range(0, len(pairs), batch_size):
            ids, mask, types = tensors(pairs[b : b + batch_size], tok)
            out.extend(torch.sigmoid(model(ids, mask, types)).tolist())
    model.train()
    return out


def evaluate(model, val: list[P.Pair], tok) -> dict[str, float]:
    from digest.judges.metrics import balanced_accuracy, roc_auc

    probs = predict(model, val, tok)
    report: dict[str, float] = {}
    for kind in sorted({p.kind for p in val}):
        idx = [i for i, p in enumerate(val) if p.kind == kind]
        labels = [bool(val[i].label) for i in idx]
        scores = [probs[i] for i in idx]
        if len(set(labels)) == 2:
            report[f"{kind}_auc"] = round(roc_auc(scores, labels), 4)
        else:
            report[f"{kind}_acc"] = round(
                sum((s >= 0.5) == y for s, y in zip(scores, labels, strict=True)) / len(idx), 4
            )
    neus = [i for i, p in enumerate(val) if p.kind not in ("summedits", "cliff")]
    report["neus_bacc"] = round(
        balanced_accuracy([probs[i] for i in neus], [bool(val[i].label) for i in neus], 0.5), 4
    )
    return report


def _save(state: dict, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, path)


def train(args: argparse.Namespace, train_path: Path, val_path: Path) -> Path:
    import torch

    from train.model import CrossEncoder

    ckpt = args.out / "ckpt.pt"
    final = args.out / "final.pt"
    if final.exists():
        return final
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    tok = tokenizer(args.max_len)
    pairs = balance(
        P.load(train_path), args.examples, args.positive_share, args.human_share, args.seed
    )
    val_all = P.load(val_path)
    val = random.Random(args.seed).sample(val_all, min(args.val_size, len(val_all)))
    order = batches(pairs, tok, args.batch_size, args.seed)
    total = len(order)
    model = CrossEncoder()
    # The word-embedding matrix is half the parameters: frozen, it gets no gradient and AdamW
    # skips it (no update), which saves time on 2 cores; the vocabulary keeps its pretrained sense.
    model.encoder.embeddings.word_embeddings.weight.requires_grad_(False)
    no_decay = ("bias", "LayerNorm.weight")
    groups = [
        {
            "params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)],
            "weight_decay": 0.01,
        },
        {
            "params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)],
            "weight_decay": 0.0,
        },
    ]
    optim = torch.optim.AdamW(groups, lr=args.lr)
    warmup = max(1, int(0.06 * total))
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        step = state["step"]
        torch.set_rng_state(state["torch_rng"])
        logger.info("resumed at step %d of %d", step, total)
    logger.info(
        "%d pairs, %d batches of %d, max_len %d", len(pairs), total, args.batch_size, args.max_len
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    model.train()
    started = last_save = time.monotonic()
    running, seen = 0.0, 0
    stop = min(total, args.max_steps or total)  # the schedule still spans all `total`
    while step < stop:
        batch = [pairs[i] for i in order[step]]
        ids, mask, types = tensors(batch, tok)
        labels = torch.tensor([float(p.label) for p in batch])
        loss = loss_fn(model(ids, mask, types), labels)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optim.step()
        sched.step()
        optim.zero_grad()
        step += 1
        running += loss.item()
        seen += 1
        elapsed = time.monotonic() - started
        if step % 20 == 0:
            logger.info(
                "step %d/%d loss %.4f lr %.2e %.1f ex/s",
                step,
                total,
                running / seen,
                sched.get_last_lr()[0],
                seen * args.batch_size / max(elapsed, 1e-9),
            )
        timed_out = args.max_minutes and elapsed > args.max_minutes * 60
        if time.monotonic() - last_save > args.checkpoint_minutes * 60 or step == stop or timed_out:
            _save(
                {
                    "model": model.state_dict(),
                    "optim": optim.state_dict(),
                    "sched": sched.state_dict(),
                    "step": step,
                    "torch_rng": torch.get_rng_state(),
                },
                ckpt,
            )
            last_save = time.monotonic()
            logger.info("checkpoint at step %d", step)
            if timed_out and step < total:
                logger.info("stopping: --max-minutes reached; run again to resume")
                return ckpt
    report = evaluate(model, val, tok)
    logger.info("validation %s", json.dumps(report))
    _save(
        {
            "model": model.state_dict(),
            "step": step,
            "validation": report,
            "args": {k: str(v) for k, v in vars(args).items()},
        },
        final,
    )
    return final


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="train the trained judge (see train/README.md)")
    parser.add_argument("--out", type=Path, required=True, help="work folder, outside the repo")
    parser.add_argument("--traindata", type=Path, default=SHARED / "traindata")
    parser.add_argument(
        "--evaldata",
        type=Path,
        default=SHARED / "evaldata",
        help="only cliff_goyal21_sentences.jsonl is read from here",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--examples", type=int, default=36000)
    parser.add_argument("--positive-share", type=float, default=0.45)
    parser.add_argument("--human-share", type=float, default=0.3)
    parser.add_argument("--summedits-repeat", type=int, default=2)
    parser.add_argument("--cliff-repeat", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--max-len", type=int, default=128)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--val-size", type=int, default=500)
    parser.add_argument("--checkpoint-minutes", type=float, default=4.0)
    parser.add_argument(
        "--max-minutes",
        type=float,
        default=0.0,
        help="stop (checkpointed) after this long; 0 = no limit",
    )
    parser.add_argument(
        "--max-steps",
        type=int,
        default=0,
        help="finish after this many steps (learning-rate schedule unchanged); 0 = all",
    )
    parser.add_argument("--no-export", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(message)s",
        handlers=[logging.StreamHandler(), logging.FileHandler(args.out / "train.log")],
    )
    if REPO in args.out.resolve().parents and "model" not in args.out.parts:
        logger.warning("--out is inside the repository: keep training files out of git")
    train_path, val_path = build_pairs(args)
    final = train(args, train_path, val_path)
    if final.name == "final.pt" and not args.no_export:
        from train.export import export

        export(final, args.out / "model", max_len=args.max_len)
    logger.info("done in %s", args.out)


if __name__ == "__main__":
    main()
