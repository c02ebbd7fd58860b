"""Registration journals: administrators define them; a document's editor registers it.

A journal's numbers run gapless per journal and year: the year's counter row is locked and
advanced in the registration's own transaction, so a registration that fails gives its number
back and two at once wait for each other. A document is registered at most once per journal;
its `registration_number` is the number of its latest registration, and search finds it by
every number it was given (`search.records`).
"""

import re
import string
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Conflict, Invalid
from lifecycle.models import Journal, JournalCounter, Registration
from permissions.access import get_document, require_admin
from permissions.codes import Permission
from repository.models import Document
from repository.outbox import document_changed

CODE = re.compile(r"^[A-Z][A-Z0-9]{0,9}$")
CODE_RULE = "Capital letters and digits, starting with a letter, at most 10."
DEFAULT_FORMAT = "{code}-{year}-{number:06d}"
FORMAT_RULE = (
    "Text with the placeholders {code}, {year} and {number}, each once; {number} and {year} "
    "may be zero-padded, as {number:06d}."
)
# A zero-padded number or year: `{number:06d}`, `{year:04d}`, or plain `{number:d}`.
_PADDING = re.compile(r"^(0[1-9]\d?)?d?$")
_NUMBER_LENGTH = 64  # Registration.number and Document.registration_number
_LARGEST = {"code": "W" * 10, "year": 9999, "number": 9_999_999}


def format_errors(number_format: str) -> list[str]:
    """Why `number_format` cannot number a journal (nothing when it can).

    Each placeholder is required: without {year} or {number} numbers would repeat, without
    {code} two journals could give the same number. Only padding is allowed after a colon,
    so a format never reads attributes or builds huge strings.
    """
    try:
        parts = list(string.Formatter().parse(number_format))
    except ValueError as error:
        return [f"Not a valid format: {error}."]
    seen: list[str] = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if name not in _LARGEST:
            return [f"Unknown placeholder {{{name}}}. {FORMAT_RULE}"]
        if conversion or (spec and (name == "code" or not _PADDING.match(spec))):
            return [f"Only zero-padding is allowed in {{{name}}}. {FORMAT_RULE}"]
        seen.append(name)
    if sorted(seen) != sorted(_LARGEST):
        return [FORMAT_RULE]
    if len(number_format.format(**_LARGEST)) > _NUMBER_LENGTH:
        return [f"The numbers it makes would be longer than {_NUMBER_LENGTH} characters."]
    return []


def render_number(journal: Journal, year: int, sequence: int) -> str:
    return journal.format.format(code=journal.code, year=year, number=sequence)


def journals() -> QuerySet[Journal]:
    """Every journal: any user may see which exist, to register a document in one."""
    return Journal.objects.all()


def create_journal(
    *, context: RequestContext, code: str, name: str, number_format: str = DEFAULT_FORMAT
) -> Journal:
    """A new journal (administrators only); its codes and formats are checked here, whatever
    the caller."""
    require_admin(context.user)
    errors: dict[str, list[str]] = {}
    if not CODE.match(code):
        errors["code"] = [CODE_RULE]
    if not name.strip():
        errors["name"] = ["A journal needs a name."]
    if problems := format_errors(number_format):
        errors["format"] = problems
    if errors:
        raise Invalid(errors)
    try:
        with transaction.atomic():
            journal = Journal.objects.create(code=code, name=name.strip(), format=number_format)
            record(
                context,
                "journal.create",
                object_type="journal",
                object_id=journal.pk,
                details={"code": code, "name": journal.name, "format": number_format},
            )
    except IntegrityError:
        raise Conflict(f"A journal with code {code} exists.", code="duplicate_code") from None
    return journal


def _next_sequence(journal: Journal, year: int) -> int:
    """Advance the journal's counter for `year`, holding its row lock until the caller's
    transaction ends."""
    # Inserting the year's row when missing: a concurrent insert makes this one do nothing
    # (and wait for the other transaction), never fail.
    JournalCounter.objects.bulk_create(
        [JournalCounter(journal=journal, year=year)], ignore_conflicts=True
    )
    counter = JournalCounter.objects.select_for_update().get(journal=journal, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def register(*, context: RequestContext, document_id: Any, journal_code: Any) -> Registration:
    """Give the document the next number of the journal.

    Needs `edit` on the document (registering changes what the document shows and where it is
    found); 409 when it is already in that journal. The document row is locked first, then the
    counter, always in that order.
    """
    document = get_document(context.user, document_id, Permission.EDIT)
    journal = Journal.objects.filter(code=str(journal_code)).first()
    if journal is None:
        raise Invalid({"journal": [f"No journal {journal_code}."]}, code="does_not_exist")
    try:
        return _register(context, document, journal)
    except IntegrityError:
        # Formats are free text around the placeholders, so two journals' numbers can meet.
        raise Conflict(
            "The journal's next number is taken by another journal's; ask an administrator to "
            "change one of their formats.",
            code="number_taken",
        ) from None


def _register(context: RequestContext, document: Document, journal: Journal) -> Registration:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        existing = Registration.objects.filter(journal=journal, document=document).first()
        if existing is not None:
            raise Conflict(
                f"The document is registered in {journal.code} already, as {existing.number}.",
                code="already_registered",
            )
        registered_at = timezone.now()
        year = timezone.localtime(registered_at).year
        sequence = _next_sequence(journal, year)
        registration = Registration.objects.create(
            journal=journal,
            document=document,
            year=year,
            sequence=sequence,
            number=render_number(journal, year, sequence),
            registered_by=context.user,
            registered_at=registered_at,
        )
        document.registration_number = registration.number
        document.save(update_fields=["registration_number", "updated_at"])
        document_changed(document.pk)
        record(
            context,
            "document.register",
            object_type="document",
            object_id=document.pk,
            details={"journal": journal.code, "number": registration.number},
        )
    return registration


def registrations_of(*, actor: Any, document_id: Any) -> QuerySet[Registration]:
    """The document's registrations, oldest first (needs `view`)."""
    document = get_document(actor, document_id)
    return Registration.objects.filter(document=document).select_related("journal", "registered_by")
