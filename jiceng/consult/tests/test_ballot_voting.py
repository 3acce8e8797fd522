"""One vote per household, proven by an SMS code to the household's registered phone or recorded on paper
by a grid worker; bad input refused with a clear message and nothing written."""

import datetime

import pytest
from django.utils import timezone

from jiceng.consult import voting
from jiceng.consult.models.ballots import BallotPaper, BallotParticipation, VoteCode
from jiceng.core.errors import Conflict, ValidationFailed

from .conftest import last_code

pytestmark = pytest.mark.django_db
RESIDENT_PHONE = "13912345678"
MEMBER_PHONE = "13800001111"  # another person of the same household


def _vote(client, ballot, phone, code, options):
    return client.post(f"/api/v1/consult/ballots/{ballot.pk}/vote",
                       {"phone": phone, "code": code, "options": options}, content_type="application/json")


def test_a_household_votes_once_with_an_sms_code(ballot, client, ask_code):
    r = ask_code(client, ballot, RESIDENT_PHONE)
    assert r.status_code == 200 and r.json()["masked"] == "139****5678"
    r = _vote(client, ballot, RESIDENT_PHONE, last_code(), [ballot.opts[0].pk, ballot.opts[1].pk])
    assert r.status_code == 201
    assert BallotParticipation.objects.count() == 1 and BallotPaper.objects.count() == 1
    # The same household, from another member's phone: refused before a code is even sent.
    r = ask_code(client, ballot, MEMBER_PHONE)
    assert r.status_code == 409 and "已经投过票" in r.json()["detail"]
    assert BallotPaper.objects.count() == 1


def test_a_second_vote_with_a_second_code_is_refused_and_writes_nothing(ballot, client, ask_code):
    ask_code(client, ballot, RESIDENT_PHONE)
    first = last_code()
    VoteCode.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=2))
    ask_code(client, ballot, MEMBER_PHONE)
    second = last_code()
    assert _vote(client, ballot, RESIDENT_PHONE, first, [ballot.opts[0].pk]).status_code == 201
    r = _vote(client, ballot, MEMBER_PHONE, second, [ballot.opts[1].pk])
    assert r.status_code == 409 and r.json()["code"] == "already_voted"
    assert BallotPaper.objects.count() == 1 and BallotParticipation.objects.count() == 1


def test_a_wrong_code_is_refused_and_counts_a_try(ballot, client, ask_code):
    ask_code(client, ballot, RESIDENT_PHONE)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    r = _vote(client, ballot, RESIDENT_PHONE, wrong, [ballot.opts[0].pk])
    assert r.status_code == 422 and "验证码不正确" in r.json()["detail"]
    assert VoteCode.objects.get().attempts == 1
    assert not BallotPaper.objects.exists() and not BallotParticipation.objects.exists()


def test_an_expired_code_is_refused(ballot, client, ask_code):
    ask_code(client, ballot, RESIDENT_PHONE)
    VoteCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    r = _vote(client, ballot, RESIDENT_PHONE, last_code(), [ballot.opts[0].pk])
    assert r.status_code == 422 and r.json()["code"] == "code_missing"
    assert not BallotPaper.objects.exists()


def test_a_choice_over_the_budget_is_refused(ballot, client, ask_code):
    ask_code(client, ballot, RESIDENT_PHONE)
    r = _vote(client, ballot, RESIDENT_PHONE, last_code(), [ballot.opts[0].pk, ballot.opts[2].pk, ballot.opts[3].pk])
    assert r.status_code == 422 and "超过" in r.json()["detail"]
    assert not BallotPaper.objects.exists() and not VoteCode.objects.filter(used=True).exists()


def test_a_vote_after_the_ballot_closed_is_refused(ballot, city, client, ask_code):
    ask_code(client, ballot, RESIDENT_PHONE)
    code = last_code()
    voting.ballot_close(actor=city.users["street_official"], ballot=ballot)
    r = _vote(client, ballot, RESIDENT_PHONE, code, [ballot.opts[0].pk])
    assert r.status_code == 409 and "已结束" in r.json()["detail"]
    assert not BallotPaper.objects.exists()


def test_an_unregistered_number_gets_no_code(ballot, client, ask_code):
    r = ask_code(client, ballot, "13700000000")
    assert r.status_code == 422 and r.json()["code"] == "phone_unknown"
    assert not VoteCode.objects.exists()


def test_a_grid_worker_records_a_paper_ballot_with_their_name(ballot, city):
    voting.ballot_vote_paper(actor=city.users["grid_worker"], ballot=ballot, household=city.household,
                             option_ids=[ballot.opts[3].pk])
    part = BallotParticipation.objects.get()
    assert part.method == "paper" and part.recorded_by_name == "grid_worker"
    with pytest.raises(Conflict):
        voting.ballot_vote_paper(actor=city.users["grid_worker"], ballot=ballot, household=city.household,
                                 option_ids=[ballot.opts[0].pk])
    with pytest.raises(ValidationFailed):
        voting.ballot_vote_paper(actor=city.users["city_admin"], ballot=ballot, household=city.household2,
                                 option_ids=[ballot.opts[0].pk])
    assert BallotPaper.objects.count() == 1
