"""On PostgreSQL the database itself refuses UPDATE and DELETE on the audit trail.

The model and its queryset already refuse them; the trigger also stops ad-hoc SQL, a bug that bypasses
the ORM, and a `QuerySet._raw_delete`. It is row-level, so a statement touching no event (a future
migration's guarded backfill) passes. TRUNCATE is not blocked: the test suite's flush uses it, and it
needs the table owner's rights anyway (docs/decisions/0015-audit-anchoring.md). A migration that must
rewrite events disables the trigger explicitly. SQLite has no plpgsql: a no-op there.
"""
from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION workflows_dossierevent_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'workflows_dossierevent is append-only: % refused', TG_OP
        USING HINT = 'Audit events are never changed or removed (docs/decisions/0005, 0015).';
END;
$$;
DROP TRIGGER IF EXISTS dossierevent_append_only ON workflows_dossierevent;
CREATE TRIGGER dossierevent_append_only
    BEFORE UPDATE OR DELETE ON workflows_dossierevent
    FOR EACH ROW EXECUTE FUNCTION workflows_dossierevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS dossierevent_append_only ON workflows_dossierevent;
DROP FUNCTION IF EXISTS workflows_dossierevent_append_only();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no placeholders: plpgsql's % stays as is
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("workflows", "0008_clockspan"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP), elidable=False),
    ]
