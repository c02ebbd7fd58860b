"""What the index holds for a document, built from the database (the source of truth).

Searchable: title, metadata values, tags, registration numbers (of every journal), the names of
linked CRM records, and the current version's extracted text. Filterable: type, status, tags, owner,
folder, links, creation time, and who may view the document, as the terms of
`permissions.index_terms` (per principal named in its ACLs, never per user).
"""

import functools
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from django.conf import settings

from crm.models import record_names
from lifecycle.models import Registration
from permissions.index_terms import index_terms_many
from repository.models import Document

LANGUAGES = ("en", "ru", "de", "fr", "es")
OTHER_LANGUAGE = "other"
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LETTERS = re.compile(r"[^\W\d_]")


@dataclass
class IndexRecord:
    """One document as indexed; `is_live` False is a tombstone that keeps the version."""

    id: int
    is_live: bool = True
    title: str = ""
    text: str = ""
    meta: str = ""
    language: str = OTHER_LANGUAGE
    document_type: str = ""
    status: str = ""
    tags: list[str] = field(default_factory=list)
    owner: str = ""
    folder: int | None = None
    created_at: datetime | None = None
    linked: list[str] = field(default_factory=list)
    viewers: list[str] = field(default_factory=list)  # `permissions.index_terms`

    @property
    def fingerprint(self) -> int:
        """A signed 64-bit digest of the content, to find stale index entries."""
        # JSON for the small fields only: escaping a long text into JSON costs far more
        # than hashing its bytes. The JSON never holds a raw NUL byte (json.dumps escapes
        # control characters), so the separator keeps the two parts apart.
        values = {item.name: getattr(self, item.name) for item in fields(self)}
        del values["text"]
        digest = hashlib.blake2b(digest_size=8)
        digest.update(json.dumps(values, default=str, sort_keys=True).encode())
        digest.update(b"\x00")
        # surrogatepass: any str encodes, and distinct strings give distinct bytes.
        digest.update(self.text.encode("utf-8", "surrogatepass"))
        return int.from_bytes(digest.digest(), "big", signed=True)


def tombstone(document_id: int) -> IndexRecord:
    return IndexRecord(id=document_id, is_live=False)


_STOPWORDS = {
    "en": "the and of to in is that for it with as was on be by this are from at or an which not "
    "have has were will would their they we you",
    "de": "der die und das ist nicht mit den von zu sich des auf für ein eine dem im auch sie es "
    "wird bei werden wir ich oder aus nach",
    "fr": "le la les des et est un une du que qui dans pour pas sur au avec par ce il sont nous "
    "vous aux ces mais ou été cette",
    "es": "el los las y que en un una es por con para del se no al lo como más su pero sus le "
    "ya fue muy este esta",
}
_STOPWORD_LANGUAGES: dict[str, list[str]] = {}
for _language, _words in _STOPWORDS.items():
    for _word in _words.split():
        _STOPWORD_LANGUAGES.setdefault(_word, []).append(_language)
_DISTINCT_LETTERS = {"de": "äöüßÄÖÜ", "fr": "èêàçœëîôùÈÊÀÇ", "es": "ñ¿¡ÑóíúÓÍÚ"}
_WORD = re.compile(r"[^\W\d_]+")


# langdetect's default is 7 random trials per text; the text that reaches it is the unclear,
# often mixed-language rest, where 3 trials decide as well at under half the cost.
LANGDETECT_TRIALS = 3


@functools.cache
def _language_detectors() -> Any:
    """langdetect's profiles, loaded once per process, with a fixed seed (same answers)."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)
    return factory


def warm_up() -> None:
    """Load the language profiles now (a worker does it before forking its pool)."""
    _language_detectors()


def detect_language(text: str) -> str:
    """One of LANGUAGES or "other". Cyrillic script and stopword counts answer at once (they
    cost microseconds, langdetect milliseconds); langdetect decides the unclear rest."""
    sample = text[:1000]
    letters = len(_LETTERS.findall(sample))
    if letters < 20:
        return OTHER_LANGUAGE
    if len(_CYRILLIC.findall(sample)) > letters / 2:
        return "ru"
    scores = dict.fromkeys(_STOPWORDS, 0)
    for word in _WORD.findall(sample.lower()):
        for language in _STOPWORD_LANGUAGES.get(word, ()):
            scores[language] += 1
    for language, letters_of_language in _DISTINCT_LETTERS.items():
        scores[language] += sum(sample.count(letter) for letter in letters_of_language)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if ranked[0][1] >= 2 and ranked[0][1] >= 1.5 * ranked[1][1]:
        return ranked[0][0]
    if sample.isascii():
        return "en"  # Latin script without a single accent: English is by far the likeliest
    from langdetect.lang_detect_exception import LangDetectException

    detector = _language_detectors().create()
    detector.n_trial = LANGDETECT_TRIALS
    try:
        detector.append(sample[:300])
        language = detector.detect()
    except LangDetectException:
        return OTHER_LANGUAGE
    return language if language in LANGUAGES else OTHER_LANGUAGE


def _flatten(value: Any) -> Iterable[str]:
    if isinstance(value, dict):
        for item in value.values():
            yield from _flatten(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _flatten(item)
    elif value is not None and not isinstance(value, bool):
        yield str(value)


def build_records(document_ids: Iterable[int]) -> list[IndexRecord]:
    """Current state of each document; a tombstone for trashed or missing ones."""
    wanted = sorted(set(document_ids))
    documents = {
        document.pk: document
        for document in Document.objects.filter(pk__in=wanted, is_deleted=False)
        .select_related("owner", "document_type", "current_version")
        .prefetch_related("tags", "links")
    }
    crm_pairs = [
        (link.target_type, link.target_id)
        for document in documents.values()
        for link in document.links.all()
        if link.target_type != "document"
    ]
    names = record_names(crm_pairs) if crm_pairs else {}
    numbers: dict[int, list[str]] = {}
    for registered, number in Registration.objects.filter(document_id__in=wanted).values_list(
        "document_id", "number"
    ):
        numbers.setdefault(registered, []).append(number)
    viewers = index_terms_many(documents.values())
    limit = settings.SEARCH_MAX_TEXT_CHARS
    records = []
    for document_id in wanted:
        document = documents.get(document_id)
        if document is None:
            records.append(tombstone(document_id))
            continue
        version = document.current_version
        text = (version.text if version is not None else "")[:limit]
        tags = sorted(tag.name for tag in document.tags.all())
        links = list(document.links.all())
        meta_parts = [
            *_flatten(document.metadata),
            *tags,
            document.registration_number or "",
            *(n for n in numbers.get(document.pk, []) if n != document.registration_number),
            *(names.get((link.target_type, link.target_id), "") for link in links),
        ]
        records.append(
            IndexRecord(
                id=document.pk,
                title=document.title,
                text=text,
                meta="\n".join(part for part in meta_parts if part),
                language=detect_language(text if len(text) >= 200 else f"{document.title}\n{text}"),
                document_type=document.document_type.slug if document.document_type else "",
                status=document.status,
                tags=tags,
                owner=document.owner.get_username(),
                folder=document.folder_id,
                created_at=document.created_at,
                linked=sorted({f"{link.target_type}:{link.target_id}" for link in links}),
                viewers=viewers[document.pk],
            )
        )
    return records
