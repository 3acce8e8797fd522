"""The two-committee seats page and the grade scale / pay tables page: forms, scope, audit, bad input."""

from decimal import Decimal

from jiceng.core.models import AuditEvent
from jiceng.workforce.models import CommitteeSeat, GradeScale, PayTable
from jiceng.workforce.tests.conftest import TODAY, YEAR, make_id

ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _seat(city, **over):
    body = {"community": city.community.code, "id_number": make_id(1, "19860101"), "committee": "party",
            "role": "secretary", "term_start": f"{YEAR - 1}-03-01", "term_end": f"{YEAR + 3}-02-28", "education": ""}
    body.update(over)
    return body


def test_the_street_records_a_seat_by_identity_number_and_the_page_lists_it(city, wf, client_for):
    client = client_for("street_official")
    before = AuditEvent.objects.filter(action="seat.assign").count()
    r = client.post(f"/workforce/seats/new/?unit={city.community.code}", _seat(city), **ZH)
    assert r.status_code == 302
    seat = CommitteeSeat.objects.get(community=city.community, role="secretary")
    assert seat.worker_id == wf.secretary.pk and seat.education == "master"  # the worker's, when not given
    assert (seat.gender, seat.birth_date) == (wf.secretary.person.gender, wf.secretary.person.birth_date)
    assert AuditEvent.objects.filter(action="seat.assign").count() == before + 1
    page = client.get(f"/workforce/seats/?unit={city.community.code}", **ZH).content.decode()
    assert wf.secretary.person.name in page and "党" in page
    assert f"{YEAR - 1}-03-01" in page
    # a second secretary for an overlapping term is refused with a message, nothing written
    r = client.post(f"/workforce/seats/new/?unit={city.community.code}", _seat(city, id_number=make_id(2)), **ZH)
    assert r.status_code == 409 or (r.status_code == 422 and "errors" in r.content.decode())
    assert CommitteeSeat.objects.filter(community=city.community, role="secretary").count() == 1


def test_bad_seats_get_a_chinese_message_and_nothing_is_written(city, wf, client_for):
    client = client_for("street_official")
    good = make_id(1, "19860101")
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    cases = [
        (_seat(city, id_number=bad), "校验位"),
        (_seat(city, id_number=make_id(99)), "登记"),  # nobody with this number in the registry
        (_seat(city, role="director"), "委员会"),  # a director sits on the residents' committee
        (_seat(city, term_end=f"{YEAR - 2}-01-01"), "任期"),
    ]
    before = (CommitteeSeat.objects.count(), AuditEvent.objects.count())
    for body, words in cases:
        r = client.post(f"/workforce/seats/new/?unit={city.community.code}", body, **ZH)
        assert r.status_code == 422, body
        assert words in r.content.decode(), (words, body)
    assert (CommitteeSeat.objects.count(), AuditEvent.objects.count()) == before


def test_the_community_may_see_seats_but_not_record_them(city, wf, client_for):
    client = client_for("community_worker")
    assert client.get(f"/workforce/seats/?unit={city.community.code}").status_code == 200
    r = client.post(f"/workforce/seats/new/?unit={city.community.code}", _seat(city))
    assert r.status_code == 403 and not CommitteeSeat.objects.exists()


def test_a_seat_holders_name_is_text_on_the_page(city, wf, client_for):
    from jiceng.workforce.tests.conftest import hire

    hire(60, city.community, name="<script>alert(1)</script>")
    client = client_for("street_official")
    assert client.post(f"/workforce/seats/new/?unit={city.community.code}",
                       _seat(city, id_number=make_id(60), role="member")).status_code == 302
    page = client.get(f"/workforce/seats/?unit={city.community.code}").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def _pay_body(base="3300.00", **over):
    body = {"year": YEAR, "base_amount": base, **{f"c{g}": f"{Decimal('1.00') + Decimal('0.10') * (g - 1)}"
                                                  for g in range(1, 19)}}
    body.update(over)
    return body


def test_the_county_edits_the_pay_table_and_the_grade_table_shows_it(city, wf, client_for):
    client = client_for("city_admin")
    r = client.post(f"/workforce/scale/{city.county.code}/pay/", _pay_body(c18="2.80"), **ZH)
    assert r.status_code == 302
    table = PayTable.objects.get(county=city.county, year=YEAR)
    assert table.base_amount == Decimal("3300.00") and table.coefficients["18"] == "2.80"
    event = AuditEvent.objects.filter(action="pay_table.set").order_by("-seq").first()
    assert event.changes["coefficients"] == {"18": ["2.70", "2.80"]}
    page = client.get(f"/workforce/scale/?unit={city.county.code}&year={YEAR}", **ZH).content.decode()
    assert 'data-standard="9240.00"' in page  # 3300.00 × 2.80 at grade 18
    assert 'data-standard="3300.00"' in page  # grade 1
    # the street sees its county's table, read only
    street_page = client_for("street_official").get(f"/workforce/scale/?unit={city.street.code}").content.decode()
    assert 'data-standard="9240.00"' in street_page and 'id="pay-form"' not in street_page


def test_bad_pay_tables_and_scales_change_nothing(city, wf, client_for):
    client = client_for("city_admin")
    before = (PayTable.objects.get(county=city.county, year=YEAR).coefficients, AuditEvent.objects.count())
    r = client.post(f"/workforce/scale/{city.county.code}/pay/", _pay_body(c10="0.90"), **ZH)  # below grade 9
    assert r.status_code == 422 and "系数" in r.content.decode()
    r = client.post(f"/workforce/scale/{city.county.code}/pay/", _pay_body(base="100.00"), **ZH)
    assert r.status_code == 422 and "基数" in r.content.decode()
    scale = {"principal_low": 12, "principal_high": 8, "deputy_low": 4, "deputy_high": 15, "other_low": 1,
             "other_high": 12, "years_per_grade": 3, "bachelor_years": 3, "master_years": 6, "doctor_years": 9}
    r = client.post(f"/workforce/scale/{city.county.code}/", scale, **ZH)
    assert r.status_code == 422
    assert (PayTable.objects.get(county=city.county, year=YEAR).coefficients, AuditEvent.objects.count()) == before
    assert not GradeScale.objects.exists()
    # the street may not set them
    r = client_for("street_official").post(f"/workforce/scale/{city.county.code}/pay/", _pay_body())
    assert r.status_code in (403, 404)
    assert AuditEvent.objects.count() == before[1]


def test_the_county_changes_the_years_per_grade_and_grades_are_recomputed(city, wf, client_for):
    scale = {"principal_low": 7, "principal_high": 18, "deputy_low": 4, "deputy_high": 15, "other_low": 1,
             "other_high": 12, "years_per_grade": 1, "bachelor_years": 3, "master_years": 6, "doctor_years": 9}
    from jiceng.workforce import services

    for year in range(2019, TODAY.year):
        services.evaluation_record(actor=None, worker=wf.staff, year=year,
                                   scores={"political": 20, "ability": 20, "performance": 25, "residents": 15})
    wf.staff.refresh_from_db()
    grade_before = wf.staff.grade
    r = client_for("city_admin").post(f"/workforce/scale/{city.county.code}/", scale)
    assert r.status_code == 302
    wf.staff.refresh_from_db()
    assert GradeScale.objects.get(county=city.county).years_per_grade == 1
    assert wf.staff.grade > grade_before
    assert AuditEvent.objects.filter(action="grade_scale.set").exists()
    page = client_for("city_admin").get(f"/workforce/scale/?unit={city.county.code}").content.decode()
    assert "工作每满 1 年" in page


def test_a_refusal_shows_its_reason_next_to_its_field(city, wf, client_for):
    """The pages run the services through core.views.form_submit: the service's zh-Hans reason stands next to
    the field it names, the page answers 422 and nothing is written."""
    client = client_for("city_admin")
    before = (PayTable.objects.get(county=city.county, year=YEAR).base_amount, AuditEvent.objects.count())
    r = client.post(f"/workforce/scale/{city.county.code}/pay/", _pay_body(base="100.00"), **ZH)
    body = r.content.decode()
    assert r.status_code == 422
    field = body.split('data-field="base_amount"', 1)
    assert len(field) == 2 and "500" in field[1].split("</span>", 1)[0] and "基数" in field[1].split("</span>", 1)[0]
    assert (PayTable.objects.get(county=city.county, year=YEAR).base_amount, AuditEvent.objects.count()) == before
    scale = {"principal_low": 12, "principal_high": 8, "deputy_low": 4, "deputy_high": 15, "other_low": 1,
             "other_high": 12, "years_per_grade": 3, "bachelor_years": 3, "master_years": 6, "doctor_years": 9}
    body = client.post(f"/workforce/scale/{city.county.code}/", scale, **ZH).content.decode()
    assert "18" in body.split('data-field="principal_low"', 1)[1].split("</span>", 1)[0]
    assert not GradeScale.objects.exists() and AuditEvent.objects.count() == before[1]
