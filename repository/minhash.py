"""MinHash signatures of extracted text and their LSH bands: near duplicates without a scan.

A text becomes a set of shingles (every run of `SHINGLE_CHARS` characters of the text after
case, punctuation and whitespace are normalised); its signature is the minimum of each of
`PERMUTATIONS` universal hash functions over that set, so two signatures agree in a position
with a probability equal to the Jaccard similarity of the two sets. The signature is cut into
`BANDS` bands of `ROWS` values; texts sharing any band hash are candidates (an indexed lookup),
confirmed by the share of equal positions, the estimated similarity.

Character shingles rather than word shingles: a re-typed letter differs in a few letters here
and there, and one typo changes only the shingles that cover it, not every run of words around
it. Everything here is deterministic (fixed seed, no process-salted hashing): signatures stored
by one process are compared in another.
"""

import hashlib
import re
import unicodedata

import numpy as np
import numpy.typing as npt

SHINGLE_CHARS = 7
PERMUTATIONS = 128
BANDS = 32
ROWS = PERMUTATIONS // BANDS
# Texts with fewer shingles get no signature: two short notes alike in a few words are not
# duplicates in any useful sense.
MIN_SHINGLES = 32
# Only the start of a very long text is signed; the signature's cost grows with its length.
MAX_CHARS = 1_000_000

# Multiply-add-shift hashing of 32-bit keys (Dietzfelbinger): the high 32 bits of a*x + b
# modulo 2**64, a 2-universal family that numpy computes without a division.
_random = np.random.default_rng(20261128)
_A = _random.integers(0, 1 << 64, size=PERMUTATIONS, dtype=np.uint64, endpoint=False)[:, None]
_B = _random.integers(0, 1 << 64, size=PERMUTATIONS, dtype=np.uint64, endpoint=False)[:, None]
_HIGH = np.uint64(32)
_POWERS = np.array(
    [pow(1_000_003, i, 1 << 64) for i in range(SHINGLE_CHARS - 1, -1, -1)], dtype=np.uint64
)
_CHUNK = 4096

_NOT_WORD = re.compile(r"[\W_]+")

Signature = npt.NDArray[np.uint32]


def normalise(text: str) -> str:
    """Case-folded words (letters and digits) separated by single spaces."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub(" ", folded).strip()


def shingle_hashes(text: str) -> npt.NDArray[np.uint32]:
    """The distinct 32-bit hashes of the text's shingles (sorted)."""
    normal = normalise(text)[:MAX_CHARS]
    if len(normal) < SHINGLE_CHARS:
        return np.empty(0, dtype=np.uint32)
    codes = np.frombuffer(normal.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE_CHARS)
    with np.errstate(over="ignore"):
        # A polynomial hash of each window (wrapping at 2**64), then splitmix64's finaliser
        # so that neighbouring windows spread over all 32 bits kept.
        mixed = (windows * _POWERS).sum(axis=1, dtype=np.uint64)
        mixed ^= mixed >> np.uint64(30)
        mixed *= np.uint64(0xBF58476D1CE4E5B9)
        mixed ^= mixed >> np.uint64(27)
        mixed *= np.uint64(0x94D049BB133111EB)
        mixed ^= mixed >> np.uint64(31)
    return np.unique((mixed >> np.uint64(32)).astype(np.uint32))


def signature_of_hashes(hashes: npt.NDArray[np.uint32]) -> Signature | None:
    """The MinHash signature of a shingle set (None when it is too small to compare)."""
    if len(hashes) < MIN_SHINGLES:
        return None
    minimum = np.full(PERMUTATIONS, np.iinfo(np.uint64).max, dtype=np.uint64)
    values = hashes.astype(np.uint64)
    # One work array, computed in place: fresh temporaries of this size cost more in page
    # faults than the arithmetic.
    work = np.empty((PERMUTATIONS, min(len(values), _CHUNK)), dtype=np.uint64)
    for start in range(0, len(values), _CHUNK):
        chunk = values[None, start : start + _CHUNK]
        permuted = work[:, : chunk.shape[1]]
        np.multiply(_A, chunk, out=permuted)  # wraps at 2**64 by design
        np.add(permuted, _B, out=permuted)
        np.right_shift(permuted, _HIGH, out=permuted)
        np.minimum(minimum, permuted.min(axis=1), out=minimum)
    return minimum.astype(np.uint32)


def signature(text: str) -> Signature | None:
    return signature_of_hashes(shingle_hashes(text))


def band_hashes(signature: Signature) -> list[int]:
    """One signed 64-bit hash per band (its number is part of what is hashed)."""
    raw = signature.astype("<u4").tobytes()
    width = ROWS * 4
    hashes = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            raw[band * width : (band + 1) * width], digest_size=8, salt=band.to_bytes(16, "big")
        ).digest()
        hashes.append(int.from_bytes(digest, "big", signed=True))
    return hashes


def to_bytes(signature: Signature) -> bytes:
    return signature.astype("<u4").tobytes()


def from_bytes(raw: bytes | memoryview) -> Signature:
    return np.frombuffer(bytes(raw), dtype="<u4").astype(np.uint32)


def similarity(first: Signature, second: Signature) -> float:
    """The estimated Jaccard similarity: the share of positions where the signatures agree."""
    return float(np.count_nonzero(first == second)) / PERMUTATIONS


def jaccard_of_hashes(left: npt.NDArray[np.uint32], right: npt.NDArray[np.uint32]) -> float:
    """The exact Jaccard similarity of two shingle sets (as `shingle_hashes` gives them)."""
    shared = len(np.intersect1d(left, right, assume_unique=True))
    union = len(left) + len(right) - shared
    return shared / union if union else 0.0


def jaccard(first: str, second: str) -> float:
    """The exact Jaccard similarity of two texts' shingle sets."""
    return jaccard_of_hashes(shingle_hashes(first), shingle_hashes(second))
