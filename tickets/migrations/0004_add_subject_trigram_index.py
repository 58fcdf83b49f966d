"""Queue search by subject ("contains") uses a trigram index on PostgreSQL; other databases scan."""

from django.db import migrations

INDEX = "ticket_subject_trgm_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # The expression matches what Django emits for subject__icontains: UPPER("subject"::text).
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON tickets_ticket USING gin ((UPPER("subject"::text)) gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("tickets", "0003_drop_duplicate_fk_indexes")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
