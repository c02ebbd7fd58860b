"""Near duplicates of a text among the documents a user may view: one indexed lookup of the
signature's LSH bands, candidates confirmed by their estimated similarity.

A candidate whose estimate lies within `BORDERLINE` of the threshold is decided by the exact
Jaccard similarity of the two texts' shingles instead (both texts read again): the estimate's
error would otherwise decide pairs close to the threshold at random.

The candidates are trimmed by `documents_for(user)` inside the query, before anything is
counted, cut or ranked, so what the answer holds, its order and its length depend only on
documents the user may view. Only a document's current version counts, and never a trashed
document.
"""

from collections import Counter
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Exists, OuterRef

from core.compiled import CompiledRows
from permissions import generation
from permissions.selectors import documents_for
from repository import minhash
from repository.models import SignatureBand, TextSignature, Version

# The most similar documents reported, and the candidates (by bands shared) confirmed.
MAX_REPORTED = 50
MAX_CANDIDATES = 2000
# About three standard errors of a 128-permutation estimate near 0.8.
BORDERLINE = 0.1


@lru_cache(maxsize=8)
def _signatures(alias: str) -> CompiledRows:
    """Stored signatures by version, compiled once per database (nothing in it depends on data)."""
    return CompiledRows(
        TextSignature.objects.using(alias).values("version_id", "document_id", "minhashes"),
        key="version_id",
    )


def _bands(user: Any) -> CompiledRows:
    """Bands of the current texts of documents `user` may view, by band hash.

    Compiled once per user and ACL generation, as `permissions.selectors.visible_rows` is: on
    this hot path building the query costs more than running it.
    """

    def compile_bands() -> CompiledRows:
        visible_current = documents_for(user).filter(
            pk=OuterRef("document_id"), current_version_id=OuterRef("signature_id")
        )
        return CompiledRows(
            SignatureBand.objects.filter(Exists(visible_current)).values(
                "band_hash", "signature_id", "document_id"
            ),
            key="band_hash",
        )

    return generation.cached(("near-duplicate-bands", user.pk), compile_bands)


def near_duplicates(
    user: Any,
    version_id: int | None,
    *,
    exclude: list[int] | None = None,
    threshold: float | None = None,
) -> list[dict[str, Any]]:
    """`[{"document", "kind": "near", "similarity"}]` for the version's text, best first."""
    if version_id is None:
        return []
    stored = _signatures(connection.alias).rows([version_id])
    if not stored or stored[0]["minhashes"] is None:
        return []
    return similar_documents(
        user,
        minhash.from_bytes(stored[0]["minhashes"]),
        exclude=[stored[0]["document_id"], *(exclude or [])],
        threshold=threshold,
        text=lambda: _text_of(version_id),
    )


def _text_of(version_id: int) -> str:
    return Version.objects.filter(pk=version_id).values_list("text", flat=True).first() or ""


def similar_documents(
    user: Any,
    signature: minhash.Signature,
    *,
    exclude: list[int] | None = None,
    threshold: float | None = None,
    text: Callable[[], str] | None = None,
) -> list[dict[str, Any]]:
    """Documents the user may view whose current text's signature is near this one; `text`
    gives the signed text, for the exact decision of borderline candidates (without it the
    estimate decides)."""
    if threshold is None:
        threshold = float(settings.KONTOR_NEAR_DUPLICATE_THRESHOLD)
    excluded = set(exclude or [])
    shared: Counter[int] = Counter()
    document_of: dict[int, int] = {}
    for band in _bands(user).rows(minhash.band_hashes(signature)):
        if band["document_id"] not in excluded:
            shared[band["signature_id"]] += 1
            document_of[band["signature_id"]] = band["document_id"]
    if not shared:
        return []
    # Ties broken by version id, so that the same data always gives the same candidates.
    candidates = sorted(shared, key=lambda version: (-shared[version], version))
    found: list[tuple[float, int]] = []
    borderline: dict[int, float] = {}
    for row in _signatures(connection.alias).rows(candidates[:MAX_CANDIDATES]):
        if row["minhashes"] is None:
            continue  # a text too short has no bands: never a candidate
        estimate = minhash.similarity(signature, minhash.from_bytes(row["minhashes"]))
        if text is not None and abs(estimate - threshold) < BORDERLINE:
            borderline[row["version_id"]] = estimate
        elif estimate >= threshold:
            found.append((estimate, document_of[row["version_id"]]))
    if borderline and text is not None:
        found += _exactly_near(text(), borderline, document_of, threshold)
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return [
        {"document": document, "kind": "near", "similarity": round(similarity, 3)}
        for similarity, document in found[:MAX_REPORTED]
    ]


def _exactly_near(
    text: str, versions: dict[int, float], document_of: dict[int, int], threshold: float
) -> list[tuple[float, int]]:
    """(exact similarity, document) of the versions whose text reaches the threshold."""
    mine = minhash.shingle_hashes(text)
    near = []
    for version_id, theirs in Version.objects.filter(pk__in=list(versions)).values_list(
        "pk", "text"
    ):
        similarity = minhash.jaccard_of_hashes(mine, minhash.shingle_hashes(theirs))
        if similarity >= threshold:
            near.append((similarity, document_of[version_id]))
    return near
