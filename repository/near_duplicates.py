"""Near duplicates of a text among the documents a user may view: one indexed lookup of the
signature's LSH bands, candidates confirmed by their estimated similarity.

The candidates are trimmed by `documents_for(user)` inside the query, before anything is
counted, cut or ranked, so what the answer holds, its order and its length depend only on
documents the user may view. Only a document's current version counts, and never a trashed
document.
"""

from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q

from permissions.selectors import documents_for
from repository import minhash
from repository.models import SignatureBand, TextSignature

# The most similar documents reported, and the candidates (by bands shared) confirmed.
MAX_REPORTED = 50
MAX_CANDIDATES = 2000


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
    stored = TextSignature.objects.filter(version_id=version_id).values_list(
        "minhashes", "document_id"
    )
    row = stored.first()
    if row is None or row[0] is None:
        return []
    return similar_documents(
        user,
        minhash.from_bytes(row[0]),
        exclude=[row[1], *(exclude or [])],
        threshold=threshold,
    )


def similar_documents(
    user: Any,
    signature: minhash.Signature,
    *,
    exclude: list[int] | None = None,
    threshold: float | None = None,
) -> list[dict[str, Any]]:
    """Documents the user may view whose current text's signature is near this one."""
    if threshold is None:
        threshold = float(settings.KONTOR_NEAR_DUPLICATE_THRESHOLD)
    shared_band = Q()
    for number, value in enumerate(minhash.band_hashes(signature)):
        shared_band |= Q(band_no=number, band_hash=value)
    visible_current = documents_for(user).filter(
        pk=OuterRef("document_id"), current_version_id=OuterRef("signature_id")
    )
    candidates = (
        SignatureBand.objects.filter(shared_band)
        .filter(Exists(visible_current))
        .exclude(document_id__in=exclude or [])
        .values("signature_id", "document_id")
        .annotate(shared=Count("id"))
        .order_by("-shared", "document_id")[:MAX_CANDIDATES]
    )
    document_of = {row["signature_id"]: row["document_id"] for row in candidates}
    if not document_of:
        return []
    found: list[tuple[float, int]] = []
    signed = TextSignature.objects.filter(pk__in=list(document_of))
    for version_id, raw in signed.values_list("pk", "minhashes"):
        if raw is None:
            continue  # a text too short has no bands: never a candidate
        similarity = minhash.similarity(signature, minhash.from_bytes(raw))
        if similarity >= threshold:
            found.append((similarity, document_of[version_id]))
    found.sort(key=lambda pair: (-pair[0], pair[1]))
    return [
        {"document": document, "kind": "near", "similarity": round(similarity, 3)}
        for similarity, document in found[:MAX_REPORTED]
    ]
