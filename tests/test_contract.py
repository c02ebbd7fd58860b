"""The API answers what its OpenAPI schema says, for every operation (schemathesis).

Each operation of the schema served at `/api/v1/schema/` is fuzzed in-process against the WSGI
application, once as an administrator and once as an ordinary user (token auth), with all of
schemathesis' checks: no 5xx, documented status codes, content types, headers and bodies,
schema-valid input accepted, invalid input refused, authentication not ignored, undocumented
methods answered 405 with `Allow`; chains of calls (its stateful phase, links inferred) add
that what was created can be read and what was deleted is gone. Only `max_response_time` is
off: it needs a limit, and the shared test machine gives no steady one.

Path parameters name real objects (a folder, three documents, one of them held and one in
review along a route whose approver is the caller, a link, a group, a user, a hold, the route,
its run and its task) in about two examples of three, so operations are exercised past their 404; the
rest are what schemathesis generates. Examples per operation are bounded and derandomized.
"""

import io
import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from drf_spectacular.views import SpectacularAPIView
from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient, APIRequestFactory, force_authenticate
from schemathesis.core.failures import AcceptedNegativeData
from schemathesis.core.mutations import OperatorKind
from schemathesis.core.parameters import ParameterLocation
from schemathesis.generation.meta import CoveragePhaseData, CoverageScenario
from schemathesis.openapi.checks import RejectedPositiveData

from config.wsgi import application
from repository.models import HoldTarget, LegalHold
from tests.conftest import PRODUCTION, wait_for_idle_worker
from tests.templating.helpers import docx_bytes

SCHEMA_PATH = "/api/v1/schema/"
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 9,
        "generation": {
            "max-examples": 15,
            "deterministic": True,
            # NUL is refused in any text (400), which the schema does not spell out in patterns.
            "allow-x00": False,
            # The caller's token goes with every request; `ignored_auth` then tries without.
            "with-security-parameters": False,
        },
    }
)


def served_schema() -> dict[str, Any]:
    """The document `GET /api/v1/schema/` serves (a test below holds them equal)."""
    request = APIRequestFactory().get(SCHEMA_PATH, {"format": "json"})
    force_authenticate(request, user=User(username="schema-reader"))
    response = SpectacularAPIView.as_view()(request)
    response.render()
    return dict(json.loads(response.content))


schema = schemathesis.openapi.from_dict(served_schema(), config=CONFIG)
schema.app = application


SCALAR_TYPES = {"string", "integer", "number", "boolean"}


def _sent_values(case: Any, data: CoveragePhaseData) -> list[Any]:
    """The values a coverage case put in the body where the schema (at `data.location`) wanted
    another type."""
    values = [case.body]
    for step in (data.location or "").strip("/").split("/")[:-1]:  # the last step is `type`
        if step == "properties":
            continue
        if step == "items":
            values = [item for value in values if isinstance(value, list) for item in value]
        else:
            values = [value[step] for value in values if isinstance(value, dict) and step in value]
    return values


def read_leniently(case: Any) -> bool:
    """Each invalid part of the case is one the views read leniently by design.

    That is a scalar of another type where a scalar is documented (DRF reads a number as text,
    0/1 or "true" as a boolean, a numeric string as a number, a bad `page_size` as the default;
    a query value is text whatever its type; a form field sent several times is read once), or a
    query value sent empty (read as absent).
    """
    data = case.meta.phase.data if case.meta else None
    if isinstance(data, CoveragePhaseData):
        if _sent_empty(case, data.parameter_location, data.parameter):
            return True
        if data.scenario != CoverageScenario.INCORRECT_TYPE:
            return False
        if data.parameter_location != ParameterLocation.BODY:
            return True
        values = _sent_values(case, data)
        return bool(values) and all(
            isinstance(value, str | int | float) and value is not None for value in values
        )
    mutations = getattr(data, "mutations", ())
    return bool(mutations) and all(
        _sent_empty(case, mutation.parameter_location, mutation.parameter)
        or _repeated_form_field(case, mutation)
        or (
            mutation.operator == OperatorKind.CHANGE_TYPE
            and (
                mutation.parameter_location != ParameterLocation.BODY
                or {*_as_list(mutation.original_value), *_as_list(mutation.new_value)}
                <= SCALAR_TYPES
            )
        )
        for mutation in mutations
    )


def _repeated_form_field(case: Any, mutation: Any) -> bool:
    """A scalar form field sent several times: Django's forms read the last one."""
    return (
        mutation.operator == OperatorKind.CHANGE_TYPE
        and mutation.parameter_location == ParameterLocation.BODY
        and (case.media_type or "").startswith("multipart/form-data")
        and set(_as_list(mutation.original_value)) <= SCALAR_TYPES
        and _as_list(mutation.new_value) == ["array"]
    )


def _sent_empty(case: Any, location: Any, name: str | None) -> bool:
    return location == ParameterLocation.QUERY and (case.query or {}).get(name) in ("", [], {})


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


# Refusals no schema can foresee: input naming an object that does not exist (API.md: 400),
# a metadata schema that is no valid JSON Schema, a search page past the window (a bound on
# `page` times `page_size`).
UNFORESEEABLE_REFUSALS = {
    "does_not_exist",
    "not_found",
    "unknown_principal",
    "invalid_json_schema",
    # a quorum larger than the users a step names: a rule across two fields
    "unreachable_quorum",
    "beyond_result_window",
    # custom CRM fields: their codes, types and required ones are data administrators define
    "invalid_fields",
    # what JSON Schema as drf-spectacular writes it cannot say: codes unique across a list's
    # items, items only on a field whose type is `list`
    "duplicate_stage",
    "not_a_list_field",
    # a template is a .docx (its bytes decide, which no schema states); the request's
    # `context` may not take the names Kontor fills (deal, contact, today, ...)
    "not_docx",
    "reserved_name",
    # a password the validators refuse: their rules are settings the schema cannot state
    "password_too_short",
    "password_too_common",
    "password_entirely_numeric",
    "password_too_similar",
    # an out of office: its substitute is someone else than the caller, it ends after it starts
    # and in the future
    "substitute_is_self",
    "invalid_period",
    "in_the_past",
}


def refused_as_unforeseeable(response: Any) -> bool:
    if response.status_code not in (400, 415):
        return False
    try:
        body = json.loads(response.content)
    except ValueError:
        return False
    return isinstance(body, dict) and body.get("code") in UNFORESEEABLE_REFUSALS


@schema.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    """Keep every failure but two kinds, which are no breach of the contract: invalid input
    read leniently by design (`read_leniently`; all other invalid input must be refused), and
    valid input refused for what no schema can state (`refused_as_unforeseeable`)."""
    if isinstance(failure, AcceptedNegativeData):
        return not read_leniently(case)
    if isinstance(failure, RejectedPositiveData):
        return not refused_as_unforeseeable(response)
    return True


# The token of the current test's caller (an administrator or an ordinary user).
CALLER: dict[str, str] = {}


@schema.auth(refresh_interval=None)
class CallerToken:
    def get(self, case: Any, context: Any) -> str:
        return CALLER.get("token", "")  # also asked at collection, before any test

    def set(self, case: Any, data: str, context: Any) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}


@dataclass
class World:
    """The caller and the objects path parameters may name."""

    caller: User
    documents: list[int]
    folders: list[int]
    holds: list[int]
    links: list[int]
    groups: list[str]
    usernames: list[str]
    crm: dict[str, list[int]]
    routes: list[int]
    runs: list[int]
    tasks: list[int]
    templates: list[int]

    def objects_for(self, path: str, name: str) -> list[Any]:
        if name == "link_id":
            return self.links
        if name == "name":
            return self.groups
        if name == "username":
            return self.usernames
        if path.startswith("/api/v1/documents/"):
            return self.documents
        if path.startswith("/api/v1/folders/"):
            return self.folders
        if path.startswith("/api/v1/holds/"):
            return self.holds
        if path.startswith("/api/v1/crm/"):
            return self.crm[path.split("/")[4]]
        if path.startswith("/api/v1/routes/"):
            return self.routes
        if path.startswith("/api/v1/route-runs/"):
            return self.runs
        if path.startswith("/api/v1/approvals/"):
            return self.tasks
        if path.startswith("/api/v1/templates/"):
            return self.templates
        raise AssertionError(f"no objects for {name} in {path}: add them to World")


def _upload(client: APIClient, content: bytes, **fields: Any) -> int:
    handle = io.BytesIO(content)
    handle.name = "contract.txt"
    response = client.post("/api/v1/documents/", {"file": handle, **fields}, format="multipart")
    assert response.status_code == 201, response.content
    return int(response.json()["id"])


def _template_file() -> io.BytesIO:
    handle = io.BytesIO(docx_bytes("Contract {{ deal.title }} for {{ company.title }}"))
    handle.name = "contract.docx"
    return handle


def _seed_crm(client: APIClient, keeper: User) -> dict[str, list[int]]:
    """A lead, a contact, a company and a deal of the caller's; a pipeline and custom fields."""

    def made(path: str, body: dict[str, Any], by: APIClient = client) -> int:
        response = by.post(f"/api/v1/crm/{path}/", body, format="json")
        assert response.status_code == 201, response.content
        return int(response.json()["id"])

    administrator = APIClient()
    administrator.force_authenticate(keeper)
    company = made("companies", {"title": "Acme"})
    contact = made("contacts", {"name": "Ann", "company": company})
    lead = made("leads", {"title": "Chairs", "name": "Ann", "company_title": "Acme"})
    return {
        "leads": [lead],
        "contacts": [contact],
        "companies": [company],
        "deals": [made("deals", {"title": "Chairs", "contact": contact, "company": company})],
        "pipelines": [
            made(
                "pipelines",
                {"name": "Tenders", "stages": [{"code": "bid", "name": "Bid"}]},
                administrator,
            )
        ],
        "fields": [
            made(
                "fields",
                {"entity": "lead", "code": "source", "label": "Source", "type": "string"},
                administrator,
            ),
            made(
                "fields",
                {"entity": "deal", "code": "tier", "label": "Tier", "type": "list", "items": ["A"]},
                administrator,
            ),
        ],
    }


def seed_world(role: str) -> World:
    """The caller (an administrator or an ordinary user) and a few objects of each kind."""
    if role == "admin":
        caller = User.objects.create_superuser("root", "root@example.com", "root-pass-1")
    else:
        caller = User.objects.create_user("olga", "olga@example.com", "olga-pass-1")
    keeper = User.objects.create_superuser("rita", "rita@example.com", "rita-pass-1")
    other = User.objects.create_user("pavel", "pavel@example.com", "pavel-pass-1")
    Group.objects.create(name="staff").user_set.add(other)
    client = APIClient()
    client.force_authenticate(caller)
    folder = client.post("/api/v1/folders/", {"name": "Contracts"}, format="json").json()["id"]
    free = _upload(client, b"a contract", folder=folder, tags="signed")
    held = _upload(client, b"a held contract", folder=folder)
    link = client.post(
        f"/api/v1/documents/{free}/links/",
        {"target_type": "document", "target_id": held, "relation": "related"},
        format="json",
    ).json()["id"]
    hold = LegalHold.objects.create(
        object_type=HoldTarget.DOCUMENT, object_id=held, reason="audit", placed_by=keeper
    )
    route = client.post(
        "/api/v1/routes/",
        {
            "name": "Sign-off",
            "steps": [{"name": "Review", "approvers": [f"user:{caller}"], "mode": "any"}],
        },
        format="json",
    ).json()["id"]
    reviewed = _upload(client, b"a contract in review", folder=folder)
    run = client.post(f"/api/v1/documents/{reviewed}/submit/", {"route": route}, format="json")
    assert run.status_code == 201, run.content
    CALLER["token"] = Token.objects.create(user=caller).key
    administrator = APIClient()
    administrator.force_authenticate(keeper)
    template = administrator.post(
        "/api/v1/templates/",
        {"name": "Contract", "file": _template_file()},
        format="multipart",
    )
    assert template.status_code == 201, template.content
    return World(
        crm=_seed_crm(client, keeper),
        caller=caller,
        documents=[free, held, reviewed],
        folders=[folder],
        holds=[hold.pk],
        links=[link],
        groups=["staff"],
        # Not the caller: an administrator deactivating themselves ends the run's access.
        usernames=["pavel"],
        routes=[route],
        runs=[run.json()["id"]],
        tasks=[task["id"] for task in run.json()["steps"][0]["tasks"]],
        templates=[template.json()["id"]],
    )


@pytest.fixture(params=["admin", "user"])
def world(request: Any, transactional_db: None) -> Iterator[World]:
    yield seed_world(request.param)
    CALLER.clear()


def name_real_objects(case: Any, world: World) -> None:
    """Point two valid path parameter sets of three at real objects (deterministically)."""
    parameters = case.path_parameters
    if not parameters or case.meta.is_negative_at(ParameterLocation.PATH):
        return
    # The whole case decides, so cases sharing path parameters (coverage) spread over both.
    choice = zlib.crc32(repr((sorted(parameters.items()), case.query, case.body)).encode())
    if choice % 3 == 0:
        return
    for name in parameters:
        objects = world.objects_for(case.operation.path, name)
        parameters[name] = str(objects[choice % len(objects)])  # as sent: text


@schema.parametrize()
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_operation_answers_as_documented(case: Any, world: World) -> None:
    name_real_objects(case, world)
    case.call_and_validate()


def test_the_fuzzed_schema_is_the_served_one(transactional_db: None) -> None:
    """What is fuzzed here is what `GET /api/v1/schema/` gives clients."""
    user = User.objects.create_user("reader", "reader@example.com", "reader-pass-1")
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(SCHEMA_PATH, {"format": "json"})
    assert response.status_code == 200
    assert json.loads(response.content) == schema.raw_schema


def test_sequences_of_operations_answer_as_documented(world: World) -> None:
    """Chains of calls, linked by what one answers and the next takes (schemathesis infers the
    links): what was created can be read, what was deleted is gone, and every answer of the
    chain passes the same checks. Each chain starts from the same database, so that hypothesis
    sees the same answers when it replays one."""
    role = "admin" if world.caller.is_superuser else "user"

    class Chains(schema.as_state_machine()):  # type: ignore[misc]
        def setup(self) -> None:
            if PRODUCTION:
                wait_for_idle_worker()  # no task may read while the tables are emptied
            # Ids keep counting, as between other tests: a reused id would meet index entries of
            # the documents that had it before.
            call_command("flush", interactive=False, verbosity=0, reset_sequences=False)
            seed_world(role)

    run_state_machine_as_test(
        Chains,
        settings=settings(
            max_examples=20,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
