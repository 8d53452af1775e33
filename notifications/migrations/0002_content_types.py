"""Repoint the moved models' content types (workflows → notifications), so the permissions
granted on them, and admin log entries, keep pointing at the same rows."""
from django.db import migrations

MODELS = ("notification", "deadlinealert")


def _move(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        old = ContentType.objects.using(db).filter(app_label=source, model=model)
        if not old.exists():
            continue  # a fresh database: post_migrate creates the types under their new app
        # A duplicate under the new label exists only if post_migrate ran between 0001 and this
        # migration; it was just created, while the old type carries the granted permissions.
        ContentType.objects.using(db).filter(app_label=target, model=model).delete()
        old.update(app_label=target)


def forwards(apps, schema_editor):
    _move(apps, schema_editor, "workflows", "notifications")


def backwards(apps, schema_editor):
    _move(apps, schema_editor, "notifications", "workflows")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
