"""Issue 10, item 11: a database reader/writer who does not hold JICENG_AUDIT_KEY tries to rewrite the
audit log quietly, and admin changes are looked for in the log."""

import base64
import hashlib
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test import Client

from jiceng.core.audit import GENESIS, LEGACY, audit_key, audit_rekey, audit_verify, event_digest
from jiceng.core.models import AuditEvent, AuditHead
from jiceng.core.testing import audit_writable


def _forge_with_sha256(from_seq: int):
    """What an attacker without the key does after editing event `from_seq`: recompute every hash from
    there on with the only function he has (SHA-256 over the same canonical payload), and the head."""
    events = list(AuditEvent.objects.order_by("seq"))
    prev = events[from_seq - 2].hash if from_seq > 1 else GENESIS
    with connection.cursor() as cursor:
        for ev in events[from_seq - 1:]:
            digest = event_digest(prev_hash=prev, seq=ev.seq, at=ev.at, actor_id=ev.actor_id, action=ev.action,
                                  object_type=ev.object_type, object_id=ev.object_id, unit_path=ev.unit_path,
                                  changes=ev.changes, key=LEGACY)
            cursor.execute("UPDATE core_auditevent SET prev_hash = %s, hash = %s WHERE id = %s", [prev, digest, ev.pk])
            prev = digest
        cursor.execute("UPDATE core_audithead SET hash = %s WHERE id = 1", [prev])


@pytest.mark.django_db(transaction=True)
def test_a_chain_rehashed_without_the_key_is_detected():
    from jiceng.conftest import build_city

    build_city()
    assert audit_verify()[2] == ""
    with audit_writable():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET changes = %s WHERE seq = 7", [json.dumps({"name": "forged"})])
        _forge_with_sha256(7)
    count, broken, reason = audit_verify()
    assert broken is not None and broken.seq == 7 and count == 6 and "key" in reason
    with pytest.raises(CommandError, match="#7"):
        call_command("audit_verify")


def test_the_hash_depends_on_the_key(city, settings):
    assert audit_verify()[2] == ""
    settings.JICENG_AUDIT_KEY = base64.b64encode(hashlib.sha256(b"someone else's key").digest()).decode()
    count, broken, reason = audit_verify()
    assert broken.seq == 1 and "key" in reason


@pytest.mark.django_db(transaction=True)
def test_an_existing_unkeyed_chain_is_verified_then_rekeyed_by_the_migration():
    from importlib import import_module

    from django.apps import apps

    from jiceng.conftest import build_city

    build_city()
    audit_rekey(old_key=audit_key(), new_key=LEGACY)  # the chain as the platform wrote it before the key
    assert audit_verify()[2] != "" and audit_verify(key=LEGACY)[2] == ""
    migration = import_module("jiceng.core.migrations.0004_audit_keyed_chain")
    migration.rekey(apps, None)
    count, broken, reason = audit_verify()
    assert reason == "" and count == AuditEvent.objects.count() > 20
    # The triggers are back: the log is append-only again.
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).update(action="tampered")


@pytest.mark.django_db(transaction=True)
def test_a_broken_unkeyed_chain_is_not_laundered_under_the_key():
    from importlib import import_module

    from django.apps import apps

    from jiceng.conftest import build_city

    build_city()
    audit_rekey(old_key=audit_key(), new_key=LEGACY)
    with audit_writable(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'person.nothing' WHERE seq = 5")
    with pytest.raises(RuntimeError, match="#5"):
        import_module("jiceng.core.migrations.0004_audit_keyed_chain").rekey(apps, None)
    assert audit_verify(key=LEGACY)[1].seq == 5  # left as found, for the investigation


def test_truncate_of_the_audit_log_is_refused_on_postgresql(city):
    if connection.vendor != "postgresql":
        pytest.skip("TRUNCATE triggers exist on PostgreSQL only (SQLite has no TRUNCATE)")
    before = AuditEvent.objects.count()
    for sql in ("TRUNCATE core_auditevent", "TRUNCATE core_audithead", "TRUNCATE core_auditevent, core_audithead",
                "DELETE FROM core_audithead", "DELETE FROM core_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEvent.objects.count() == before and AuditHead.objects.filter(pk=1).exists()
    assert audit_verify()[2] == ""


def _superuser(city):
    user = city.users["city_admin"]
    user.is_staff = user.is_superuser = True
    user.save()
    client = Client()
    client.force_login(user)
    return user, client


def test_admin_changes_users_grants_and_deletes_are_audited(city):
    from jiceng.accounts.models import Grant

    admin_user, client = _superuser(city)
    victim = city.users["grid_worker"]
    assert client.post(f"/admin/accounts/user/{victim.pk}/change/",
                       {"display_name": "改名", "is_active": "on"}).status_code == 302
    grant = Grant.objects.get(user=city.users["party_member"])
    assert client.post(f"/admin/accounts/grant/{grant.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()
    change = AuditEvent.objects.get(action="admin.change")
    assert (change.actor, change.object_type, change.object_id) == (admin_user, "accounts.user", str(victim.pk))
    assert "display_name" in change.changes["message"] or "Display name" in change.changes["message"]
    deletion = AuditEvent.objects.get(action="admin.delete")
    assert (deletion.actor, deletion.object_type, deletion.object_id) == (admin_user, "accounts.grant", str(grant.pk))
    assert audit_verify()[2] == ""
