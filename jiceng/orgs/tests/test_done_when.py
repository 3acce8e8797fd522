"""Issue 2's 'done when', on the small city: live figures, a new grid counts at once."""


def test_a_new_grid_counts_at_once(client_for, city):
    client = client_for("city_admin")
    before = client.get("/api/v1/cockpit/figures").json()["figures"]
    response = client.post("/api/v1/units", {"parent": city.community.code, "kind": "grid",
                                             "code": "141002001001003", "name": "第三网格"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    after = client.get("/api/v1/cockpit/figures").json()["figures"]
    assert after["grids"] == before["grids"] + 1 == 4
    assert after["communities"] == 2 and after["streets"] == 2 and after["counties"] == 1
    assert after["grid_party_orgs"] == 1 and after["community_big_committees"] == 1
    assert after["part_time_committee_members"] == 1


def test_bad_input_is_explained_and_writes_nothing(client_for, city):
    client = client_for("city_admin")
    cases = [
        ({"parent": city.community.code, "kind": "street", "code": "141002001001003", "name": "x"}, 422, "kind"),
        ({"parent": city.community.code, "kind": "grid", "code": "14100200100100X", "name": "x"}, 422, "code"),
        ({"parent": city.community.code, "kind": "grid", "code": city.grid.code, "name": "x"}, 409, "code"),
        ({"parent": "999999999", "kind": "grid", "code": "141002001001004", "name": "x"}, 404, None),
    ]
    from jiceng.orgs.models import Unit

    count = Unit.objects.count()
    for body, status, field in cases:
        response = client.post("/api/v1/units", body, content_type="application/json")
        assert response.status_code == status, (body, response.content)
        assert response.json()["detail"]
        if field:
            assert response.json()["field"] == field
    assert Unit.objects.count() == count
    response = client.post(f"/api/v1/units/{city.community.code}/move", {"new_parent": city.community.code},
                           content_type="application/json")
    assert response.status_code == 422


def test_messages_are_in_chinese_by_default(client_for, city):
    response = client_for("city_admin").post("/api/v1/units", {"parent": city.community.code, "kind": "grid",
                                                               "code": "1", "name": "x"},
                                             content_type="application/json")
    assert "位" in response.json()["detail"]  # "网格的代码必须是15位数字"
