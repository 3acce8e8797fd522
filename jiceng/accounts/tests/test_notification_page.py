"""The in-app notification page (/accounts/inbox/): every capability's notifications in one list (a case's,
a call's offer, a meeting invitation, a card for the desk); the user sees their own and their units' desks',
nobody sees another area's; 'mark all as read' clears the new badge; the old cases URL redirects."""

from django.db import transaction

from jiceng.core.models import Notification
from jiceng.core.notify import Message, notify_many
from jiceng.core.testing import assert_queries


def _send(city, n=1):
    with transaction.atomic():
        notify_many([
            Message(kind="case.status", text=f"事件{i}已受理", user_ids=[city.users["resident"].pk],
                    subject_type="cases.case", subject_id=str(i), subject_label=f"事件{i}", link=f"/cases/C{i}/")
            for i in range(n)] + [
            Message(kind="call.offer", text="战时岗位邀请", user_ids=[city.users["party_member"].pk], urgent=True,
                    subject_type="mobilize.assignment", subject_id="7", subject_label="值守", link="/mobilize/"),
            Message(kind="meeting.invite", text="联席会议邀请", user_ids=[city.users["party_member"].pk],
                    subject_type="meetings.invitation", subject_id="3", subject_label="月度会议",
                    link="/meetings/invitations/3/"),
            Message(kind="card.raise", text="网格督办卡", unit_path=city.grid.path, subject_type="core.card",
                    subject_id="1", subject_label="督办", link="/"),
            Message(kind="card.raise", text="鼓楼督办卡", unit_path=city.street2.path, subject_type="core.card",
                    subject_id="2", subject_label="督办", link="/")])


def test_each_user_sees_every_apps_notifications_for_them_and_their_desk(client_for, city):
    _send(city)
    member = client_for("party_member").get("/accounts/inbox/").content.decode()
    assert "战时岗位邀请" in member and "联席会议邀请" in member and "事件0已受理" not in member
    assert "/meetings/invitations/3/" in member
    assert "事件0已受理" in client_for("resident").get("/accounts/inbox/").content.decode()
    desk = client_for("grid_worker").get("/accounts/inbox/").content.decode()
    assert "网格督办卡" in desk and "鼓楼督办卡" not in desk and "战时岗位邀请" not in desk
    outsider = client_for("outsider").get("/accounts/inbox/").content.decode()
    assert "鼓楼督办卡" in outsider and "网格督办卡" not in outsider


def test_mark_all_as_read(client_for, city):
    _send(city)
    c = client_for("party_member")
    assert c.post("/accounts/inbox/").status_code == 302
    assert not Notification.objects.filter(user=city.users["party_member"], read_at__isnull=True).exists()
    assert Notification.objects.filter(user=city.users["resident"], read_at__isnull=True).exists()


def test_the_old_cases_address_redirects(client_for):
    r = client_for("resident").get("/cases/notifications/")
    assert r.status_code == 301 and r["Location"] == "/accounts/inbox/"


def test_the_page_runs_a_fixed_number_of_queries(client_for, city):
    c = client_for("grid_worker")
    _send(city)
    c.get("/accounts/inbox/")
    with assert_queries(4, label="notification page") as q:  # session user, grants, notifications
        c.get("/accounts/inbox/")
    _send(city, n=5)
    with assert_queries(len(q.captured_queries), label="notification page, more rows"):
        c.get("/accounts/inbox/")
