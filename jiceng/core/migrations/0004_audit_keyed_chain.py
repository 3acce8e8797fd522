"""Re-key an existing audit chain with JICENG_AUDIT_KEY (issue 10, item 11).

Chains written before this migration are hashed with plain SHA-256, which anyone with write access to
the database could recompute after an edit. This migration first verifies the whole chain as it was
written (unkeyed); only an intact chain is re-hashed, event by event, with HMAC-SHA256 under the key.
A chain that does not verify stops the migration with the first broken record named: it is a matter to
investigate, not to launder under a new key. An empty chain (a new database) needs nothing."""

from django.db import migrations


def rekey(apps, schema_editor):
    from jiceng.core.audit import LEGACY, audit_key, audit_rekey

    audit_rekey(old_key=LEGACY, new_key=audit_key(), schema_editor=schema_editor,
                model=apps.get_model("core", "AuditEvent"), head_model=apps.get_model("core", "AuditHead"))


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_no_truncate")]
    operations = [migrations.RunPython(rekey, migrations.RunPython.noop)]
