from django.db import migrations

# An approver's principals hold many decided tasks and few open ones. PostgreSQL's per-column
# statistics multiply the principals' share by the open share, overestimate the inbox's open
# tasks many times over, and then join them to every running run by hash instead of looking up
# the few runs by key (see bench/inbox.py --explain). Statistics on the pair of columns give
# the planner the real counts.
CREATE = """
CREATE STATISTICS IF NOT EXISTS task_principal_status_stats (mcv, ndistinct)
    ON principal, status FROM lifecycle_approvaltask;
ALTER STATISTICS task_principal_status_stats SET STATISTICS 1000;
"""
DROP = "DROP STATISTICS IF EXISTS task_principal_status_stats;"


def create_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0003_journals")]

    operations = [migrations.RunPython(create_statistics, drop_statistics)]
