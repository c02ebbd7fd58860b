"""Audit events keep, in place of personal data, pseudonyms the chain still verifies with
(`audit.keyed`): the digest of an emptied address, the seal of an event hashed before scheme 3;
and the append-only trigger lets exactly that replacement through (`audit.triggers`).

The SQL is this migration's own copy: later changes to the trigger come with their migration.
"""

from django.db import migrations, models

CREATE = r"""
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

# What 0003 installed: every UPDATE refused.
PREVIOUS = """
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


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def restore(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PREVIOUS, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0005_legal_holds_move_to_repository")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="ip_digest",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seal",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RunPython(install, restore),
    ]
