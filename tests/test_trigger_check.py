"""The system check compares the database's triggers with their definitions: a migrated database
passes, a dropped, changed or disabled trigger is named with what to run, a database not migrated
yet passes, and `migrate` puts back what differs.

Triggers are dropped and changed inside the test's transaction (DDL is transactional on both
engines), so the shared test database gets them back when the test ends.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core import checks
from django.core.management import call_command
from django.db import connection, connections

from audit.triggers import APPEND_ONLY
from core import trigger_catalog, trigger_check
from permissions import generation
from repository import counts
from tests.scratch_database import environment_for, scratch_database

ROOT = Path(__file__).resolve().parent.parent
POSTGRESQL = connection.vendor == "postgresql"


def _trigger_messages(*databases: str) -> list[checks.CheckMessage]:
    found = checks.run_checks(databases=list(databases) or None, tags=[checks.Tags.database])
    return [message for message in found if (message.id or "").startswith("triggers.")]


def _execute(*statements: str) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _drop(name: str, table: str) -> str:
    return f"DROP TRIGGER {name} ON {table}" if POSTGRESQL else f"DROP TRIGGER {name}"


@pytest.mark.django_db
def test_the_migrated_database_passes() -> None:
    assert _trigger_messages("default") == []


@pytest.mark.django_db
def test_a_missing_trigger_is_named_with_what_to_run() -> None:
    _execute(_drop("repository_document_count_update", "repository_document"))
    messages = _trigger_messages("default")
    assert [(m.level, m.msg) for m in messages] == [
        (
            checks.ERROR,
            "Database 'default': trigger repository_document_count_update"
            " on repository_document is missing.",
        )
    ]
    assert "manage.py migrate" in (messages[0].hint or "")
    # Commands that name no database (runserver, makemigrations) do not read it.
    assert _trigger_messages() == []


@pytest.mark.django_db
def test_a_changed_trigger_is_reported() -> None:
    """The trigger on `auth_user` as 0005 had it (renewed by a login too) differs."""
    if POSTGRESQL:
        _execute(
            "DROP TRIGGER auth_user_acl_changed ON auth_user",
            "CREATE TRIGGER auth_user_acl_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            " ON auth_user FOR EACH STATEMENT EXECUTE FUNCTION permissions_acl_changed()",
        )
    else:
        _execute(
            "DROP TRIGGER auth_user_acl_changed_update",
            "CREATE TRIGGER auth_user_acl_changed_update AFTER UPDATE ON auth_user BEGIN"
            " INSERT OR REPLACE INTO permissions_aclgeneration (id, token)"
            " VALUES (1, random()); END",
        )
    [message] = _trigger_messages("default")
    name = "auth_user_acl_changed" if POSTGRESQL else "auth_user_acl_changed_update"
    assert message.msg.startswith(
        f"Database 'default': trigger {name} on auth_user differs from its definition"
    )
    if POSTGRESQL:  # what differs is spelled out
        assert "installed AFTER DELETE OR INSERT OR TRUNCATE OR UPDATE ON" in message.msg
        assert "defined AFTER DELETE OR INSERT OR TRUNCATE OR UPDATE OF email," in message.msg


@pytest.mark.django_db
@pytest.mark.skipif(not POSTGRESQL, reason="PostgreSQL trigger functions and disabled triggers")
def test_a_changed_function_and_a_disabled_trigger_are_reported() -> None:
    _execute(
        "CREATE OR REPLACE FUNCTION repository_document_count_changes() RETURNS trigger AS $$"
        " BEGIN RETURN NULL; END; $$ LANGUAGE plpgsql",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
    )
    assert sorted(message.msg for message in _trigger_messages("default")) == [
        "Database 'default': trigger audit_event_append_only on audit_auditevent is disabled.",
        "Database 'default': trigger function repository_document_count_changes()"
        " differs from its definition.",
    ]


@pytest.mark.django_db
def test_migrate_puts_back_what_differs() -> None:
    """`migrate` with nothing to apply still installs again the triggers that differ, and the
    folder counts are recounted (writes in between went uncounted)."""
    _execute(
        _drop("repository_document_count_insert", "repository_document"),
        _drop("authtoken_token_acl_changed" + ("" if POSTGRESQL else "_delete"), "authtoken_token"),
    )
    assert len(_trigger_messages("default")) == 2
    call_command("migrate", verbosity=0)
    assert _trigger_messages("default") == []
    assert len(counts.installed(connection)) == 4


def test_every_definition_is_read_whole() -> None:
    """The check reads each definition's triggers and functions; one it could not read fails
    here instead of going unchecked."""
    sets = (counts.TRIGGERS, generation.TRIGGERS, generation.TOKEN_TRIGGERS, APPEND_ONLY)
    postgresql = [trigger_catalog.postgresql_definitions(s.postgresql) for s in sets]
    assert [len(triggers) for triggers, _ in postgresql] == [4, 7, 1, 1]
    assert [sorted(functions) for _, functions in postgresql] == [
        ["repository_document_count_changes", "repository_folder_count_rows"],
        ["permissions_acl_changed"],
        ["permissions_acl_changed"],
        ["audit_event_is_append_only"],
    ]
    assert [len(trigger_catalog.sqlite_definitions(s.sqlite)) for s in sets] == [4, 21, 3, 0]
    with pytest.raises(ValueError, match="cannot read"):
        trigger_catalog.postgresql_definitions(
            ("CREATE TRIGGER t AFTER INSERT ON x FOR EACH ROW WHEN (true) EXECUTE FUNCTION f()",)
        )


def _manage(alias: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment_for(alias),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.timeout(600)
def test_the_commands_on_a_new_database_then_a_damaged_one(
    transactional_db: None, tmp_path: Path
) -> None:
    """Before the first migration the checks pass (nothing is installed yet, nothing is due);
    after it too; a dropped trigger fails `check --database` and `migrate --skip-checks`, as
    the hint says, puts it back."""
    with scratch_database(tmp_path) as alias:
        assert trigger_check.problems(alias, (counts.TRIGGERS, APPEND_ONLY)) == []
        for command in (
            ("check", "--database", "default"),
            ("makemigrations", "--check", "--dry-run"),
        ):
            result = _manage(alias, *command)
            assert result.returncode == 0, result.stderr
        migrated = _manage(alias, "migrate", "--noinput")
        assert migrated.returncode == 0, migrated.stderr
        assert _manage(alias, "check", "--database", "default").returncode == 0
        name = "permissions_folderancestor_acl_changed" + ("" if POSTGRESQL else "_insert")
        with connections[alias].cursor() as cursor:
            cursor.execute(_drop(name, "permissions_folderancestor"))
        failed = _manage(alias, "check", "--database", "default")
        assert failed.returncode == 1
        assert f"trigger {name} on permissions_folderancestor is missing" in failed.stderr
        assert _manage(alias, "migrate", "--skip-checks").returncode == 0
        assert _manage(alias, "check", "--database", "default").returncode == 0
