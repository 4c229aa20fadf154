"""Re-hash an audit chain written before PMO_AUDIT_KEY (plain SHA-256) with the key.

Only a chain that verifies as it stands is re-hashed, so an earlier rewrite is not laundered: a
chain that does not verify is left as it is and ``pmo audit verify`` keeps naming its break.
"""

from django.db import migrations


def key_the_chain(apps, schema_editor):
    from pmo.core import audit

    try:
        audit.rekey(old_key=None, event_model=apps.get_model("core", "AuditEvent"),
                    head_model=apps.get_model("core", "AuditChainHead"))
    except audit.ChainBroken:
        pass


class Migration(migrations.Migration):
    dependencies = [("core", "0002_audit_chain_head")]
    operations = [migrations.RunPython(key_the_chain, migrations.RunPython.noop)]
