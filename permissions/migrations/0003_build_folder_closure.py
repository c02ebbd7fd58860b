"""Build the folder closure for folders that existed before ACLs."""

from django.db import migrations


def build(apps, schema_editor):
    Folder = apps.get_model("repository", "Folder")
    FolderAncestor = apps.get_model("permissions", "FolderAncestor")
    parents = dict(Folder.objects.values_list("pk", "parent_id"))
    rows = []
    for folder_id in parents:
        node, depth = folder_id, 0
        while node is not None:
            rows.append(FolderAncestor(folder_id=folder_id, ancestor_id=node, depth=depth))
            node, depth = parents.get(node), depth + 1
    FolderAncestor.objects.bulk_create(rows, batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("permissions", "0002_acl")]

    operations = [migrations.RunPython(build, migrations.RunPython.noop)]
