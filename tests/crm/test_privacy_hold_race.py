"""On PostgreSQL, a legal hold placed while an erasure checks the holds is never slipped past:
the erasure locks the holds against new ones (`repository.services.holds.freeze_holds`), so it
waits for a hold being placed and then sees it.

A thread places the hold in a transaction it keeps open for a second; the erasure starts in
that second. Without the lock the erasure reads the holds as they stood (none) and erases.
"""

import threading
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection, transaction
from rest_framework.test import APIClient

from crm.models import Contact
from repository.models import LegalHold
from tests.crm.helpers import CRM, create
from tests.permissions.acl_helpers import make_document


@pytest.fixture
def rita(client_for: Callable[[str], APIClient]) -> APIClient:
    return client_for("rita")


@pytest.mark.production_only
@pytest.mark.timeout(120)
def test_a_hold_placed_while_an_erasure_checks_is_not_slipped_past(
    alice: APIClient, rita: APIClient
) -> None:
    assert connection.vendor == "postgresql"
    contact = create(
        alice,
        "contacts",
        name="Tomas",
        last_name="Racing",
        shared_with=["role:records_manager"],
    )
    document = make_document(alice, "Evidence")
    linked = alice.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": "contact", "target_id": contact["id"], "relation": "related"},
        format="json",
    )
    assert linked.status_code == 201, linked.content
    placed = threading.Event()
    release = threading.Event()
    failures: list[str] = []

    def hold() -> None:
        try:
            with transaction.atomic():
                LegalHold.objects.create(
                    object_type="document",
                    object_id=document,
                    reason="case Racing",
                    placed_by=User.objects.get(username="rita"),
                )
                placed.set()
                release.wait(timeout=30)
        except Exception as error:  # reported below, not lost in the thread
            failures.append(f"{error.__class__.__name__}: {error}")
        finally:
            connection.close()

    thread = threading.Thread(target=hold)
    thread.start()
    assert placed.wait(timeout=30)
    commit_later = threading.Timer(1.0, release.set)
    commit_later.start()
    erased = rita.post(f"{CRM}/contacts/{contact['id']}/erase/")
    thread.join(timeout=30)
    commit_later.cancel()
    assert not failures, failures
    assert erased.status_code == 409, erased.content
    assert erased.json()["code"] == "legal_hold"
    assert Contact.objects.get(pk=contact["id"]).last_name == "Racing"
