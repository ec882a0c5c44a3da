"""Near-duplicate detection: the same wire story republished by several outlets.

MinHash over word 5-shingles (datasketch) estimates Jaccard similarity in constant space per
article, and an LSH index finds candidates without comparing every pair. Duplicates are
*linked*, never dropped: both articles stay, and the later one records ``duplicate_of`` so that
retrieval and story ranking count the wire copy once, not as independent confirmation.
"""

from __future__ import annotations

import base64
import re

import numpy as np
from datasketch import MinHash, MinHashLSH

from digest.config import NEAR_DUPLICATE_THRESHOLD

NUM_PERM = 128
SHINGLE = 5
_WORD = re.compile(r"\w+", re.UNICODE)


def signature(text: str) -> MinHash:
    words = _WORD.findall(text.lower())
    shingles = {" ".join(words[i : i + SHINGLE]) for i in range(max(1, len(words) - SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, scheme="affine32")
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


def encode(mh: MinHash) -> str:
    """Compact string form for Chroma metadata (hash values fit in 32 bits)."""
    return base64.b64encode(mh.hashvalues.astype(np.uint32).tobytes()).decode("ascii")


def decode(value: str) -> MinHash | None:
    try:
        values = np.frombuffer(base64.b64decode(value), dtype=np.uint32).copy()
    except ValueError:
        return None
    if len(values) != NUM_PERM:
        return None
    return MinHash(num_perm=NUM_PERM, hashvalues=values, scheme="affine32")


class DuplicateIndex:
    """Finds, for a new article, the earliest stored article it near-duplicates."""

    def __init__(self, threshold: float = NEAR_DUPLICATE_THRESHOLD) -> None:
        self._threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._hashes: dict[str, MinHash] = {}
        self._canonical: dict[str, str] = {}

    def add(self, key: str, mh: MinHash, duplicate_of: str | None = None) -> None:
        if key in self._hashes:
            self._lsh.remove(key)
        self._lsh.insert(key, mh)
        self._hashes[key] = mh
        self._canonical[key] = duplicate_of or key

    def find(self, key: str, mh: MinHash) -> tuple[str, float] | None:
        """The canonical article this one duplicates, with estimated Jaccard, or None."""
        best: tuple[str, float] | None = None
        for other in self._lsh.query(mh):
            # An edited original must not be linked to its own copy (a self-link).
            if other == key or self._canonical.get(other) == key:
                continue
            score = mh.jaccard(self._hashes[other])
            if score >= self._threshold and (best is None or score > best[1]):
                best = (self._canonical.get(other, other), score)
        return best
