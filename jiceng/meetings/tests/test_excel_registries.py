"""H5: joint meetings and their attendance round-trip through Excel (core's /excel/<registry>/ routes);
a bad row (a name not on the roster) writes nothing."""

import datetime

from jiceng.core.testing import registry_round_trip, sheet_rows, xlsx_upload
from jiceng.meetings.models import Meeting, MeetingPeriod
from jiceng.meetings.services import meeting_record, system_configure
from jiceng.orgs.services import part_time_member_add


def _system(city):
    """The community's joint meeting; its big committee is in office, so those due are the committee's roster
    (赵强 from the test city, and the two added here), not a list of the system's own."""
    for name, position in (("刘书记", "书记"), ("陈主任", "主任")):
        part_time_member_add(actor=None, committee=city.committee, name=name, source="other",
                             source_org="五一路社区居委会", position=position)
    return system_configure(actor=None, unit=city.community)


def test_meetings_with_their_attendance_round_trip(city, client_for):
    system = _system(city)
    ids = dict(city.committee.members.values_list("name", "pk"))
    meeting_record(actor=None, system=system, held_on=datetime.date(2026, 1, 15), title="一月联席会议",
                   minutes="议定事项：\n1. 加装电梯", present_member_ids=[ids["刘书记"], ids["赵强"]])
    meeting_record(actor=None, system=system, held_on=datetime.date(2026, 2, 12), title="=二月联席会议",
                   present_member_ids=[ids["陈主任"]], deputies={ids["刘书记"]: "王明"})
    client = client_for("community_worker")
    attendance = sheet_rows(client.get(f"/excel/meeting-attendance/export?unit={city.community.code}").content)
    assert [r[3:] for r in attendance[1:7]] == [
        ["刘书记", "书记", "是", None], ["陈主任", "主任", "否", None], ["赵强", "派出所", "是", None],
        ["刘书记", "书记", "是", "王明"], ["陈主任", "主任", "是", None], ["赵强", "派出所", "否", None]]

    def wipe():
        MeetingPeriod.objects.update(meeting=None, status="open")
        Meeting.objects.all().delete()

    first, second = registry_round_trip(client, "meetings", city.community.code, wipe)
    assert first == second
    assert first[1][3:] == ["议定事项：\n1. 加装电梯", "刘书记、赵强", None] and first[2][2] == "=二月联席会议"
    assert first[2][4:] == ["陈主任", "刘书记：王明"]  # came in person; sent a deputy (counts toward the quorum)
    assert Meeting.objects.get(title="=二月联席会议").present_count == 2
    again = sheet_rows(client.get(f"/excel/meeting-attendance/export?unit={city.community.code}").content)
    assert [r[3:] for r in again] == [r[3:] for r in attendance]


def test_a_name_off_the_roster_writes_nothing(city, client_for):
    _system(city)
    upload = xlsx_upload([["单位代码", "召开日期", "会议名称", "出席"],
                          [city.community.code, "2026-01-15", "一月联席会议", "刘书记、赵强"],
                          [city.community.code, "2026-02-12", "二月联席会议", "刘书记、王五"],
                          [city.community.code, "2026-13-01", "日期有误", ""]])
    client = client_for("community_worker")
    r = client.post(f"/excel/meetings/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(4, "召开日期")]
    upload = xlsx_upload([["单位代码", "召开日期", "会议名称", "出席"],
                          [city.community.code, "2026-01-15", "一月联席会议", "刘书记、赵强"],
                          [city.community.code, "2026-02-12", "二月联席会议", "刘书记、王五"]])
    r = client.post(f"/excel/meetings/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "出席")]
    assert "王五" in r.context["errors"][0]["message"]
    assert not Meeting.objects.exists()
    upload = xlsx_upload([["单位代码", "召开日期", "会议名称", "出席", "委派代表"],
                          [city.community.code, "2026-01-15", "一月联席会议", "刘书记", "陈主任：李明"],
                          [city.community.code, "2026-02-12", "二月联席会议", "赵强", "王五：李明"],
                          [city.community.code, "2026-03-12", "三月联席会议", "赵强", "陈主任"]])
    r = client.post(f"/excel/meetings/import?unit={city.community.code}", {"file": upload})
    assert r.status_code == 422
    assert [(e["row"], e["column"]) for e in r.context["errors"]] == [(3, "委派代表"), (4, "委派代表")]
    assert not Meeting.objects.exists()


def test_meetings_import_outside_the_area_is_404(city, client_for):
    upload = xlsx_upload([["单位代码", "召开日期", "会议名称"], [city.community2.code, "2026-01-15", "会议"]])
    r = client_for("community_worker").post(f"/excel/meetings/import?unit={city.community2.code}", {"file": upload})
    assert r.status_code == 404 and not Meeting.objects.exists()
    assert client_for("resident").get(f"/excel/meetings/import?unit={city.household.code}").status_code == 403
