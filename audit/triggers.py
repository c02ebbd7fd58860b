"""On PostgreSQL the database itself refuses DELETE of audit events, and every UPDATE but one:
personal data replaced by pseudonyms (`audit.pseudonymise`).

That update must come from a transaction that says so (`kontor.audit_pseudonymise` set to `on`
for the transaction) and may change nothing the chain links: an address may only be emptied,
its digest kept in `ip_digest`; in `details` the same keys and list lengths, and each value
either unchanged or a text replaced by a pseudonym marker (`audit.keyed`); `seal` only on events
hashed before scheme 3. Whether a marker is the value's own pseudonym needs the key: `verify`
checks that.

TRUNCATE is left alone: the test suite empties tables with it between tests. The definition is
the one migration 0006 installs; SQLite has no such trigger.
"""

from core.triggers import Triggers

POSTGRESQL = r"""
CREATE OR REPLACE FUNCTION audit_event_is_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF current_setting('kontor.audit_pseudonymise', true) = 'on'
            AND (NEW.id, NEW.seq, NEW.at, NEW.actor_id, NEW.actor_username, NEW.user_agent,
                 NEW.action, NEW.object_type, NEW.object_id, NEW.prev_hash, NEW.hash,
                 NEW.hash_scheme)
                IS NOT DISTINCT FROM
                (OLD.id, OLD.seq, OLD.at, OLD.actor_id, OLD.actor_username, OLD.user_agent,
                 OLD.action, OLD.object_type, OLD.object_id, OLD.prev_hash, OLD.hash,
                 OLD.hash_scheme)
            AND ((NEW.ip IS NOT DISTINCT FROM OLD.ip AND NEW.ip_digest = OLD.ip_digest)
                 OR (OLD.ip IS NOT NULL AND NEW.ip IS NULL AND OLD.ip_digest = ''
                     AND NEW.ip_digest ~ '^[0-9a-f]{64}$'))
            AND (NEW.seal = OLD.seal OR OLD.hash_scheme < 3)
            AND NOT EXISTS (
                SELECT 1
                FROM (SELECT row_number() OVER () AS n, item
                      FROM jsonb_path_query(OLD.details, 'strict $.**') AS item) AS was
                FULL JOIN (SELECT row_number() OVER () AS n, item
                           FROM jsonb_path_query(NEW.details, 'strict $.**') AS item) AS became
                    USING (n)
                WHERE was.item IS NULL OR became.item IS NULL
                    OR jsonb_typeof(was.item) <> jsonb_typeof(became.item)
                    OR (jsonb_typeof(was.item) = 'object'
                        AND ARRAY(SELECT jsonb_object_keys(was.item) ORDER BY 1)
                            <> ARRAY(SELECT jsonb_object_keys(became.item) ORDER BY 1))
                    OR (jsonb_typeof(was.item) = 'array'
                        AND jsonb_array_length(was.item) <> jsonb_array_length(became.item))
                    OR (jsonb_typeof(was.item) NOT IN ('object', 'array')
                        AND was.item <> became.item
                        AND NOT (jsonb_typeof(was.item) = 'string'
                                 AND became.item #>> '{}'
                                     ~ '^\u27e6pseudonym [0-9a-f]{64}\u27e7$'))
            )
        THEN
            RETURN NEW;
        END IF;
    END IF;
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
    installed_by=("audit", "0006_pseudonyms"),
    postgresql=(POSTGRESQL,),
    postgresql_drop=(POSTGRESQL_DROP,),
    sqlite=(),
    sqlite_drop=(),
)
