"""The set-based paths behind the payroll and statistics benchmarks: the same answers as the obvious
code, a pinned number of queries, hostile strings kept intact."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from jiceng.core.bulk import insert_values
from jiceng.core.excel import write_xlsx_table
from jiceng.people.models import Person
from jiceng.workforce import services, stats
from jiceng.workforce.models import CommitteeSeat, PayrollLine
from jiceng.workforce.tests.conftest import TODAY, hire

HOSTILE = ['=HYPERLINK("http://x")', 'a"b\\c', "{1,2}", "NULL", " lead", "x,y", "<b>&amp;</b>", "工作者\x01"]


def test_write_xlsx_table_keeps_text_as_text_and_amounts_exact():
    rows = [(i, name, "6217****1234", Decimal("1234.50") + i) for i, name in enumerate(HOSTILE, start=1)]
    book = load_workbook(io.BytesIO(write_xlsx_table(["序号", "姓名", "账号", "金额"], rows, title="2026-06")))
    sheet = book.worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert sheet.title == "2026-06" and got[0] == ("序号", "姓名", "账号", "金额")
    names = [r[1] for r in got[1:]]
    assert names[:-1] == HOSTILE[:-1] and names[-1] == "工作者"  # a control character is dropped
    assert all(c.data_type == "s" for c in sheet["B"][1:])  # never a formula
    assert [Decimal(str(r[3])) for r in got[1:]] == [r[3] for r in rows]
    assert sheet["D2"].number_format == "0.00"
    # the one writer also writes dates as dates (it was payroll's own fast path; now every export's)
    dated = load_workbook(io.BytesIO(write_xlsx_table(["a"], [(datetime.date(2026, 1, 1),)]))).worksheets[0]
    assert dated["A2"].value == datetime.datetime(2026, 1, 1) and dated["A2"].is_date


def test_insert_values_round_trips_hostile_strings(city, wf):
    run = services.payroll_prepare(actor=None, street=city.street, month=TODAY.replace(day=1))
    rows = [(run.pk, wf.staff.pk, wf.staff.unit_path, run.month, name, "", "other", 3, Decimal("1.20"), "",
             Decimal("1.0000"), Decimal("100.00"), Decimal("20.00"), Decimal("0.00"), "", Decimal("120.00"))
            for name in HOSTILE[:-1]]
    assert insert_values(PayrollLine, services.LINE_FIELDS, rows) == len(rows)
    stored = list(PayrollLine.objects.filter(run=run, name__in=HOSTILE).order_by("id").values_list("name", "total"))
    assert stored == [(name, Decimal("120.00")) for name in HOSTILE[:-1]]


def test_statistics_take_five_queries_and_count_exact_ages(city, wf, django_assert_num_queries):
    # born the day after the reference day 36 years earlier: still 35; born on it: 36
    day = stats.reference_day(TODAY.year, TODAY)
    young = stats.years_before(day, 36) + datetime.timedelta(days=1)
    old = stats.years_before(day, 36)
    hire(70, city.community, birth=young.strftime("%Y%m%d"))
    hire(71, city.community, birth=old.strftime("%Y%m%d"))
    for i, person in enumerate([wf.secretary.person, wf.staff.person]):
        services.seat_assign(actor=None, community=city.community, person=person, committee="party",
                             role=["secretary", "member"][i], term_start=datetime.date(TODAY.year - 1, 1, 1),
                             term_end=datetime.date(TODAY.year + 3, 12, 31))
    services.seat_assign(actor=None, community=city.community, person=wf.secretary.person, committee="residents",
                         role="director", term_start=datetime.date(TODAY.year - 1, 1, 1),
                         term_end=datetime.date(TODAY.year + 3, 12, 31))
    services.seat_assign(actor=None, community=city.community, person=wf.staff.person, committee="party",
                         role="secretary", term_start=datetime.date(TODAY.year - 6, 1, 1),
                         term_end=datetime.date(TODAY.year - 2, 12, 31))  # the previous term
    with django_assert_num_queries(5):
        data = stats.statistics(city.city, TODAY.year, today=TODAY)
    ages = [stats._age(p.birth_date, day) for p in Person.objects.filter(worker_posts__isnull=False).distinct()]
    expected = {band: sum(1 for a in ages if lo <= a <= hi) for lo, hi, band in stats.AGE_BANDS}
    assert data["by_age"] == expected and sum(expected.values()) == data["workers"] == 5
    for key in ("by_post", "by_channel", "by_education", "by_qualification", "by_sex"):
        assert sum(data[key].values()) == 5, key
    c = data["committees"]
    assert c["members"] == 2 and c["secretaries"] == 1 and c["one_shoulder_rate"] == 1.0
    people = [wf.secretary.person, wf.staff.person]
    assert c["average_age"] == round(sum(stats._age(p.birth_date, day) for p in people) / 2, 2)
    assert data["previous_term"]["members"] == 1 and {r["key"] for r in data["change"]} >= {"average_age"}
    assert CommitteeSeat.objects.filter(gender="").count() == 0
