"""On PostgreSQL, registrations sent at the same moment get unique, gapless numbers: the
journal's counter row for the year is locked and advanced in each registration's transaction.

Each request runs in a thread of its own (its own connection) through the API, released
together by a barrier. Two of them register the same document, so one meets the other's
registration (409) and must use no number.
"""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from lifecycle.models import Journal, JournalCounter, Registration
from tests.permissions.acl_helpers import make_document

DOCUMENTS = 10
ROUNDS = 3


def _register_together(
    client_for: Callable[[str], APIClient], documents: list[int]
) -> tuple[list[tuple[int, int, dict[str, Any]]], list[str]]:
    start = threading.Barrier(len(documents))
    answers: list[tuple[int, int, dict[str, Any]]] = []
    failures: list[str] = []

    def register(document: int) -> None:
        try:
            client = client_for("alice")
            start.wait(timeout=30)
            response = client.post(
                f"/api/v1/documents/{document}/register/", {"journal": "IN"}, format="json"
            )
            answers.append((document, response.status_code, response.json()))
        except Exception as error:  # reported below, not lost in the thread
            failures.append(f"{error.__class__.__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(d,)) for d in documents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers, failures


@pytest.mark.production_only
@pytest.mark.timeout(300)
def test_simultaneous_registrations_get_unique_gapless_numbers(
    alice: APIClient, client_for: Callable[[str], APIClient]
) -> None:
    assert connection.vendor == "postgresql"
    Journal.objects.get_or_create(
        code="IN", defaults={"name": "Incoming", "format": "{code}-{year}-{number:06d}"}
    )
    year = timezone.localtime().year
    given = 0
    for round_number in range(ROUNDS):
        documents = [make_document(alice, f"r{round_number} d{n}") for n in range(DOCUMENTS)]
        # The first document twice: one of the two must be refused.
        answers, failures = _register_together(client_for, [documents[0], *documents])
        assert failures == []
        statuses = sorted(status for _, status, _ in answers)
        assert statuses == [201] * DOCUMENTS + [409], answers

        numbers = sorted(body["number"] for _, status, body in answers if status == 201)
        expected = [f"IN-{year}-{n:06d}" for n in range(given + 1, given + DOCUMENTS + 1)]
        assert numbers == expected  # unique, and no number skipped
        given += DOCUMENTS
        for document, status, body in answers:
            if status == 201:
                registration = Registration.objects.get(number=body["number"])
                assert registration.document_id == document
    counter = JournalCounter.objects.get(journal__code="IN", year=year)
    assert counter.last_number == given == Registration.objects.count()
