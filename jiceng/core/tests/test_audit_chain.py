"""The audit log is append-only and hash-chained; verification names the first broken record."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from jiceng.core.audit import audit_verify
from jiceng.core.models import AuditEvent
from jiceng.core.testing import audit_writable


def test_every_service_write_is_audited_with_actor_and_fields(city):
    ev = AuditEvent.objects.filter(action="person.create", object_id=str(city.resident_person.pk)).get()
    assert ev.changes["name"] == "张伟"
    assert ev.changes["id_number"] == "(set)"  # never the value itself
    assert "141002199003071230" not in str(ev.changes)


def test_an_intact_chain_verifies(city):
    count, broken, reason = audit_verify()
    assert reason == "" and broken is None and count == AuditEvent.objects.count()


def test_the_database_refuses_to_edit_the_log(city):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).update(action="tampered")
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent.objects.filter(seq=3).delete()


@pytest.mark.django_db(transaction=True)
def test_verification_names_the_first_edited_record():
    from jiceng.conftest import build_city

    build_city()
    with audit_writable():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE core_auditevent SET changes = %s WHERE seq = 7", ['{"name": "forged"}'])
    count, broken, reason = audit_verify()
    assert broken.seq == 7 and count == 6 and "hash" in reason
    with pytest.raises(CommandError, match="#7"):
        call_command("audit_verify")
