"""On PostgreSQL the database itself refuses UPDATE and DELETE on audit events.

TRUNCATE is left alone: the test suite empties tables with it between tests. The definition is
the one migration 0003 installs; SQLite has no such trigger.
"""

from core.triggers import Triggers

POSTGRESQL = """
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
CREATE TRIGGER audit_event_append_only
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_is_append_only();
"""

POSTGRESQL_DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_is_append_only();
"""

APPEND_ONLY = Triggers(
    installed_by=("audit", "0003_append_only_trigger"),
    postgresql=(POSTGRESQL,),
    postgresql_drop=(POSTGRESQL_DROP,),
    sqlite=(),
    sqlite_drop=(),
)
