"""The hotline operator's form: a call becomes a case at the grid of its location, the operator sees
the code to read out, a double submit makes one case, and bad input is shown on the form."""

from jiceng.cases.models import Case


def test_an_operator_records_a_call_and_gets_the_code(client_for, city):
    c = client_for("street_official")
    page = c.get("/cases/hotline/")
    assert page.status_code == 200 and 'name="token"' in page.content.decode()
    form = {"category": "E0101", "description": "来电：楼下垃圾", "lat": "36.05", "lng": "111.42",
            "name": "李四", "phone": "13912345678", "token": "t-1"}
    r = c.post("/cases/hotline/", form, follow=True)
    case = Case.objects.get()
    assert case.source == "hotline" and case.grid == city.grid and case.reporter_id == city.users["street_official"].pk
    assert case.code in r.content.decode()
    c.post("/cases/hotline/", form)  # a double click: same token, no second case
    assert Case.objects.count() == 1


def test_bad_input_is_shown_on_the_form_and_nothing_is_written(client_for):
    c = client_for("grid_worker")
    r = c.post("/cases/hotline/", {"category": "E0101", "description": "城外", "lat": "30", "lng": "100"})
    assert r.status_code == 422 and 'id="form-error"' in r.content.decode()
    assert Case.objects.count() == 0


def test_roles_without_a_write_grant_are_refused(client_for):
    assert client_for("resident").get("/cases/hotline/").status_code == 403
    assert client_for("party_member").post("/cases/hotline/", {"category": "E0101"}).status_code == 403
