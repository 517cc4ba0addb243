"""The shared cache's table (settings.CACHES), so that `migrate` is all a new install needs."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    # createcachetable skips tables that exist and caches that are not in the database.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0002_import_job")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
