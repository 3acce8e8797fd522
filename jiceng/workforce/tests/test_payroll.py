"""Monthly payroll: Decimal end to end, the run's total is the sum of its lines, approved runs are frozen,
later grade changes come as adjustments, the bank sheet matches the pay slips to the fen."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from jiceng.core.errors import Conflict, Forbidden
from jiceng.workforce import pay, services
from jiceng.workforce.models import PayrollLine, PayrollRun
from jiceng.workforce.tests.conftest import TODAY

MONTH = TODAY.replace(day=1)
LAST = (MONTH - datetime.timedelta(days=1)).replace(day=1)


def _ensure_tables(city, wf):
    if LAST.year != TODAY.year:
        services.pay_table_set(actor=None, county=city.county, year=LAST.year, base_amount="3000.00")


def test_the_run_total_is_the_sum_of_its_lines_in_decimal(city, wf):
    services.attendance_set(actor=None, worker=wf.staff, month=MONTH, days_required=22, days_present=19)
    run = services.payroll_prepare(actor=city.users["street_official"], street=city.street, month=MONTH)
    lines = list(PayrollLine.objects.filter(run=run))
    assert len(lines) == 2  # the two workers of S1 (K1), not S2's
    assert all(isinstance(line.total, Decimal) for line in lines)
    run.refresh_from_db()
    assert run.total == sum(line.total for line in lines)
    for line in lines:
        assert line.basic + line.performance + line.adjustment == line.total
    staff = next(line for line in lines if line.worker_id == wf.staff.pk)
    coefficient = Decimal(wf.table.coefficients[str(staff.grade)])
    standard = Decimal("3000.00") * coefficient
    expected = (standard * Decimal("0.7") + standard * Decimal("0.3") * (Decimal(19) / Decimal(22)).quantize(
        Decimal("0.0001"))).quantize(Decimal("0.01"))
    assert staff.total == expected


def test_the_community_may_not_prepare_and_the_street_may_not_approve(city, wf):
    with pytest.raises(Exception):  # noqa: B017 (404: the street is outside the community worker's area)
        services.payroll_prepare(actor=city.users["community_worker"], street=city.street, month=MONTH)
    run = services.payroll_prepare(actor=city.users["street_official"], street=city.street, month=MONTH)
    with pytest.raises(Forbidden):
        services.payroll_approve(actor=city.users["street_official"], run=run)
    services.payroll_approve(actor=city.users["city_admin"], run=run)
    assert PayrollRun.objects.get(pk=run.pk).status == "approved"


def test_an_approved_month_is_frozen(city, wf):
    run = services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    services.payroll_approve(actor=None, run=run)
    before = list(PayrollLine.objects.filter(run=run).values_list("id", "total"))
    with pytest.raises(Conflict):
        services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    assert list(PayrollLine.objects.filter(run=run).values_list("id", "total")) == before


def test_a_later_grade_change_shows_as_an_adjustment_next_month_never_as_an_edit(city, wf):
    _ensure_tables(city, wf)
    # staff hired 2019-06-01 has no evaluation: its anniversaries were held
    run = services.payroll_prepare(actor=None, street=city.street, month=LAST)
    services.payroll_approve(actor=None, run=run)
    paid = PayrollLine.objects.get(run=run, worker=wf.staff)
    services.evaluation_record(actor=None, worker=wf.staff, year=2021,
                               scores={"political": 20, "ability": 20, "performance": 25, "residents": 15})
    assert PayrollLine.objects.get(pk=paid.pk).total == paid.total  # the approved line is untouched
    nxt = services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    line = PayrollLine.objects.get(run=nxt, worker=wf.staff)
    table = wf.table if LAST.year == TODAY.year else services.PayTable.objects.get(year=LAST.year)
    coefficients = pay.parse_coefficients(table.coefficients)
    wf.staff.refresh_from_db()
    should = pay.line_amounts(table.base_amount, coefficients[wf.staff.grade], "", Decimal(1))[2]
    assert line.adjustment == should - paid.total > 0
    assert LAST.strftime("%Y-%m") in line.adjustment_note
    # the next month settles nothing twice
    services.payroll_approve(actor=None, run=nxt)


def test_the_bank_sheet_matches_the_pay_slips_to_the_fen(city, wf, client_for):
    run = services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    services.payroll_approve(actor=None, run=run)
    response = client_for("street_official").get(f"/workforce/payrolls/{run.pk}/bank.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("序号", "姓名", "账号", "金额（元）")
    body = rows[1:]
    assert all("*" in r[2] for r in body)  # masked accounts only
    slips = {}
    for line in PayrollLine.objects.filter(run=run):
        page = client_for("community_worker").get(f"/workforce/workers/{line.worker_id}/payslips/{MONTH:%Y-%m}/")
        assert page.status_code == 200
        text = page.content.decode()
        start = text.index('data-total="') + len('data-total="')
        slips[line.name] = Decimal(text[start:text.index('"', start)])
    assert {r[1]: Decimal(str(r[3])) for r in body} == slips
    assert sum(slips.values()) == PayrollRun.objects.get(pk=run.pk).total


def test_a_prepared_run_does_not_go_to_the_bank(city, wf, client_for):
    run = services.payroll_prepare(actor=None, street=city.street, month=MONTH)
    assert client_for("street_official").get(f"/workforce/payrolls/{run.pk}/bank.xlsx").status_code == 409
