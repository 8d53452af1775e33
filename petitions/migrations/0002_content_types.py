"""Repoint the moved model's content type (workflows.complaint → petitions.petition) and rename its
permissions (add_complaint → add_petition, …), so the permissions granted on it, and the admin log
entries, keep pointing at the same rows."""
from django.db import migrations

OLD, NEW = ("workflows", "complaint"), ("petitions", "petition")
ACTIONS = ("add", "change", "delete", "view")


def _move(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    db = schema_editor.connection.alias
    old = ContentType.objects.using(db).filter(app_label=source[0], model=source[1]).first()
    if old is None:
        return  # a fresh database: post_migrate creates the type and permissions under the new name
    # A duplicate under the new name exists only if post_migrate ran in between; it was just
    # created, while the old type carries the granted permissions.
    stale = ContentType.objects.using(db).filter(app_label=target[0], model=target[1])
    Permission.objects.using(db).filter(content_type__in=stale).delete()
    stale.delete()
    old.app_label, old.model = target
    old.save(update_fields=["app_label", "model"])
    for action in ACTIONS:
        Permission.objects.using(db).filter(content_type=old, codename=f"{action}_{source[1]}").update(
            codename=f"{action}_{target[1]}")


def forwards(apps, schema_editor):
    _move(apps, schema_editor, OLD, NEW)


def backwards(apps, schema_editor):
    _move(apps, schema_editor, NEW, OLD)


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("petitions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
