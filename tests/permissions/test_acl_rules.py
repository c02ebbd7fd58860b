"""The ACL rule: inheritance, deny vs allow by level, inherit: false, owners, administrators."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User
from rest_framework.test import APIClient

from permissions.codes import Permission
from permissions.explain import explain
from permissions.selectors import can, documents_for, folders_for
from repository.models import Document
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder, visible_ids

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

ALL = [p.value for p in Permission]


def test_folder_grant_is_inherited_down_the_tree(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """A view grant on a folder reaches documents in its subfolders; nothing else is visible."""
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    deep = make_document(alice, "deep", sub)
    other = make_document(alice, "other")
    assert visible_ids(bob) == set()
    grant(alice, "folders", top, entry("user:bob", "view"))
    assert visible_ids(bob) == {deep}
    assert bob.get(f"/api/v1/documents/{deep}/").status_code == 200
    assert bob.get(f"/api/v1/documents/{other}/").status_code == 404
    assert bob.get(f"/api/v1/documents/{deep}/download/").status_code == 403
    folders = {item["id"] for item in bob.get("/api/v1/folders/").json()["results"]}
    assert folders == {top, sub}


def test_deny_beats_allow_at_the_same_level(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    """bob is allowed as himself and denied as `everyone` on the same folder: denied."""
    top = make_folder(alice, "Top")
    document = make_document(alice, "d", top)
    grant(
        alice, "folders", top, entry("user:bob", "view"), entry("everyone", "view", effect="deny")
    )
    assert document not in visible_ids(bob)


def test_deny_beats_an_allow_further_up(
    alice: APIClient, client_for: Callable[[str], APIClient], users
) -> None:  # type: ignore[no-untyped-def]
    """sales may view the top folder, but a deny on a subfolder hides what is below it."""
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    kept = make_document(alice, "kept", top)
    hidden = make_document(alice, "hidden", sub)
    carol = User.objects.create_user("carol", password="carol-pass-1")
    Group.objects.get(name="sales").user_set.add(carol)
    grant(alice, "folders", top, entry("group:sales", "view"))
    grant(alice, "folders", sub, entry("user:carol", "view", effect="deny"))
    carol_docs = set(documents_for(carol).values_list("pk", flat=True))
    assert carol_docs == {kept}
    assert hidden not in carol_docs


def test_nearer_allow_regrants_what_a_deny_above_took(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    in_top = make_document(alice, "in top", top)
    in_sub = make_document(alice, "in sub", sub)
    grant(alice, "folders", top, entry("everyone", "view", effect="deny"))
    grant(alice, "folders", sub, entry("user:bob", "view"))
    assert visible_ids(bob) == {in_sub}
    assert in_top not in visible_ids(bob)


def test_entry_on_the_document_beats_inherited_ones(
    alice: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    denied_here = make_document(alice, "no", top)
    allowed_here = make_document(alice, "yes")
    grant(alice, "folders", top, entry("user:bob", "view", "download"))
    grant(alice, "documents", denied_here, entry("user:bob", "view", effect="deny"))
    grant(alice, "documents", allowed_here, entry("user:bob", "view"))
    assert visible_ids(bob) == {allowed_here}
    # The document-level deny names only `view`; download is still inherited, but without view
    # the document is invisible, so every path answers 404.
    assert bob.get(f"/api/v1/documents/{denied_here}/download/").status_code == 404


def test_inherit_false_cuts_what_comes_from_above(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    walled = make_folder(alice, "Walled", top)
    below = make_folder(alice, "Below", walled)
    in_top = make_document(alice, "top doc", top)
    in_below = make_document(alice, "below doc", below)
    lone = make_document(alice, "lone", top)
    grant(alice, "folders", top, entry("user:bob", "view"))
    assert visible_ids(bob) == {in_top, in_below, lone}
    grant(alice, "folders", walled, inherit=False)
    assert visible_ids(bob) == {in_top, lone}
    grant(alice, "documents", lone, inherit=False)
    assert visible_ids(bob) == {in_top}
    grant(alice, "folders", walled, entry("user:bob", "view"), inherit=False)
    assert visible_ids(bob) == {in_top, in_below}


def test_moving_a_folder_changes_what_it_inherits(alice: APIClient, bob: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    shared = make_folder(alice, "Shared")
    private = make_folder(alice, "Private")
    sub = make_folder(alice, "Sub", private)
    document = make_document(alice, "d", sub)
    grant(alice, "folders", shared, entry("user:bob", "view"))
    assert visible_ids(bob) == set()
    assert (
        alice.patch(f"/api/v1/folders/{sub}/", {"parent": shared}, format="json").status_code == 200
    )
    assert visible_ids(bob) == {document}
    assert (
        alice.patch(f"/api/v1/folders/{sub}/", {"parent": private}, format="json").status_code
        == 200
    )
    assert visible_ids(bob) == set()


def test_group_membership_grants_and_revokes(
    alice: APIClient, admin: APIClient, bob: APIClient, users
) -> None:  # type: ignore[no-untyped-def]
    folder = make_folder(alice, "Sales")
    document = make_document(alice, "pitch", folder)
    grant(alice, "folders", folder, entry("group:sales", "view"))
    assert visible_ids(bob) == set()
    admin.patch("/api/v1/users/bob/", {"groups": ["sales"]}, format="json")
    assert visible_ids(bob) == {document}
    admin.patch("/api/v1/users/bob/", {"groups": []}, format="json")
    assert visible_ids(bob) == set()


def test_role_principal(alice: APIClient, client_for: Callable[[str], APIClient], users) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "retention policy")
    grant(alice, "documents", document, entry("role:records_manager", "view"))
    assert visible_ids(client_for("rita")) == {document}
    assert visible_ids(client_for("bob")) == set()


def test_owner_holds_everything_until_an_administrator_says_otherwise(
    alice: APIClient,
    admin: APIClient,
    users,  # type: ignore[no-untyped-def]
) -> None:
    document = make_document(alice, "mine")
    # Entries, even a deny naming the owner, do not take the owner's rights away...
    grant(alice, "documents", document, entry("user:alice", *ALL, effect="deny"))
    assert document in visible_ids(alice)
    assert alice.get(f"/api/v1/documents/{document}/permissions/").json()["permissions"] == ALL
    # ...only an administrator switching owner_rights off does.
    refused = alice.put(
        f"/api/v1/documents/{document}/acl/", {"entries": [], "owner_rights": False}, format="json"
    )
    assert refused.status_code == 403
    switched = admin.put(
        f"/api/v1/documents/{document}/acl/",
        {"entries": [entry("user:alice", "view")], "owner_rights": False},
        format="json",
    )
    assert switched.status_code == 200, switched.content
    assert alice.get(f"/api/v1/documents/{document}/permissions/").json()["permissions"] == ["view"]
    assert alice.get(f"/api/v1/documents/{document}/download/").status_code == 403


def test_administrators_see_everything(alice: APIClient, admin: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    document = make_document(alice, "secret")
    grant(alice, "documents", document, entry("everyone", *ALL, effect="deny"))
    assert document in visible_ids(admin)
    assert admin.get(f"/api/v1/documents/{document}/download/").status_code == 200


def test_list_and_object_checks_agree_with_the_explanation(
    alice: APIClient,
    client_for: Callable[[str], APIClient],
    users,  # type: ignore[no-untyped-def]
) -> None:
    """For every document and permission, `can()`, `documents_for()` and `explain()` agree."""
    top = make_folder(alice, "Top")
    mid = make_folder(alice, "Mid", top)
    low = make_folder(alice, "Low", mid)
    docs = [
        make_document(alice, f"d{i}", folder) for i, folder in enumerate([None, top, mid, low, low])
    ]
    grant(
        alice, "folders", top, entry("group:sales", "view", "download"), entry("user:bob", "edit")
    )
    grant(
        alice,
        "folders",
        mid,
        entry("everyone", "download", effect="deny"),
        entry("user:bob", "view"),
    )
    grant(alice, "folders", low, entry("user:bob", "download"), inherit=False)
    grant(
        alice,
        "documents",
        docs[4],
        entry("group:sales", "view", effect="deny"),
        entry("user:bob", "approve"),
    )
    carol = User.objects.create_user("carol")
    Group.objects.get(name="sales").user_set.add(users["bob"], carol)
    for user in (users["bob"], carol, users["alice"], users["rita"]):
        for permission in ALL:
            listed = set(documents_for(user, permission).values_list("pk", flat=True))
            for document_id in docs:
                document = Document.objects.get(pk=document_id)
                explained = permission in explain(user, document)["permissions"]
                assert (document_id in listed) == can(user, permission, document) == explained, (
                    user.username,
                    permission,
                    document_id,
                )


def test_folder_visibility_follows_the_same_rule(alice: APIClient, users) -> None:  # type: ignore[no-untyped-def]
    top = make_folder(alice, "Top")
    sub = make_folder(alice, "Sub", top)
    grant(alice, "folders", top, entry("user:bob", "view"))
    grant(alice, "folders", sub, entry("user:bob", "view", effect="deny"))
    assert set(folders_for(users["bob"]).values_list("pk", flat=True)) == {top}
