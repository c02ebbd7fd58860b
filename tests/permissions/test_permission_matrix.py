"""Every API operation x every kind of caller, asserting the status.

Operations come from the same enumeration drf-spectacular builds the OpenAPI schema from, so a
new endpoint without a row in RULES fails this suite: add one (PUBLIC for operations that are
open to every authenticated caller by design).

CRM: the world's lead, contact, company and deal are alice's, shared with `group:legal` (bob):
those who see a record change it; its owner and administrators delete it; everyone else gets
404. Pipelines and custom fields are read by everyone and written by administrators.

Approval routes: the world's `reviewed` document (alice's, in the folder) is in review along
alice's `route`, its one step for `group:legal` (bob); `task` is that step's task, `run` the run.
Only the submitter (or an administrator) withdraws; only an approver decides, never an
administrator in another's name; the route's owner or an administrator reassigns.

Moves are PATCHes with a `folder` or `parent`, so they have rows of their own in MOVES, as have
the paths a legal hold must stop. A rule may name the audit event a successful call writes.

Callers: owner (alice, owns the folder and the document), granted (bob: every permission through
group `legal` on the folder), denied (carol: in `sales`, which may view, but denied everything by
name on the folder), viewer (dave: `sales`, view only), stranger (eve: no grants), records manager
(rita), administrator (admin).
"""

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from drf_spectacular.generators import EndpointEnumerator
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from audit.models import AuditEvent
from lifecycle.models import Journal
from repository.models import LegalHold
from tests.permissions.acl_helpers import entry, grant, make_document, make_folder
from tests.templating.helpers import docx_bytes

# Nothing here needs a commit: no job, thread or other connection reads the rows.
pytestmark = pytest.mark.rolled_back

ROLES = ("owner", "granted", "denied", "viewer", "stranger", "records_manager", "admin")
USERNAMES = {
    "owner": "alice",
    "granted": "bob",
    "denied": "carol",
    "viewer": "dave",
    "stranger": "eve",
    "records_manager": "rita",
    "admin": "admin",
}
ALL = ["view", "download", "edit", "delete", "approve", "manage_acl"]


def statuses(*codes: int) -> dict[str, int]:
    assert len(codes) == len(ROLES)
    return dict(zip(ROLES, codes, strict=True))


PUBLIC_200 = statuses(200, 200, 200, 200, 200, 200, 200)
PUBLIC_201 = statuses(201, 201, 201, 201, 201, 201, 201)
PUBLIC_204 = statuses(204, 204, 204, 204, 204, 204, 204)
READ = statuses(200, 200, 404, 200, 404, 404, 200)  # needs view
NOT_FOUND = statuses(404, 404, 404, 404, 404, 404, 404)


def needs(ok: int) -> dict[str, int]:
    """A permission beyond view: the viewer sees the object but is refused."""
    return statuses(ok, ok, 404, 403, 404, 404, ok)


def crm_shared(ok: int) -> dict[str, int]:
    """A CRM record of alice's shared with `group:legal`: she, bob and administrators."""
    return statuses(ok, ok, 404, 404, 404, 404, ok)


def crm_owner(ok: int) -> dict[str, int]:
    """Deleting a CRM record: its owner and administrators; bob sees it but is refused."""
    return statuses(ok, 403, 404, 404, 404, 404, ok)


def admins_only(ok: int) -> dict[str, int]:
    return statuses(403, 403, 403, 403, 403, 403, ok)


def records_managers(ok: int) -> dict[str, int]:
    return statuses(403, 403, 403, 403, 403, ok, ok)


@dataclass
class Rule:
    expected: dict[str, int]
    body: Callable[[dict[str, Any]], Any] = lambda world: None
    multipart: bool = False
    query: str = ""
    params: dict[str, str] = field(default_factory=dict)  # path parameter -> world key
    session: bool = False  # a browser page: signed in with a session, not a token
    event: str = ""  # the audit action each successful call must write


def _file(name: str) -> io.BytesIO:
    handle = io.BytesIO(f"matrix bytes {name}".encode())
    handle.name = f"{name}.txt"
    return handle


def _in_journal(world: dict[str, Any]) -> dict[str, str]:
    """Registration in `IN` (made by a migration; a flush before this test may have taken it)."""
    Journal.objects.get_or_create(code="IN", defaults={"name": "Incoming"})
    return {"journal": "IN"}


def _template_file() -> io.BytesIO:
    handle = io.BytesIO(docx_bytes("Contract {{ deal.title }}"))
    handle.name = "contract.docx"
    return handle


DOC = "/api/v1/documents/{pk}/"
FOLDER = "/api/v1/folders/{pk}/"
CRM = "/api/v1/crm/"
CRM_KINDS = {
    "leads": ("lead", {"title": "New lead", "name": "Ann", "company_title": "Acme"}),
    "contacts": ("contact", {"name": "Ann"}),
    "companies": ("company", {"title": "Acme"}),
    "deals": ("deal", {"title": "New deal"}),
}


def _crm_rules() -> dict[tuple[str, str], Rule]:
    rules: dict[tuple[str, str], Rule] = {}
    for plural, (kind, body) in CRM_KINDS.items():
        record = f"{CRM}{plural}/{{pk}}/"

        def given(world: dict[str, Any], body: dict[str, Any] = body) -> dict[str, Any]:
            return body

        rules[("GET", f"{CRM}{plural}/")] = Rule(PUBLIC_200)
        rules[("POST", f"{CRM}{plural}/")] = Rule(PUBLIC_201, body=given, event=f"{kind}.create")
        rules[("GET", record)] = Rule(crm_shared(200), params={"pk": kind})
        rules[("PATCH", record)] = Rule(
            crm_shared(200),
            body=given,
            params={"pk": kind},
            event=f"{kind}.update",
        )
        rules[("DELETE", record)] = Rule(
            crm_owner(204), params={"pk": kind}, event=f"{kind}.delete"
        )
    return rules


def _privacy_rules() -> dict[tuple[str, str], Rule]:
    """A person's data: records managers and administrators who see the record (rita does not
    see the world's records, so only the administrator succeeds)."""
    expected = statuses(403, 403, 404, 404, 404, 404, 200)
    rules: dict[tuple[str, str], Rule] = {}
    for plural, kind in (("leads", "lead"), ("contacts", "contact")):
        record = f"{CRM}{plural}/{{pk}}/"
        rules[("GET", f"{record}personal-data/")] = Rule(
            expected, params={"pk": kind}, event=f"{kind}.personal_data"
        )
        rules[("POST", f"{record}erase/")] = Rule(
            expected, params={"pk": kind}, event=f"{kind}.erase"
        )
    return rules


RULES: dict[tuple[str, str], Rule] = {
    **_crm_rules(),
    ("POST", CRM + "leads/{pk}/convert/"): Rule(
        crm_shared(201),
        body=lambda w: {"create": ["contact", "company", "deal"]},
        params={"pk": "lead"},
        event="lead.convert",
    ),
    ("POST", CRM + "leads/{pk}/junk/"): Rule(
        crm_shared(200), params={"pk": "lead"}, event="lead.junk"
    ),
    **_privacy_rules(),
    ("GET", CRM + "deals/{pk}/items/"): Rule(crm_shared(200), params={"pk": "deal"}),
    ("PUT", CRM + "deals/{pk}/items/"): Rule(
        crm_shared(200),
        body=lambda w: {"items": [{"name": "Chair", "quantity": "2", "unit_price": "9.50"}]},
        params={"pk": "deal"},
        event="deal.update",
    ),
    # Document templates: administrators upload them, everyone fills them with what they see.
    ("GET", "/api/v1/templates/"): Rule(PUBLIC_200),
    ("GET", "/api/v1/templates/{pk}/"): Rule(PUBLIC_200, params={"pk": "template"}),
    ("POST", "/api/v1/templates/"): Rule(
        admins_only(201),
        body=lambda w: {"name": "T", "file": _template_file()},
        multipart=True,
        event="template.create",
    ),
    ("POST", "/api/v1/templates/{pk}/versions/"): Rule(
        admins_only(201),
        body=lambda w: {"file": _template_file()},
        multipart=True,
        params={"pk": "template"},
        event="template.version",
    ),
    ("POST", "/api/v1/templates/{pk}/render/"): Rule(
        crm_shared(200),
        body=lambda w: {"deal": w["deal"]},
        params={"pk": "template"},
        event="template.render",
    ),
    ("GET", CRM + "pipelines/"): Rule(PUBLIC_200),
    ("GET", CRM + "pipelines/{pk}/"): Rule(PUBLIC_200, params={"pk": "pipeline"}),
    ("POST", CRM + "pipelines/"): Rule(
        admins_only(201),
        body=lambda w: {"name": f"P{w['tag']}", "stages": [{"code": "one", "name": "One"}]},
        event="pipeline.create",
    ),
    ("PATCH", CRM + "pipelines/{pk}/"): Rule(
        admins_only(200),
        body=lambda w: {"name": f"Renamed {w['tag']}"},
        params={"pk": "pipeline"},
        event="pipeline.update",
    ),
    ("DELETE", CRM + "pipelines/{pk}/"): Rule(
        admins_only(204), params={"pk": "pipeline"}, event="pipeline.delete"
    ),
    ("GET", CRM + "fields/"): Rule(PUBLIC_200),
    ("GET", CRM + "fields/{pk}/"): Rule(PUBLIC_200, params={"pk": "crm_field"}),
    ("POST", CRM + "fields/"): Rule(
        admins_only(201),
        body=lambda w: {"entity": "deal", "code": f"c{w['tag']}", "label": "C", "type": "string"},
        event="crm_field.create",
    ),
    ("PATCH", CRM + "fields/{pk}/"): Rule(
        admins_only(200),
        body=lambda w: {"label": "Renamed"},
        params={"pk": "crm_field"},
        event="crm_field.update",
    ),
    ("DELETE", CRM + "fields/{pk}/"): Rule(
        admins_only(204), params={"pk": "crm_field"}, event="crm_field.delete"
    ),
    # Public by design (any authenticated caller; the token endpoint needs no credentials).
    ("POST", "/api/v1/auth/token/"): Rule(
        PUBLIC_200, body=lambda w: {"username": "eve", "password": "eve-pass-1"}
    ),
    ("DELETE", "/api/v1/auth/token/"): Rule(PUBLIC_204),  # the caller's own token
    ("GET", "/api/v1/users/me/"): Rule(PUBLIC_200),
    ("GET", "/api/v1/schema/"): Rule(PUBLIC_200, query="?format=json"),
    ("GET", "/api/v1/docs/"): Rule(PUBLIC_200, session=True),
    ("GET", "/api/v1/document-types/"): Rule(PUBLIC_200),
    ("GET", "/api/v1/documents/"): Rule(PUBLIC_200),
    ("POST", "/api/v1/documents/"): Rule(
        PUBLIC_201,
        body=lambda w: {"file": _file(w["tag"])},
        multipart=True,
        event="document.create",
    ),
    ("GET", "/api/v1/folders/"): Rule(PUBLIC_200),
    ("POST", "/api/v1/folders/"): Rule(
        PUBLIC_201, body=lambda w: {"name": f"new {w['tag']}"}, event="folder.create"
    ),
    ("GET", "/api/v1/search/"): Rule(PUBLIC_200, query="?q=matrix"),
    ("GET", "/api/v1/routes/"): Rule(PUBLIC_200),
    ("POST", "/api/v1/routes/"): Rule(
        PUBLIC_201,
        body=lambda w: {
            "name": "new",
            "steps": [{"name": "one", "approvers": ["user:bob"], "mode": "all"}],
        },
        event="route.create",
    ),
    ("GET", "/api/v1/routes/{pk}/"): Rule(PUBLIC_200, params={"pk": "route"}),
    ("GET", "/api/v1/routes/{pk}/versions/"): Rule(PUBLIC_200, params={"pk": "route"}),
    ("GET", "/api/v1/approvals/inbox/"): Rule(PUBLIC_200),
    ("GET", "/api/v1/journals/"): Rule(PUBLIC_200),
    ("POST", "/api/v1/spellcheck/"): Rule(
        PUBLIC_200, body=lambda w: {"text": "Helo world", "language": "en"}
    ),
    ("GET", "/api/v1/spellcheck/dictionary/"): Rule(PUBLIC_200),
    ("POST", "/api/v1/spellcheck/dictionary/"): Rule(
        admins_only(201),
        body=lambda w: {"word": f"Newword{w['tag']}"},
        event="spelling.word_add",
    ),
    ("DELETE", "/api/v1/spellcheck/dictionary/"): Rule(
        admins_only(204),
        body=lambda w: {"word": w["dictionary_word"]},
        event="spelling.word_remove",
    ),
    # Administrators.
    ("GET", "/api/v1/users/"): Rule(admins_only(200)),
    ("POST", "/api/v1/users/"): Rule(
        admins_only(201), body=lambda w: {"username": f"u{w['tag']}", "password": "long-enough-1"}
    ),
    ("GET", "/api/v1/users/{username}/"): Rule(admins_only(200), params={"username": "username"}),
    ("PATCH", "/api/v1/users/{username}/"): Rule(
        admins_only(200), body=lambda w: {"email": "x@example.com"}, params={"username": "username"}
    ),
    ("GET", "/api/v1/groups/"): Rule(admins_only(200)),
    ("POST", "/api/v1/groups/"): Rule(admins_only(201), body=lambda w: {"name": f"g{w['tag']}"}),
    ("GET", "/api/v1/groups/{name}/"): Rule(admins_only(200), params={"name": "group"}),
    ("PATCH", "/api/v1/groups/{name}/"): Rule(
        admins_only(200), body=lambda w: {"members": ["eve"]}, params={"name": "group"}
    ),
    ("POST", "/api/v1/document-types/"): Rule(
        admins_only(201),
        body=lambda w: {"slug": f"t{w['tag']}", "name": "T"},
        event="document_type.create",
    ),
    ("POST", "/api/v1/journals/"): Rule(
        admins_only(201),
        body=lambda w: {"code": f"J{w['tag'].upper()}"[:10], "name": "J"},
        event="journal.create",
    ),
    # Documents.
    ("GET", DOC): Rule(READ),
    ("PATCH", DOC): Rule(needs(200), body=lambda w: {"title": "renamed"}, event="document.update"),
    ("DELETE", DOC): Rule(needs(204), event="document.delete"),
    ("GET", DOC + "acl/"): Rule(needs(200)),
    ("PUT", DOC + "acl/"): Rule(
        needs(200), body=lambda w: {"entries": [entry("group:legal", *ALL)]}
    ),
    ("GET", DOC + "permissions/"): Rule(READ),
    ("GET", DOC + "download/"): Rule(needs(200)),
    ("GET", DOC + "text/"): Rule(READ),
    # The world's documents are text files: no picture is made of them, and no searchable PDF
    # (tests/repository/test_previews.py serves both to readers and refuses the others).
    ("GET", DOC + "thumbnail/"): Rule(NOT_FOUND),
    ("GET", DOC + "preview/"): Rule(NOT_FOUND),
    ("GET", DOC + "versions/{number}/rendition/"): Rule(needs(404), params={"number": "number"}),
    ("GET", DOC + "duplicates/"): Rule(READ),
    ("GET", DOC + "spellcheck/"): Rule(READ, query="?language=en", event="document.text"),
    ("GET", DOC + "versions/"): Rule(READ),
    ("POST", DOC + "versions/"): Rule(
        needs(201), body=lambda w: {"file": _file(f"v{w['tag']}")}, multipart=True
    ),
    ("GET", DOC + "links/"): Rule(READ),
    ("POST", DOC + "links/"): Rule(
        needs(201),
        body=lambda w: {"target_type": "document", "target_id": w["other"], "relation": "related"},
    ),
    ("DELETE", DOC + "links/{link_id}/"): Rule(needs(204), params={"link_id": "link"}),
    ("POST", DOC + "lock/"): Rule(needs(200)),
    ("POST", DOC + "register/"): Rule(needs(201), body=_in_journal, event="document.register"),
    ("DELETE", DOC + "lock/"): Rule(needs(200)),
    # Approval routes.
    ("PUT", "/api/v1/routes/{pk}/"): Rule(
        statuses(200, 403, 403, 403, 403, 403, 200),
        body=lambda w: {
            "name": "edited",
            "steps": [{"name": "one", "approvers": ["user:eve"], "mode": "all"}],
        },
        params={"pk": "route"},
        event="route.edit",
    ),
    ("POST", DOC + "submit/"): Rule(
        needs(201), body=lambda w: {"route": w["route"]}, event="route.submit"
    ),
    ("POST", DOC + "withdraw/"): Rule(
        statuses(200, 403, 404, 403, 404, 404, 200),
        params={"pk": "reviewed"},
        event="route.withdraw",
    ),
    ("GET", DOC + "route-runs/"): Rule(READ, params={"pk": "reviewed"}),
    ("GET", "/api/v1/route-runs/{pk}/verify/"): Rule(READ, params={"pk": "run"}),
    ("POST", "/api/v1/approvals/{task_id}/decide/"): Rule(
        statuses(403, 201, 404, 403, 404, 404, 403),
        body=lambda w: {"decision": "approve", "comment": ""},
        params={"task_id": "task"},
        event="approval.decide",
    ),
    ("POST", "/api/v1/approvals/{task_id}/reassign/"): Rule(
        statuses(200, 403, 404, 403, 404, 404, 200),
        body=lambda w: {"to": "user:eve"},
        params={"task_id": "task"},
        event="approval.reassign",
    ),
    # Out of office: the caller's own, for everyone.
    ("GET", "/api/v1/approvals/absence/"): Rule(PUBLIC_200),
    ("PUT", "/api/v1/approvals/absence/"): Rule(
        PUBLIC_200,
        body=lambda w: {"substitute": w["substitute"], "ends": "2999-01-01T00:00:00Z"},
        event="absence.set",
    ),
    ("DELETE", "/api/v1/approvals/absence/"): Rule(PUBLIC_204),
    # Folders.
    ("GET", FOLDER): Rule(READ),
    ("PATCH", FOLDER): Rule(needs(200), body=lambda w: {"name": "renamed"}, event="folder.update"),
    ("DELETE", FOLDER): Rule(needs(204), params={"pk": "empty_folder"}, event="folder.delete"),
    ("GET", FOLDER + "acl/"): Rule(needs(200)),
    ("PUT", FOLDER + "acl/"): Rule(
        needs(200),
        body=lambda w: {
            "entries": [
                entry("group:legal", *ALL),
                entry("group:sales", "view"),
                entry("user:carol", *ALL, effect="deny"),
            ]
        },
    ),
    # Records managers.
    ("GET", "/api/v1/audit/events/"): Rule(records_managers(200)),
    ("GET", "/api/v1/audit/events/export/"): Rule(records_managers(200), query="?format=csv"),
    ("GET", "/api/v1/audit/verify/"): Rule(records_managers(200)),
    ("GET", "/api/v1/holds/"): Rule(records_managers(200)),
    ("POST", "/api/v1/holds/"): Rule(
        records_managers(201),
        body=lambda w: {"object_type": "document", "object_id": w["pk"], "reason": "case"},
    ),
    ("GET", "/api/v1/holds/{pk}/"): Rule(records_managers(200), params={"pk": "hold"}),
    ("DELETE", "/api/v1/holds/{pk}/"): Rule(records_managers(200), params={"pk": "hold"}),
}


def _operations() -> list[tuple[str, str]]:
    endpoints = EndpointEnumerator().get_api_endpoints()
    return sorted({(method, path) for path, _, method, _ in endpoints})


def _into(key: str, field: str) -> Callable[[dict[str, Any]], Any]:
    return lambda world: {field: world[key]}


# Variants of the operations above. The world's `other` document is under a legal hold and its
# `reviewed` document in an approval route; the world's folder holds both; `own_folder` is a
# folder the caller owns (made for each caller); `viewed_folder` one that the owner lets `legal`
# and `sales` view, no more.
NOT_VIEWED_DESTINATION = statuses(200, 403, 404, 403, 404, 404, 200)
MOVES: dict[str, tuple[str, str, Rule]] = {
    "a document into the caller's folder": (
        "PATCH",
        DOC,
        Rule(needs(200), body=_into("own_folder", "folder"), event="document.update"),
    ),
    "a document to the root": (
        "PATCH",
        DOC,
        Rule(needs(200), body=lambda w: {"folder": None}, event="document.update"),
    ),
    "a document into a folder the caller only views": (
        "PATCH",
        DOC,
        Rule(NOT_VIEWED_DESTINATION, body=_into("viewed_folder", "folder")),
    ),
    "a folder into the caller's folder": (
        "PATCH",
        FOLDER,
        Rule(
            needs(200),
            body=_into("own_folder", "parent"),
            params={"pk": "empty_folder"},
            event="folder.update",
        ),
    ),
    "a folder to the root": (
        "PATCH",
        FOLDER,
        Rule(
            needs(200),
            body=lambda w: {"parent": None},
            params={"pk": "empty_folder"},
            event="folder.update",
        ),
    ),
    "a folder into a folder the caller only views": (
        "PATCH",
        FOLDER,
        Rule(
            NOT_VIEWED_DESTINATION,
            body=_into("viewed_folder", "parent"),
            params={"pk": "empty_folder"},
        ),
    ),
    "a held document": (
        "PATCH",
        DOC,
        Rule(needs(409), body=_into("own_folder", "folder"), params={"pk": "other"}),
    ),
    "a held document to the trash": ("DELETE", DOC, Rule(needs(409), params={"pk": "other"})),
    "a document in review": (
        "PATCH",
        DOC,
        Rule(needs(409), body=_into("own_folder", "folder"), params={"pk": "reviewed"}),
    ),
    "a document in review to the trash": (
        "DELETE",
        DOC,
        Rule(needs(409), params={"pk": "reviewed"}),
    ),
    "a new version of a document in review": (
        "POST",
        DOC + "versions/",
        Rule(
            needs(409),
            body=lambda w: {"file": _file(f"v{w['tag']}")},
            multipart=True,
            params={"pk": "reviewed"},
        ),
    ),
    "a folder holding a held document": (
        "PATCH",
        FOLDER,
        Rule(needs(409), body=_into("own_folder", "parent")),
    ),
}


def _client(user: User) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def _world(clients: dict[str, APIClient], users: dict[str, User], tag: str) -> dict[str, Any]:
    alice = clients["owner"]
    folder = make_folder(alice, f"F{tag}")
    empty = make_folder(alice, f"E{tag}", folder)
    grant(
        alice,
        "folders",
        folder,
        entry("group:legal", *ALL),
        entry("group:sales", "view"),
        entry("user:carol", *ALL, effect="deny"),
    )
    document = make_document(alice, f"doc{tag}", folder)
    other = make_document(alice, f"other{tag}", folder)
    link = alice.post(
        f"/api/v1/documents/{document}/links/",
        {"target_type": "document", "target_id": other, "relation": "attachment"},
        format="json",
    ).json()["id"]
    hold = LegalHold.objects.create(
        object_type="document", object_id=other, reason="matrix", placed_by=users["rita"]
    )
    crm = {
        kind: alice.post(
            f"{CRM}{plural}/", {**body, "shared_with": ["group:legal"]}, format="json"
        ).json()["id"]
        for plural, (kind, body) in CRM_KINDS.items()
    }
    admin = clients["admin"]
    pipeline = admin.post(
        f"{CRM}pipelines/",
        {"name": f"Pipeline {tag}", "stages": [{"code": "a", "name": "A"}]},
        format="json",
    ).json()["id"]
    crm_field = admin.post(
        f"{CRM}fields/",
        {"entity": "lead", "code": f"f{tag}", "label": "F", "type": "string"},
        format="json",
    ).json()["id"]
    template = admin.post(
        "/api/v1/templates/", {"name": f"T{tag}", "file": _template_file()}, format="multipart"
    ).json()["id"]
    route = alice.post(
        "/api/v1/routes/",
        {
            "name": f"R{tag}",
            "steps": [{"name": "Legal", "approvers": ["group:legal"], "mode": "any"}],
        },
        format="json",
    ).json()["id"]
    dictionary_word = admin.post(
        "/api/v1/spellcheck/dictionary/", {"word": f"Spellword{tag}"}, format="json"
    ).json()["word"]
    reviewed = make_document(alice, f"reviewed{tag}", folder)
    run = alice.post(f"/api/v1/documents/{reviewed}/submit/", {"route": route}, format="json")
    assert run.status_code == 201, run.content
    (task,) = run.json()["steps"][0]["tasks"]
    return {
        **crm,
        "pipeline": pipeline,
        "crm_field": crm_field,
        "template": template,
        "pk": document,
        "other": other,
        "folder": folder,
        "empty_folder": empty,
        "link": link,
        "number": 1,
        "hold": hold.pk,
        "username": "eve",
        "group": "legal",
        "tag": tag,
        "route": route,
        "reviewed": reviewed,
        "run": run.json()["id"],
        "task": task["id"],
        "substitute": User.objects.create_user(f"stand-in-{tag}").get_username(),
        "dictionary_word": dictionary_word,
    }


@pytest.fixture
def matrix_clients(users: dict[str, User]) -> dict[str, APIClient]:
    everyone = dict(users)
    for name in ("carol", "dave", "eve"):
        everyone[name] = User.objects.create_user(name, f"{name}@example.com", f"{name}-pass-1")
    Group.objects.create(name="legal").user_set.add(everyone["bob"])
    Group.objects.get(name="sales").user_set.add(everyone["carol"], everyone["dave"])
    return {role: _client(everyone[USERNAMES[role]]) for role in ROLES}


def _path(template: str, rule: Rule, world: dict[str, Any]) -> str:
    path = template
    names = {"pk": "folder" if template.startswith("/api/v1/folders/") else "pk"}
    if template.startswith("/api/v1/holds/"):
        names["pk"] = "hold"
    names.update(rule.params)
    for name, key in names.items():
        path = path.replace("{" + name + "}", str(world[key]))
    assert "{" not in path, f"no value for a path parameter of {template}"
    return path + rule.query


@pytest.mark.parametrize(("method", "template"), _operations(), ids=lambda v: str(v))
def test_operation_answers_each_caller_as_its_rule_says(
    method: str, template: str, matrix_clients: dict[str, APIClient], users: dict[str, User]
) -> None:
    rule = RULES.get((method, template))
    assert rule is not None, (
        f"{method} {template} has no permission rule: add it to RULES in {__file__} "
        "(who may call it: owner, granted, denied, viewer, stranger, records manager, admin)."
    )
    _check(method, template, rule, matrix_clients, users)


@pytest.mark.parametrize("name", sorted(MOVES))
def test_move_answers_each_caller_as_its_rule_says(
    name: str, matrix_clients: dict[str, APIClient], users: dict[str, User]
) -> None:
    method, template, rule = MOVES[name]
    _check(method, template, rule, matrix_clients, users, destinations=True)


def _check(
    method: str,
    template: str,
    rule: Rule,
    clients: dict[str, APIClient],
    users: dict[str, User],
    *,
    destinations: bool = False,
) -> None:
    failures = []
    shared = _world(clients, users, "shared") if method == "GET" else None
    for index, role in enumerate(ROLES):
        # Reads share one world; writes get a fresh one per caller.
        world = shared or _world(clients, users, f"{index}")
        client = clients[role]
        if destinations:
            world["own_folder"] = make_folder(client, f"own {index}")
            world["viewed_folder"] = make_folder(clients["owner"], f"viewed {index}")
            grant(
                clients["owner"],
                "folders",
                world["viewed_folder"],
                entry("group:legal", "view"),
                entry("group:sales", "view"),
            )
        path = _path(template, rule, world)
        body = rule.body(world)
        if method == "POST" and template == "/api/v1/auth/token/":
            client = APIClient()
        if rule.session:
            client = APIClient()
            client.force_login(User.objects.get(username=USERNAMES[role]))
        revoked = None
        if method == "DELETE" and template == "/api/v1/auth/token/":
            revoked = Token.objects.get(user__username=USERNAMES[role])
        events_before = _events(rule.event, role)
        call = getattr(client, method.lower())
        if body is None:
            response = call(path)
        else:
            response = call(path, body, format="multipart" if rule.multipart else "json")
        if revoked is not None:  # the next callers' worlds are built with this token
            Token.objects.create(user_id=revoked.user_id, key=revoked.key)
        if response.status_code != rule.expected[role]:
            failures.append(f"{role}: {response.status_code} != {rule.expected[role]}")
        elif (
            rule.event and response.status_code < 300 and _events(rule.event, role) == events_before
        ):
            failures.append(f"{role}: no {rule.event} event")
    assert not failures, f"{method} {template}: " + "; ".join(failures)


def _events(action: str, role: str) -> int:
    if not action:
        return 0
    return AuditEvent.objects.filter(action=action, actor_username=USERNAMES[role]).count()


def test_every_rule_names_a_real_operation() -> None:
    """A rule for an operation that no longer exists is a stale row."""
    assert set(RULES) <= set(_operations())
