"""Django admin goes through the services and sees only the staff user's area."""

from jiceng.core.models import AuditEvent
from jiceng.orgs.models import Unit


def test_admin_creates_a_unit_through_the_service(client, city):
    admin = city.users["city_admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    response = client.post("/admin/orgs/unit/add/", {"kind": "grid", "code": "141002001001005", "name": "五网格",
                                                     "parent": city.community.pk, "address": ""})
    assert response.status_code == 302, response.content[:500]
    unit = Unit.objects.get(code="141002001001005")
    assert unit.path == city.community.path + "141002001001005/"
    assert AuditEvent.objects.filter(action="unit.create", object_id=str(unit.pk), actor=admin).exists()


def test_admin_lists_only_the_staff_users_area(client, city):
    official = city.users["outsider"]
    official.is_staff = official.is_superuser = True
    official.save()
    client.force_login(official)
    body = client.get("/admin/orgs/unit/?q=网格").content.decode()
    assert "鼓楼第一网格" in body and "五一路" not in body
