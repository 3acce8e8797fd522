"""The in-app notification list: the reporter sees their own notice, the handling grid's worker sees
the desk's, nobody sees another area's, and 'mark all as read' clears the new badge."""

from jiceng.cases.tests.conftest import G1_POINT, G2_POINT
from jiceng.core.models import Notification
from jiceng.core.testing import assert_queries


def test_reporter_and_desk_see_their_notifications_and_others_do_not(client_for, submit, city):
    case = submit(actor=city.users["resident"])
    other = submit(point=G2_POINT)
    mine = client_for("resident").get("/cases/notifications/").content.decode()
    assert case.code in mine and other.code not in mine
    desk = client_for("grid_worker").get("/cases/notifications/").content.decode()
    assert case.code in desk and other.code not in desk
    assert other.code not in client_for("outsider").get("/cases/notifications/").content.decode()


def test_mark_all_as_read(client_for, submit, city):
    submit(actor=city.users["resident"])
    c = client_for("resident")
    assert c.post("/cases/notifications/").status_code == 302
    assert not Notification.objects.filter(user=city.users["resident"], read_at__isnull=True).exists()


def test_the_page_runs_a_fixed_number_of_queries(client_for, submit, city):
    c = client_for("grid_worker")
    submit(point=G1_POINT)
    c.get("/cases/notifications/")
    with assert_queries(4, label="notification page") as q:  # user, grants, notifications with their case
        c.get("/cases/notifications/")
    for _ in range(4):
        submit(point=G1_POINT)
    with assert_queries(len(q.captured_queries), label="notification page, more rows"):
        c.get("/cases/notifications/")
