"""The administrator's pages: users, groups, roles and document types, through the API's services."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from permissions.models import RoleAssignment
from repository.models import DocumentType
from tests.permissions.acl_helpers import entry, grant, make_document
from tests.test_web_pages import sign_in
from tests.web.pages import body_rows, errors_of, page_client, submit

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

ADMIN_PAGES = [
    "/administration/",
    "/administration/users/",
    "/administration/users/bob/",
    "/administration/groups/",
    "/administration/groups/sales/",
    "/administration/roles/",
    "/administration/document-types/",
    "/administration/templates/",
]


def test_administration_answers_404_to_all_but_administrators(users: dict[str, User]) -> None:
    """A records manager is no administrator: the pages and their forms are not there for rita."""
    for name in ("alice", "rita"):
        client = Client()  # no CSRF check: the rule itself must refuse the POSTs
        client.force_login(users[name])
        assert 'href="/administration/"' not in client.get("/").content.decode()
        for path in ADMIN_PAGES:
            assert client.get(path).status_code == 404, (name, path)
        new_user = {"username": "eve", "password": "a-long-pass-phrase"}
        assert client.post("/administration/users/", new_user).status_code == 404
        promote = {"username": name, "role": "admin"}
        assert client.post("/administration/roles/", promote).status_code == 404
        assert client.post("/administration/groups/sales/", {"members": name}).status_code == 404
        new_type = {"slug": "memo", "name": "Memo"}
        assert client.post("/administration/document-types/", new_type).status_code == 404
    assert not User.objects.filter(username="eve").exists()
    assert not DocumentType.objects.exists()
    assert not RoleAssignment.objects.filter(role="admin").exists()
    assert AuditEvent.objects.filter(action="access_denied", object_type="").count() == 2 * 12

    admin = page_client(users["admin"])
    for path in ADMIN_PAGES:
        assert admin.get(path).status_code == 200, path
    index = admin.get("/administration/").content.decode()
    assert "<h1>Administration</h1>" in index
    assert 'aria-current="page">Administration</a>' in index
    for place in ("Journals", "Routes", "Templates"):
        assert f">{place}</h2>" in index
    assert "arrives with its issue" not in index
    assert 'href="/administration/journals/"' in index
    assert 'href="/administration/templates/"' in index
    assert 'href="/routes/"' in index


def test_a_user_created_in_a_group_signs_in_and_sees_what_the_group_may_see(
    alice: APIClient, users: dict[str, User]
) -> None:
    shared = make_document(alice, "sales plan")
    make_document(alice, "private notes")
    grant(alice, "documents", shared, entry("group:sales", "view"))
    admin = page_client(users["admin"])
    form = admin.get("/administration/users/").content.decode()
    for label in ("Username", "Password", "Email"):
        assert f">{label}</label>" in form
    assert "<legend>Groups</legend>" in form and "<legend>Roles</legend>" in form

    created = submit(
        admin,
        "/administration/users/",
        "/administration/users/",
        {
            "username": "dora",
            "password": "dora-long-pass-1",
            "email": "dora@example.com",
            "groups": ["sales"],
            "roles": ["records_manager"],
        },
    )

    assert created.status_code == 302  # type: ignore[attr-defined]
    listed = body_rows(admin.get("/administration/users/").content)
    assert ["dora", "dora@example.com", "sales", "records_manager", "Active"] in listed
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor_username, event.object_id) == ("admin", "dora")
    assert event.details == {"groups": ["sales"], "roles": ["records_manager"]}
    dora = Client(enforce_csrf_checks=True)
    assert sign_in(dora, "dora", "dora-long-pass-1") == "/"
    seen = dora.get("/api/v1/documents/").json()
    assert [item["id"] for item in seen["results"]] == [shared]


def test_a_bad_new_user_answers_the_form_again_and_creates_nothing(
    users: dict[str, User],
) -> None:
    admin = page_client(users["admin"])

    def create(**fields: object) -> object:
        return submit(admin, "/administration/users/", "/administration/users/", fields)

    weak = create(username="dora", password="123")
    taken = create(username="alice", password="a-long-pass-phrase")
    reserved = create(username="me", password="a-long-pass-phrase")
    spaced = create(username="two words", password="a-long-pass-phrase")
    no_group = create(username="dora", password="a-long-pass-phrase", groups=["ghosts"])

    assert weak.status_code == 400  # type: ignore[attr-defined]
    assert "This password is too short" in errors_of(weak.content)  # type: ignore[attr-defined]
    assert taken.status_code == 409  # type: ignore[attr-defined]
    assert "A user with that username exists." in errors_of(taken.content)  # type: ignore[attr-defined]
    assert reserved.status_code == 400  # type: ignore[attr-defined]
    assert "'me' is reserved." in errors_of(reserved.content)  # type: ignore[attr-defined]
    assert spaced.status_code == 400  # type: ignore[attr-defined]
    assert no_group.status_code == 400  # type: ignore[attr-defined]
    assert "Select a valid choice" in errors_of(no_group.content)  # type: ignore[attr-defined]
    assert 'value="dora"' in no_group.content.decode()  # type: ignore[attr-defined]
    assert "a-long-pass-phrase" not in no_group.content.decode()  # type: ignore[attr-defined]
    assert not User.objects.filter(username__in=["dora", "me", "two words"]).exists()
    assert not AuditEvent.objects.filter(action="user.create").exists()


def test_editing_a_user_sends_only_what_changed_and_signs_a_deactivated_user_out(
    users: dict[str, User],
) -> None:
    admin = page_client(users["admin"])
    bob = Client()
    bob.force_login(users["bob"])
    page = admin.get("/administration/users/bob/").content.decode()
    assert "<h1>bob</h1>" in page and ">Save user</button>" in page

    saved = submit(
        admin,
        "/administration/users/bob/",
        "/administration/users/bob/",
        {"email": "bob@example.com", "groups": ["sales"], "roles": ["records_manager"]},
    )

    assert saved.status_code == 302  # type: ignore[attr-defined]
    event = AuditEvent.objects.get(action="user.update")
    assert event.object_id == "bob"
    assert event.details == {
        "groups": ["sales"],
        "roles": ["records_manager"],
        "is_active": False,
        "credentials_revoked": True,
    }
    bob_row = User.objects.get(username="bob")
    assert not bob_row.is_active
    assert list(bob_row.groups.values_list("name", flat=True)) == ["sales"]
    assert bob.get("/").status_code == 302  # signed out: sent to the login page


def test_an_administrator_cannot_demote_or_deactivate_themselves_through_the_page(
    users: dict[str, User],
) -> None:
    RoleAssignment.objects.create(user=users["alice"], role="admin")
    alice = page_client(users["alice"])

    demoted = submit(
        alice,
        "/administration/users/alice/",
        "/administration/users/alice/",
        {"email": "alice@example.com", "groups": ["sales"], "roles": [], "is_active": "on"},
    )
    deactivated = submit(
        alice,
        "/administration/users/alice/",
        "/administration/users/alice/",
        {"email": "alice@example.com", "groups": ["sales"], "roles": ["admin"]},
    )
    unassigned = submit(
        alice,
        "/administration/roles/",
        "/administration/roles/remove/",
        {"username": "alice", "role": "admin"},
    )

    for response in (demoted, deactivated, unassigned):
        assert response.status_code == 409  # type: ignore[attr-defined]
        assert "Administrators cannot deactivate or demote themselves." in errors_of(
            response.content  # type: ignore[attr-defined]
        )
    assert RoleAssignment.objects.filter(user=users["alice"], role="admin").exists()
    assert User.objects.get(username="alice").is_active
    assert not AuditEvent.objects.filter(action="user.update").exists()


def test_roles_are_assigned_and_taken_away_as_the_api_does(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])

    assigned = submit(
        admin,
        "/administration/roles/",
        "/administration/roles/",
        {"username": "bob", "role": "auditor"},
    )
    listed = body_rows(admin.get("/administration/roles/").content)
    removed = submit(
        admin,
        "/administration/roles/",
        "/administration/roles/remove/",
        {"username": "rita", "role": "records_manager"},
    )
    bad_name = submit(
        admin,
        "/administration/roles/",
        "/administration/roles/",
        {"username": "bob", "role": "Big Boss"},
    )
    nobody = submit(
        admin,
        "/administration/roles/",
        "/administration/roles/",
        {"username": "ghost", "role": "x"},
    )

    assert assigned.status_code == 302  # type: ignore[attr-defined]
    assert ["auditor", "bob", "Remove"] in listed
    assert ["records_manager", "rita", "Remove"] in listed
    assert removed.status_code == 302  # type: ignore[attr-defined]
    assert not RoleAssignment.objects.filter(user=users["rita"]).exists()
    assert bad_name.status_code == 400  # type: ignore[attr-defined]
    assert "A role is lowercase letters" in errors_of(bad_name.content)  # type: ignore[attr-defined]
    assert nobody.status_code == 400  # type: ignore[attr-defined]
    assert "No user named ghost." in errors_of(nobody.content)  # type: ignore[attr-defined]
    events = AuditEvent.objects.filter(action="user.update").order_by("seq")
    assert [(e.object_id, e.details) for e in events] == [
        ("bob", {"roles": ["auditor"]}),
        ("rita", {"roles": []}),
    ]
    assert list(RoleAssignment.objects.values_list("role", flat=True)) == ["auditor"]


def test_groups_are_created_with_members_and_their_members_changed(
    users: dict[str, User],
) -> None:
    admin = page_client(users["admin"])

    created = submit(
        admin,
        "/administration/groups/",
        "/administration/groups/",
        {"name": "legal team", "members": "alice, bob"},
    )
    unknown = submit(
        admin,
        "/administration/groups/",
        "/administration/groups/",
        {"name": "x", "members": "ghost"},
    )
    taken = submit(admin, "/administration/groups/", "/administration/groups/", {"name": "sales"})
    changed = submit(
        admin,
        "/administration/groups/legal%20team/",
        "/administration/groups/legal%20team/",
        {"members": "rita"},
    )

    assert created.status_code == 302  # type: ignore[attr-defined]
    assert unknown.status_code == 400  # type: ignore[attr-defined]
    assert "Unknown users: ghost." in errors_of(unknown.content)  # type: ignore[attr-defined]
    assert taken.status_code == 409  # type: ignore[attr-defined]
    assert changed.status_code == 302  # type: ignore[attr-defined]
    group = Group.objects.get(name="legal team")
    assert list(group.user_set.values_list("username", flat=True)) == ["rita"]
    assert not Group.objects.filter(name="x").exists()
    events = AuditEvent.objects.filter(action__startswith="group.").order_by("seq")
    assert [(e.action, e.object_id, e.details) for e in events] == [
        ("group.create", "legal team", {"members": ["alice", "bob"]}),
        ("group.update", "legal team", {"members": ["rita"]}),
    ]
    rows = body_rows(admin.get("/administration/groups/").content)
    assert ["legal team", "rita"] in rows
    assert admin.get("/administration/groups/nobody/").status_code == 404


def test_a_document_type_is_created_through_the_audited_service(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])
    page = "/administration/document-types/"
    schema = '{"type": "object", "required": ["case"]}'

    created = submit(
        admin, page, page, {"slug": "contract", "name": "Contract", "metadata_schema": schema}
    )
    taken = submit(admin, page, page, {"slug": "contract", "name": "Again"})
    not_json = submit(admin, page, page, {"slug": "memo", "name": "Memo", "metadata_schema": "{"})
    not_a_schema = submit(
        admin, page, page, {"slug": "memo", "name": "Memo", "metadata_schema": '{"type": 5}'}
    )
    bad_slug = submit(admin, page, page, {"slug": "a b", "name": "Memo"})

    assert created.status_code == 302  # type: ignore[attr-defined]
    assert ["contract", "Contract", "Yes"] in body_rows(admin.get(page).content)
    event = AuditEvent.objects.get(action="document_type.create")
    assert event.actor_username == "admin"
    assert event.details == {"slug": "contract", "name": "Contract"}
    assert DocumentType.objects.get().metadata_schema == {"type": "object", "required": ["case"]}
    assert taken.status_code == 409  # type: ignore[attr-defined]
    assert "A document type with that slug exists." in errors_of(taken.content)  # type: ignore[attr-defined]
    for refused in (not_json, not_a_schema, bad_slug):
        assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "Not JSON" in errors_of(not_json.content)  # type: ignore[attr-defined]
    assert "Not a valid JSON Schema" in errors_of(not_a_schema.content)  # type: ignore[attr-defined]
    assert DocumentType.objects.count() == 1


def test_forms_refuse_a_post_without_the_csrf_token(users: dict[str, User]) -> None:
    admin = page_client(users["admin"])

    refused = admin.post(
        "/administration/users/", {"username": "dora", "password": "a-long-pass-phrase"}
    )

    assert refused.status_code == 403
    assert not User.objects.filter(username="dora").exists()
