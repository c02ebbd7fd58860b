"""Use cases check their own rules: a caller that skips the API's views (a page, a command)
meets the same refusals, recorded the same way, and the one exception handler answers them with
the body API.md describes."""

from typing import Any

import pytest
from django.contrib.auth.models import User

from audit import services as audit_services
from audit.models import AuditEvent
from audit.record import RequestContext
from config.api import exception_handler
from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound
from permissions import acl
from permissions import services as account_services
from permissions.models import AccessControlEntry
from repository.models import Document, HoldTarget, LegalHold
from repository.services import holds
from repository.services.documents import (
    delete_document,
    lock_document,
    unlock_document,
    update_document,
)
from repository.services.links import add_link

pytestmark = pytest.mark.rolled_back


def _as(user: User | None) -> RequestContext:
    return RequestContext(user=user)


def _alices_document(users: dict[str, User]) -> Document:
    return Document.objects.create(title="contract", owner=users["alice"])


def _refusals(username: str) -> list[dict[str, Any]]:
    events = AuditEvent.objects.filter(action="access_denied", actor_username=username)
    return [event.details for event in events]


def test_a_document_out_of_sight_is_missing_to_every_use_case(users: dict[str, User]) -> None:
    document = _alices_document(users)
    bob = _as(users["bob"])
    attempts = [
        lambda: update_document(context=bob, document=document, changes={"title": "mine"}),
        lambda: delete_document(context=bob, document=document),
        lambda: lock_document(context=bob, document=document),
        lambda: add_link(
            context=bob, document=document, target_type="document", target_id=1, relation="x"
        ),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    document.refresh_from_db()
    assert (document.title, document.is_deleted, document.locked_by_id) == ("contract", False, None)
    assert {details["reason"] for details in _refusals("bob")} == {"not_visible"}


def test_viewing_a_document_is_not_editing_or_deleting_it(users: dict[str, User]) -> None:
    document = _alices_document(users)
    AccessControlEntry.objects.create(
        document=document, principal="user:bob", permission="view", effect="allow"
    )
    bob = _as(users["bob"])
    with pytest.raises(Forbidden) as refused:
        update_document(context=bob, document=document, changes={"title": "mine"})
    assert (refused.value.status, refused.value.code) == (403, "permission_denied")
    with pytest.raises(Forbidden):
        delete_document(context=bob, document=document)
    with pytest.raises(Forbidden):
        lock_document(context=bob, document=document)
    document.refresh_from_db()
    assert (document.title, document.is_deleted, document.locked_by_id) == ("contract", False, None)
    assert [details["permission"] for details in _refusals("bob")] == ["edit", "delete", "edit"]


def test_an_administrator_releases_anyones_lock_its_holder_only_their_own(
    users: dict[str, User],
) -> None:
    document = _alices_document(users)
    for permission in ("view", "edit"):
        AccessControlEntry.objects.create(
            document=document, principal="user:bob", permission=permission, effect="allow"
        )
    lock_document(context=_as(users["alice"]), document=document)
    with pytest.raises(Conflict) as refused:
        unlock_document(context=_as(users["bob"]), document=document)
    assert refused.value.body() == {
        "detail": "The document is locked by alice.",
        "code": "locked",
        "locked_by": "alice",
    }
    unlock_document(context=_as(users["admin"]), document=document)
    document.refresh_from_db()
    assert document.locked_by_id is None


def test_holds_and_the_audit_trail_are_for_records_managers(users: dict[str, User]) -> None:
    document = _alices_document(users)
    alice, rita = _as(users["alice"]), _as(users["rita"])
    with pytest.raises(Forbidden) as refused:
        holds.place_hold(
            context=alice, object_type=HoldTarget.DOCUMENT, object_id=document.pk, reason="x"
        )
    assert refused.value.code == "records_manager_only"
    with pytest.raises(Forbidden):
        audit_services.find_events(actor=users["alice"], params={})
    with pytest.raises(Forbidden):
        audit_services.verify(actor=users["alice"])
    assert not LegalHold.objects.exists()
    hold = holds.place_hold(
        context=rita, object_type=HoldTarget.DOCUMENT, object_id=document.pk, reason="audit"
    )
    with pytest.raises(Forbidden):
        holds.lift_hold(context=alice, hold=hold)
    assert audit_services.verify(actor=users["rita"]).ok
    assert (
        audit_services.find_events(actor=users["rita"], params={"action": "hold.place"}).count()
        == 1
    )


def test_replacing_an_acl_needs_manage_acl_on_it(users: dict[str, User]) -> None:
    document = _alices_document(users)
    for permission in ("view", "edit"):
        AccessControlEntry.objects.create(
            document=document, principal="user:bob", permission=permission, effect="allow"
        )
    grant = [{"principal": "user:bob", "permissions": ["manage_acl"], "effect": "allow"}]
    with pytest.raises(Forbidden):
        acl.set_acl(context=_as(users["bob"]), target=document, inherit=True, entries=grant)
    with pytest.raises(Forbidden):
        acl.acl_of(actor=users["bob"], target=document)
    assert not AccessControlEntry.objects.filter(permission="manage_acl").exists()


def test_accounts_are_administered_by_administrators_or_the_process_itself(
    users: dict[str, User],
) -> None:
    with pytest.raises(Forbidden) as refused:
        account_services.create_user(
            context=_as(users["alice"]), data={"username": "eve", "password": "eve-pass-123!"}
        )
    assert refused.value.code == "admin_only"
    with pytest.raises(Forbidden):
        account_services.create_group(context=_as(users["alice"]), name="mine", members=[])
    account_services.create_group(context=RequestContext.system(), name="staff", members=[])
    assert not User.objects.filter(username="eve").exists()


def test_the_one_handler_answers_a_domain_error_with_its_status_code_and_fields() -> None:
    conflict = Conflict("An identical document already exists.", "duplicate", duplicate_of=7)
    response = exception_handler(conflict, {})
    assert response is not None and response.status_code == 409 == conflict.status
    assert response.data == {
        "detail": "An identical document already exists.",
        "code": "duplicate",
        "duplicate_of": 7,
    }
    invalid = Invalid({"title": ["Too long."], "tags": ["Too many.", "Blank."]})
    response = exception_handler(invalid, {})
    assert response is not None and response.status_code == 400
    assert response.data == {
        "detail": "title: Too long.; tags: Too many. Blank.",
        "code": "invalid",
        "errors": {"title": ["Too long."], "tags": ["Too many.", "Blank."]},
    }
    statuses = {cls.__name__: cls.status for cls in DomainError.__subclasses__()}
    assert statuses["NotFound"] == 404 and statuses["Unavailable"] == 503
