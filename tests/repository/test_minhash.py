"""MinHash signatures: deterministic, blind to case, spacing and punctuation, and estimating
the Jaccard similarity of the texts' shingle sets."""

import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from repository import minhash

VOCABULARY = (
    "invoice payment customer order delivery amount total due date account bank transfer "
    "contract period service product quantity price tax net gross reference number address "
    "street city country phone email manager office department report annual quarter budget"
)
WORDS = VOCABULARY.split(" ")


def text_of(words: int, seed: int) -> str:
    chosen = random.Random(seed)
    return " ".join(chosen.choice(WORDS) for _ in range(words))


def edited(text: str, edits: int, seed: int) -> str:
    chosen = random.Random(seed)
    words = text.split()
    for _ in range(edits):
        words[chosen.randrange(len(words))] = chosen.choice(WORDS)
    return " ".join(words)


def test_case_spacing_and_punctuation_do_not_change_the_signature() -> None:
    text = "Invoice No. 42 — to ACME GmbH, for services rendered in March; total due: 1,200 EUR."
    retyped = "invoice no 42  to acme gmbh\nfor services rendered in march total due 1 200 eur"
    first, second = minhash.signature(text), minhash.signature(retyped)
    assert first is not None and second is not None
    assert minhash.similarity(first, second) == 1.0
    assert minhash.band_hashes(first) == minhash.band_hashes(second)


def test_a_signature_is_the_same_in_every_process() -> None:
    """Fixed values: a change of seed or hashing would strand every stored signature."""
    signature = minhash.signature("the quick brown fox jumps over the lazy dog " * 3)
    assert signature is not None
    assert signature.dtype == np.uint32 and len(signature) == minhash.PERMUTATIONS
    assert minhash.from_bytes(minhash.to_bytes(signature)).tolist() == signature.tolist()
    again = minhash.signature("The quick brown fox jumps over the lazy dog. " * 3)
    assert again is not None and again.tolist() == signature.tolist()


def test_a_text_too_short_has_no_signature() -> None:
    assert minhash.signature("") is None
    assert minhash.signature("Hello world") is None
    assert minhash.signature("!!! ... ---" * 20) is None


def test_bands_differ_by_their_number() -> None:
    """Equal values in two different bands do not make a candidate."""
    signature = np.zeros(minhash.PERMUTATIONS, dtype=np.uint32)
    hashes = minhash.band_hashes(signature)
    assert len(hashes) == minhash.BANDS and len(set(hashes)) == minhash.BANDS


def test_unrelated_texts_are_far_apart_and_copies_close() -> None:
    original = text_of(300, seed=1)
    copy = minhash.signature(edited(original, 3, seed=2))
    other = minhash.signature(text_of(300, seed=3))
    signed = minhash.signature(original)
    assert signed is not None and copy is not None and other is not None
    assert minhash.similarity(signed, copy) >= 0.85
    assert minhash.similarity(signed, other) < 0.5  # a small vocabulary: J is about 0.3


@settings(max_examples=40, deadline=None)
@given(
    words=st.integers(min_value=30, max_value=400),
    edits=st.integers(min_value=0, max_value=60),
    seed=st.integers(min_value=0, max_value=10_000),
)
def test_the_estimate_follows_the_jaccard_similarity(words: int, edits: int, seed: int) -> None:
    """128 permutations: the estimate's standard error is at most 0.045; 0.2 is > 4 of them."""
    first = text_of(words, seed)
    second = edited(first, min(edits, words), seed + 1)
    left, right = minhash.signature(first), minhash.signature(second)
    assert left is not None and right is not None
    assert abs(minhash.similarity(left, right) - minhash.jaccard(first, second)) <= 0.2
