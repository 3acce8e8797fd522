"""Issue 10, item 5: a grid worker (no `reveal_pii`) tries to rebuild a resident's identity number from
everything the pages, the API and the exports show, and to confirm guesses with an exact search.

The number is county code (6) + birth date (8) + sequence (3) + check digit. The household code carries
the county code, so if any view showed the birth date and the masked number kept its last four
characters, the number would be whole again; the old mask also kept the first four.
"""

import io
import re

import openpyxl
import pytest
from django.utils import timezone

from jiceng.conftest import ID_R1
from jiceng.core.models import AuditEvent
from jiceng.core.pii import age_on, id_check_digit

BIRTH_FORMS = ("19900307", "1990-03-07", "1990/03/07", "1990年3月7日", "1990年03月07日", "March 7, 1990",
               "Mar. 7, 1990", "1990-3-7", "1990.03.07")
UNKNOWN_ID = "110101198001010010"  # valid check digit, registered nowhere


def _everything_a_grid_worker_sees(client, city) -> str:
    """The text of every page, API answer and export that shows the resident (张伟)."""
    person = city.resident_person
    texts = []
    for url in ("/people/", f"/people/?unit={city.household.code}", f"/people/{person.pk}/",
                f"/units/{city.household.code}/", "/api/v1/people", f"/api/v1/people/{person.pk}",
                f"/api/v1/people?unit={city.grid.code}", "/api/v1/auth/me"):
        response = client.get(url)
        assert response.status_code == 200, url
        texts.append(response.content.decode())
    for url in (f"/api/v1/people/export.xlsx?unit={city.grid.code}",
                f"/units/{city.grid.code}/export/people.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        texts.append(" ".join(str(c) for row in book.worksheets[0].iter_rows(values_only=True) for c in row))
    return "\n".join(texts)


def test_a_grid_worker_cannot_rebuild_an_identity_number_from_what_is_shown(client_for, city):
    seen = _everything_a_grid_worker_sees(client_for("grid_worker"), city)
    assert "张伟" in seen and "**************1230" in seen  # the resident is there, masked to the last four
    assert ID_R1 not in seen
    assert "1410**" not in seen  # no leading characters of the number
    for form in BIRTH_FORMS:
        assert form not in seen, f"the birth date is shown as {form}"
    assert "139****5678" in seen and "13912345678" not in seen
    # What the attacker can still assemble: the county (from the household code), the last four and an age.
    county = city.household.code[:6]
    last4 = re.search(r"\*{14}(\d{3}[\dX])", seen).group(1)
    # With an age, the birth date is one of ~366 days: the check digit leaves dozens of candidates and
    # nothing confirms one (see the search tests below).
    import datetime

    today = timezone.localdate()
    candidates = []
    day = datetime.date(today.year - 120, 1, 1)
    age = age_on(city.resident_person.birth_date, today)
    while day <= today:
        if age_on(day, today) == age:
            first17 = county + day.strftime("%Y%m%d") + last4[:3]
            if id_check_digit(first17) == last4[3]:
                candidates.append(first17 + last4[3])
        day += datetime.timedelta(days=1)
    assert ID_R1 in candidates and len(candidates) > 10


@pytest.mark.parametrize("query", [ID_R1, "13912345678", "139 1234 5678"])
def test_an_exact_number_search_without_reveal_pii_confirms_nothing(client_for, city, query):
    client = client_for("grid_worker")
    hit = client.get("/api/v1/people", {"q": query}).json()
    miss = client.get("/api/v1/people", {"q": UNKNOWN_ID}).json()
    assert hit == miss == {"count": 0, "results": []}
    for params in ({"id_number": ID_R1}, {"phone": "13912345678"}):
        assert client.get("/api/v1/people", params).json() == {"count": 0, "results": []}
    page = client.get("/people/", {"q": query}).content.decode()
    assert "张伟" not in page
    # The attempt is on record, marked as made without the right to reveal.
    events = AuditEvent.objects.filter(action="person.search", actor=city.users["grid_worker"])
    assert events.exists() and all(e.changes["may_reveal"] is False for e in events)


def test_an_exact_number_search_is_a_reveal_for_roles_that_may_and_is_audited(client_for, city):
    client = client_for("community_worker")
    before = AuditEvent.objects.filter(action="person.search").count()
    data = client.get("/api/v1/people", {"q": ID_R1}).json()
    assert data["count"] == 1 and data["results"][0]["name"] == "张伟"
    event = AuditEvent.objects.filter(action="person.search").order_by("-seq").first()
    assert AuditEvent.objects.filter(action="person.search").count() == before + 1
    assert event.actor == city.users["community_worker"]
    assert event.changes == {"by": "id_number", "may_reveal": True}
    assert ID_R1 not in str(event.changes)


def test_the_api_shows_an_age_never_a_birth_date(client_for, city):
    data = client_for("grid_worker").get(f"/api/v1/people/{city.resident_person.pk}").json()
    assert "birth_date" not in data
    assert data["age"] == age_on(city.resident_person.birth_date, timezone.localdate())
    assert data["id_number"] == "**************1230" and data["phone"] == "139****5678"


def test_people_exports_are_audited(client_for, city):
    client_for("grid_worker").get(f"/api/v1/people/export.xlsx?unit={city.grid.code}")
    event = AuditEvent.objects.filter(action="person.export").get()
    assert event.actor == city.users["grid_worker"] and event.changes["unit"] == city.grid.code
