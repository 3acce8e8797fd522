import datetime
import re

import pytest
from django.utils import timezone


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JICENG_NOTIFY_WEBHOOK_URL = ""


@pytest.fixture
def ballot(city):
    """An open street-wide ballot in S1 with a budget of 100,000 and four projects."""
    from jiceng.consult import voting

    b = voting.ballot_create(actor=city.users["street_official"], unit=city.street, title="解放路街道民生微实事",
                             budget="100000", closes_at=timezone.now() + datetime.timedelta(days=7))
    b.opts = [voting.ballot_option_add(actor=None, ballot=b, title=t, cost=c) for t, c in
              (("加装路灯", "40000"), ("修缮凉亭", "30000"), ("健身器材", "50000"), ("垃圾分类亭", "20000"))]
    voting.ballot_open(actor=None, ballot=b)
    b.refresh_from_db()
    return b


def last_code() -> str:
    from jiceng.core.notify import ConsoleSmsGateway

    return re.search(r"\d{6}", ConsoleSmsGateway.sent[-1][1]).group(0)


@pytest.fixture
def ask_code(django_capture_on_commit_callbacks):
    """ask_code(client, ballot, phone) -> the response; the SMS goes out (console gateway) as after a commit."""

    def ask(client, ballot, phone):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/v1/consult/ballots/{ballot.pk}/code", {"phone": phone},
                               content_type="application/json")

    return ask
