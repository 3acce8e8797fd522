"""Issue 10, item 11: every export leaves an audit event naming who downloaded what (never its content)."""

import pytest

from jiceng.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_unit_export_on_a_page_is_audited_with_its_path(client_for, city):
    response = client_for("community_worker").get(f"/units/{city.community.code}/export/units.xlsx")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="export.download").get()
    assert event.actor == city.users["community_worker"]
    assert event.changes["path"] == f"/units/{city.community.code}/export/units.xlsx"


def test_an_api_export_by_token_is_audited(client_for, city):
    from jiceng.accounts.services import token_create

    _, key = token_create(user=city.users["city_admin"], name="export")
    response = client_for(None).get(f"/api/v1/units/{city.county.code}/export.xlsx",
                                    headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 200
    event = AuditEvent.objects.filter(action="export.download").get()
    assert event.actor == city.users["city_admin"] and event.changes["path"].endswith("/export.xlsx")


def test_a_refused_export_writes_no_export_event(client_for, city):
    response = client_for("outsider").get(f"/units/{city.community.code}/export/units.xlsx")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action="export.download").exists()
