import json

import pytest

from jiceng.mobilize.models import Call, Member, Post, Seat

from .conftest import post, shift


def _call(client, city, posts):
    for p in posts:
        for k in ("shift_start", "shift_end"):
            p[k] = p[k].isoformat()
    return client.post("/api/v1/mobilize/calls", json.dumps(
        {"unit": city.community.code, "title": "封控", "posts": posts}), content_type="application/json")


@pytest.mark.parametrize(("bad", "words"), [
    ({"headcount": 0}, "headcount is at least 1"),
    ({"shift_start": shift(5)[0], "shift_end": shift(3)[0]}, "ends before it starts"),
    ({"skills": ["juggling"]}, "Unknown skill"),
])
def test_a_bad_post_is_refused_with_a_clear_message_and_nothing_written(city, client_for, wartime, bad, words):
    client = client_for("community_worker")
    client.cookies["django_language"] = "en"
    response = _call(client, city, [post(2), {**post(1), **bad}])
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert not Call.objects.exists() and not Post.objects.exists() and not Seat.objects.exists()


def test_registering_with_a_community_outside_the_city_is_refused(city, client_for):
    client = client_for("party_member")
    client.cookies["django_language"] = "en"
    response = client.post("/api/v1/mobilize/members", json.dumps(
        {"community": "110101001001", "employer": "某单位", "skills": []}), content_type="application/json")
    assert response.status_code == 422
    assert "is not a community of this city" in response.json()["detail"]
    assert not Member.objects.exists()


def test_registering_with_an_unknown_skill_is_refused(city, client_for):
    client = client_for("party_member")
    response = client.post("/api/v1/mobilize/members", json.dumps(
        {"community": city.community.code, "employer": "某单位", "skills": ["juggling"]}),
        content_type="application/json")
    assert response.status_code == 422
    assert not Member.objects.exists()
