"""The ballot is secret: no column, query, export or audit record links a household to its choice."""

import io

import pytest
from django.db import models
from openpyxl import load_workbook

from jiceng.consult import voting
from jiceng.consult.exports import export
from jiceng.consult.models.ballots import BallotPaper, BallotParticipation
from jiceng.core.models import AuditEvent

from .conftest import last_code

pytestmark = pytest.mark.django_db


def test_a_paper_has_no_household_no_user_no_time_and_a_random_key():
    fields = {f.name: f for f in BallotPaper._meta.concrete_fields}
    assert set(fields) == {"id", "ballot", "choices"}
    assert isinstance(fields["id"], models.UUIDField)
    part_fields = BallotParticipation._meta.concrete_fields
    assert not any(isinstance(f, models.DateField | models.DateTimeField) for f in part_fields)
    assert not any(f.is_relation and f.related_model is BallotPaper for f in part_fields)
    assert not any(f.is_relation and f.related_model is BallotParticipation for f in BallotPaper._meta.get_fields())


def _vote_sms(client, ballot, phone, options, ask_code):
    ask_code(client, ballot, phone)
    r = client.post(f"/api/v1/consult/ballots/{ballot.pk}/vote", {"phone": phone, "code": last_code(),
                                                                  "options": options}, content_type="application/json")
    assert r.status_code == 201


def test_no_audit_event_or_export_links_a_household_to_its_choice(ballot, city, client, ask_code):
    _vote_sms(client, ballot, "13912345678", [ballot.opts[1].pk, ballot.opts[3].pk], ask_code)
    from jiceng.orgs.services import unit_create

    neighbour = unit_create(actor=None, parent=city.building, kind="household", code="1410020010010010010010102",
                            name="1单元102室")
    voting.ballot_vote_paper(actor=city.users["grid_worker"], ballot=ballot, household=neighbour,
                             option_ids=[ballot.opts[0].pk])
    papers = [str(p) for p in BallotPaper.objects.values_list("id", flat=True)]
    choices = set(BallotPaper.objects.values_list("choices", flat=True))
    households = {city.household.code, str(city.household.pk), neighbour.code, str(neighbour.pk)}
    for ev in AuditEvent.objects.filter(action__startswith="ballot."):
        blob = f"{ev.object_type} {ev.object_id} {ev.unit_path} {ev.changes}"
        assert not any(p in blob for p in papers), ev.action
        assert not any(h in blob for h in households), ev.action
        assert not any(c in str(ev.changes) for c in choices if "," in c), ev.action
        if ev.action in ("ballot.vote", "ballot.vote_code_send"):
            assert ev.unit_path == ballot.unit_path and ev.object_id == str(ballot.pk)
    # Exports: the participation sheet has no choices, the papers sheet no household and no key.
    admin = city.users["city_admin"]
    parts = load_workbook(io.BytesIO(export(user=admin, unit=city.city, table="participation")[0])).active
    header = [c.value for c in parts[1]]
    assert len(header) == 4 and all(str(ballot.opts[0].pk) != str(v) for row in parts.iter_rows(min_row=2, values_only=True)
                                    for v in row[2:])
    sheet = load_workbook(io.BytesIO(export(user=admin, unit=city.city, table="papers")[0])).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [len(r) for r in rows] == [2, 2]
    assert [r[1] for r in rows] == sorted(r[1] for r in rows)  # sorted by content, not by arrival
    assert not any(h in str(rows) for h in households)


def test_papers_cannot_be_ordered_against_participations(ballot, city):
    """The bulk path shuffles papers; ids are random UUIDs: their order says nothing about who voted when."""
    from jiceng.orgs.services import unit_create

    households = [unit_create(actor=None, parent=city.building, kind="household",
                              code=f"14100200100100100100102{i:02d}", name=f"{i}室") for i in range(30)]
    voting.ballots_bulk_cast(ballot=ballot, votes=[(h, [ballot.opts[i % 4].pk]) for i, h in enumerate(households)])
    by_key = list(BallotPaper.objects.order_by("id").values_list("choices", flat=True))
    arrival = [str(ballot.opts[i % 4].pk) for i in range(30)]
    assert sorted(by_key) == sorted(arrival) and by_key != arrival
