"""Where a version's text signature is written: when its text is read (during the upload, by
the worker, or by `manage.py backfill_near_duplicates`).

Only the newest signed version of a document keeps its rows; lookups match current versions
only (`repository.near_duplicates`), so a document whose new version is still being read is
matched by nothing until that text is signed.
"""

from django.db import transaction

from repository import minhash
from repository.models import SignatureBand, TextSignature


def remember_text(*, version_id: int, document_id: int, text: str) -> None:
    """Sign the text and store the signature with its bands (in the caller's transaction)."""
    store_signature(
        version_id=version_id, document_id=document_id, signature=minhash.signature(text)
    )


def store_signature(
    *, version_id: int, document_id: int, signature: minhash.Signature | None
) -> None:
    """Replace the document's older signatures by this one (None: a text too short to sign)."""
    with transaction.atomic():
        TextSignature.objects.filter(document_id=document_id, version_id__lte=version_id).delete()
        if TextSignature.objects.filter(document_id=document_id).exists():
            return  # a newer version was signed meanwhile
        TextSignature.objects.create(
            version_id=version_id,
            document_id=document_id,
            minhashes=None if signature is None else minhash.to_bytes(signature),
        )
        if signature is None:
            return
        SignatureBand.objects.bulk_create(
            SignatureBand(
                signature_id=version_id, document_id=document_id, band_no=number, band_hash=value
            )
            for number, value in enumerate(minhash.band_hashes(signature))
        )
