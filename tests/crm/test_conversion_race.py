"""Two conversions of one lead at the same moment, on PostgreSQL, through the API: one converts,
the other answers 409, and one set of records exists (the lead's row is locked first)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from crm.models import Company, Contact, Deal, Lead
from tests.crm.helpers import CRM, create

CONVERSIONS = 4


@pytest.mark.production_only
@pytest.mark.timeout(120)
def test_simultaneous_conversions_create_one_set(
    client_for: Callable[[str], APIClient],
) -> None:
    assert connection.vendor == "postgresql"
    lead = create(client_for("alice"), "leads", title="Chairs", name="Ann", company_title="Acme")
    start = threading.Barrier(CONVERSIONS)
    statuses: list[int] = []
    failures: list[str] = []

    def convert() -> None:
        try:
            client = client_for("alice")
            start.wait(timeout=30)
            response = client.post(
                f"{CRM}/leads/{lead['id']}/convert/",
                {"create": ["contact", "company", "deal"]},
                format="json",
            )
            statuses.append(response.status_code)
        except Exception as error:  # reported below, not lost in the thread
            failures.append(f"{error.__class__.__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=convert) for _ in range(CONVERSIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert sorted(statuses) == [201] + [409] * (CONVERSIONS - 1)
    assert (Contact.objects.count(), Company.objects.count(), Deal.objects.count()) == (1, 1, 1)
    converted: Any = Lead.objects.get(pk=lead["id"])
    assert converted.converted_deal_id == Deal.objects.get().pk
