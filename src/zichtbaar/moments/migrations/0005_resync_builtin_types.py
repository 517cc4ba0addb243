from django.db import migrations


def load_types(apps, schema_editor):
    from zichtbaar.moments.services import sync_builtin_types

    sync_builtin_types(apps.get_model("moments", "MomentType"))


class Migration(migrations.Migration):
    dependencies = [("moments", "0004_icon_names")]
    operations = [migrations.RunPython(load_types, migrations.RunPython.noop)]
