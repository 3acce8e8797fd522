"""A street below 800,000 appears on its county's compliance table, gets a reminder letter, and leaves
the table (the letter resolved) when its budget is raised."""

import datetime

import pytest
from django.utils import timezone

from jiceng.core.errors import ValidationFailed
from jiceng.core.models import AuditEvent
from jiceng.funds import selectors, services
from jiceng.funds.figures import figures
from jiceng.funds.models import ReminderLetter

from .conftest import YEAR

pytestmark = pytest.mark.django_db


def test_a_short_street_is_listed_with_its_shortfall(compliant, types):
    services.budget_set(actor=None, unit=compliant.street, year=YEAR, fund_type=types["street_running"],
                        source="county", amount="650000")
    short = selectors.shortfalls(compliant.county, YEAR)
    assert [(r.code, r.shortfall) for r in short] == [(compliant.street.code, 150000)]


def test_sources_add_up_to_the_total(compliant, types):
    services.budget_set(actor=None, unit=compliant.street, year=YEAR, fund_type=types["street_running"],
                        source="county", amount="500000")
    assert selectors.shortfalls(compliant.county, YEAR)
    services.budget_set(actor=None, unit=compliant.street, year=YEAR, fund_type=types["street_running"],
                        source="city", amount="300000")
    assert selectors.shortfalls(compliant.county, YEAR) == []


def test_reminder_letter_lifecycle_on_the_pages(compliant, types, client_for):
    services.budget_set(actor=None, unit=compliant.street, year=YEAR, fund_type=types["street_running"],
                        source="county", amount="700000")
    admin = client_for("city_admin")
    page = admin.get(f"/funds/compliance/?unit={compliant.county.code}&year={YEAR}")
    assert compliant.street.name in page.content.decode()
    deadline = timezone.localdate() + datetime.timedelta(days=30)
    r = admin.post("/funds/letters/", {"county": compliant.county.code, "year": YEAR, "deadline": deadline})
    assert r.status_code == 302
    letter = ReminderLetter.objects.get()
    assert letter.resolved_at is None and letter.shortfalls == 1
    assert AuditEvent.objects.filter(action="reminder_letter.send").count() == 1
    # A second letter while the first is open is refused.
    r = admin.post("/funds/letters/", {"county": compliant.county.code, "year": YEAR, "deadline": deadline})
    assert r.status_code == 422 and ReminderLetter.objects.count() == 1
    # The county raises the street's budget (through the API): the street leaves the table, the letter resolves.
    r = admin.put("/api/v1/funds/budgets", {"unit": compliant.street.code, "year": YEAR,
                                            "fund_type": "street_running", "source": "county", "amount": "800000"},
                  content_type="application/json")
    assert r.status_code == 200
    letter.refresh_from_db()
    assert letter.resolved_at is not None
    page = admin.get(f"/funds/compliance/?unit={compliant.county.code}&year={YEAR}")
    assert compliant.street.name not in page.content.decode().split('id="compliance"')[1].split("</table>")[0]


def test_no_letter_for_a_compliant_county(compliant):
    with pytest.raises(ValidationFailed) as exc:
        services.reminder_letter_send(actor=compliant.users["city_admin"], county=compliant.county, year=YEAR,
                                      deadline=timezone.localdate() + datetime.timedelta(days=5))
    assert getattr(exc.value, "code", "") == "compliant"


def test_standards_are_configurable_per_year(compliant, types):
    services.fund_standard_set(actor=compliant.users["city_admin"], year=YEAR, fund_type=types["street_running"],
                               minimum="900000")
    assert len(selectors.shortfalls(compliant.county, YEAR)) == 2
    assert selectors.standards(YEAR + 1)[types["street_running"].pk] == 800000


def test_figures_count_compliant_units_live(compliant, types):
    today = timezone.localdate()
    assert figures(compliant.city, today=today)["streets_running_funds_compliant"] == 2
    assert figures(compliant.city, today=today)["communities_funds_compliant"] == 2
    services.budget_set(actor=None, unit=compliant.community, year=YEAR, fund_type=types["community_service"],
                        source="street", amount="99999.99")
    assert figures(compliant.city, today=today)["communities_funds_compliant"] == 1


def test_compliance_for_the_city_is_a_fixed_number_of_queries(compliant, django_assert_num_queries):
    selectors.fund_types()
    with django_assert_num_queries(4):  # fund types, standards, units, budget totals
        selectors.compliance(compliant.city, YEAR)


def test_the_summary_from_the_table_needs_no_query(compliant, types, django_assert_num_queries):
    services.budget_set(actor=None, unit=compliant.community2, year=YEAR, fund_type=types["community_work"],
                        source="street", amount="1000")
    table = selectors.compliance(compliant.city, YEAR)
    with django_assert_num_queries(0):
        summary = selectors.compliance_summary(compliant.city, YEAR, table)
    assert (summary["streets"], summary["streets_compliant"]) == (2, 2)
    assert (summary["communities"], summary["communities_compliant"]) == (2, 1)
    assert [r.code for r in summary["short"]] == [compliant.community2.code]


def test_a_county_table_holds_only_its_own_streets_and_communities(compliant):
    from jiceng.orgs import services as orgs

    other = orgs.unit_create(actor=None, parent=compliant.city, kind="county", code="141003", name="侯马市")
    orgs.unit_create(actor=None, parent=other, kind="street", code="141003001", name="路东街道")
    county = selectors.compliance(compliant.county, YEAR)
    whole = selectors.compliance(compliant.city, YEAR)
    assert (county.streets, whole.streets) == (2, 3)
    assert "141003001" not in {r.code for r in county} and "141003001" in {r.code for r in whole}
