"""A resident votes from a phone (390×844) with an SMS code (console gateway); a second vote from the same
household is refused; the ballot closes and its winners appear as livelihood projects."""

import datetime
import re

import pytest
from django.utils import timezone

from jiceng.conftest import build_city


def _code(sent_before):
    from jiceng.core.notify import ConsoleSmsGateway

    assert len(ConsoleSmsGateway.sent) > sent_before
    return re.search(r"\d{6}", ConsoleSmsGateway.sent[-1][1]).group(0)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_resident_votes_from_a_phone_and_the_household_cannot_vote_twice(page, settings):
    from jiceng.consult import voting
    from jiceng.consult.models.ballots import BallotPaper, BallotParticipation
    from jiceng.core.notify import ConsoleSmsGateway
    from jiceng.funds.models import LivelihoodProject

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    city = build_city()
    ballot = voting.ballot_create(actor=None, unit=city.street, title="民生微实事", budget="100000",
                                  closes_at=timezone.now() + datetime.timedelta(days=3))
    lamps = voting.ballot_option_add(actor=None, ballot=ballot, title="加装路灯", cost="60000")
    voting.ballot_option_add(actor=None, ballot=ballot, title="修缮凉亭", cost="50000")
    voting.ballot_open(actor=None, ballot=ballot)

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/consult/vote/{ballot.pk}/")
    boxes = page.locator("input[name=options]")
    boxes.nth(0).check()
    boxes.nth(1).check()
    assert page.is_visible("#over")  # 110,000 > 100,000: the page says so before anything is sent
    boxes.nth(1).uncheck()
    assert page.inner_text("#total") == "60000.00"
    page.fill("#id_phone", "13912345678")
    before = len(ConsoleSmsGateway.sent)
    page.click("#code-button")
    page.wait_for_selector("#code-sent")
    assert "139****5678" in page.inner_text("#code-sent")
    page.fill("#id_code", _code(before))
    page.click("#vote-button")
    page.wait_for_selector("#vote-done")
    assert BallotParticipation.objects.count() == 1 and BallotPaper.objects.get().choices == str(lamps.pk)

    # Another member of the same household tries again: refused, in Chinese, nothing written.
    page.goto(f"/consult/vote/{ballot.pk}/")
    page.locator("input[name=options]").nth(1).check()
    page.fill("#id_phone", "13800001111")
    page.click("#code-button")
    page.wait_for_selector("#vote-error")
    assert "已经投过票" in page.inner_text("#vote-error")
    assert BallotPaper.objects.count() == 1

    voting.ballot_close(actor=None, ballot=ballot)
    project = LivelihoodProject.objects.get()
    assert project.title == "加装路灯" and project.source_ref == str(lamps.pk)
    page.goto(f"/consult/vote/{ballot.pk}/")
    assert "投票已结束" in page.content()
    assert page.outside_requests == []
