"""
On PostgreSQL, forbid two overlapping slots of one mentor in the database itself (btree_gist
exclusion constraint). SQLite has no equivalent; there ``services.slot_create`` enforces the rule.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE schedule_slot ADD CONSTRAINT schedule_slot_no_overlap
    EXCLUDE USING gist (mentor_id WITH =, tstzrange("start", "end", '[)') WITH &&);
"""
DROP = "ALTER TABLE schedule_slot DROP CONSTRAINT IF EXISTS schedule_slot_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("schedule", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
