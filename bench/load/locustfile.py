"""A Monday morning in the demo city (issue 17): the platform's people at work at once, for locust.

Run by bench/load/run.py (`make bench B=load`), which builds the city, writes the fixture this file
reads (LOAD_FIXTURE: API tokens of the demo logins, points inside the grid worker's grids, case codes,
an Open311 api_key) and starts gunicorn. Each simulated user is one person of the demo city:

  weight  who                 what (one task per think time)                      think time
  ------  ------------------  --------------------------------------------------  ----------
  30      grid worker         queue, patrol page, patrol report, locate,          5-15 s
                              dispatch/start/handle of it, locate, case page
  12      community desk      desk, case page, unit page, people list             10-30 s
   4      street board        board, cockpit of the street                        20-60 s
   2      county board        board, measures (API)                               20-60 s
   1      cockpit             cockpit, figures (API)                              15-45 s
   1      wall display        cockpit ?wall=1 (the wall refreshes once a minute)  60 s
  25      resident            report page, report (API), follow page, public API  30-120 s
  15      member              my calls (page and API)                             30-90 s
   3      Open311 client      services, requests (read), a new request            30-60 s
   7      API reader          case list, a case's timeline, people, children      5-15 s

The think-time model: a person reads what a request returned before the next one; grid workers and API
readers are busy (a patrol step or a script's next page every 5-15 s), desks read a page for 10-30 s,
boards and residents look in now and then, the wall display reloads each minute. Weights follow the
demo city's people (grid workers and residents outnumber the desks; one cockpit and one wall per
city). Pages log in once (session cookie); the phone app, Open311 and API clients use tokens/keys.
A response other than 2xx (or a 3xx the task expects) counts as an error.
"""

import json
import os
import random
import re
import uuid

from locust import HttpUser, between, constant, events, task

FIX = json.loads(open(os.environ["LOAD_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
SERVER = {}  # operation -> [requests, server ms, queries] from X-Server-Ms / X-Query-Count (the profile)


@events.request.add_listener
def _server_side(name, response=None, **_kw):
    headers = getattr(response, "headers", None) or {}
    if "X-Server-Ms" in headers:
        row = SERVER.setdefault(name, [0, 0.0, 0])
        row[0] += 1
        row[1] += float(headers["X-Server-Ms"])
        row[2] += int(headers.get("X-Query-Count") or 0)


@events.quitting.add_listener
def _write_profile(**_kw):
    out = os.environ.get("LOAD_PROFILE")
    if out:
        with open(out, "w", encoding="utf-8") as f:
            json.dump({name: {"requests": n, "server_ms_mean": round(ms / n, 1), "queries_mean": round(q / n, 1)}
                       for name, (n, ms, q) in SERVER.items()}, f)


def _login(user, username: str):
    r = user.client.get("/accounts/login/", name="login page")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text).group(1)
    user.client.post("/accounts/login/", data={"username": username, "password": username,
                                                "csrfmiddlewaretoken": token},
                     headers={"Referer": user.host + "/accounts/login/"}, name="login", allow_redirects=False)


def _bearer(username: str) -> dict:
    return {"Authorization": f"Bearer {FIX['tokens'][username]}"}


def _point(key="points"):
    return random.choice(FIX[key])  # noqa: S311 - load mix, not security


class GridWorker(HttpUser):
    weight = 30
    wait_time = between(5, 15)

    def on_start(self):
        _login(self, "demo-grid")
        self.auth = _bearer("demo-grid")

    @task(3)
    def queue(self):
        self.client.get("/cases/queue/", name="grid: queue")

    @task(1)
    def patrol_page(self):
        self.client.get("/cases/patrol/", name="grid: patrol page")

    @task(2)
    def patrol_report(self):
        lat, lng = _point("grid_points")
        self.client.post("/api/v1/cases", json={
            "category": FIX["category"], "description": "巡查发现：楼道堆放杂物", "source": "patrol", "lat": lat,
            "lng": lng, "crs": "wgs84"}, headers={**self.auth, "Idempotency-Key": uuid.uuid4().hex},
            name="grid: patrol report (API)")

    @task(2)
    def locate(self):
        lat, lng = _point()
        self.client.get(f"/api/v1/locate?lat={lat}&lng={lng}&crs=wgs84", headers=self.auth, name="grid: locate (API)")

    @task(1)
    def case_page(self):
        self.client.get(f"/cases/{random.choice(FIX['grid_cases'])}/", name="grid: case page")  # noqa: S311


class CommunityDesk(HttpUser):
    weight = 12
    wait_time = between(10, 30)

    def on_start(self):
        _login(self, "demo-community")
        self.auth = _bearer("demo-community")

    @task(2)
    def work_a_report(self):
        """The desk takes the oldest new report of its community through register, dispatch, start and
        handle. Two desks may take the same one: the second gets 409 (the case changed), as it should."""
        r = self.client.get(f"/api/v1/cases?status=received&unit={FIX['units']['community']}", headers=self.auth,
                            name="community: new reports (API)")
        items = r.json().get("items") if r.status_code == 200 else None
        if not items:
            return
        case = items[-1]
        for action in ("register", "dispatch", "start", "handle"):
            with self.client.post(f"/api/v1/cases/{case['code']}/actions", json={
                    "action": action, "version": case["version"], "comment": "已现场处置" if action == "handle" else ""},
                    headers=self.auth, name=f"community: case action {action} (API)", catch_response=True) as r:
                if r.status_code == 409:
                    r.success()
                    return
                if r.status_code != 200:
                    return
            case = r.json()

    @task(3)
    def desk(self):
        self.client.get("/cases/desk/", name="community: desk")

    @task(2)
    def case_page(self):
        self.client.get(f"/cases/{random.choice(FIX['community_cases'])}/", name="community: case page")  # noqa: S311

    @task(1)
    def unit_page(self):
        self.client.get(f"/units/{FIX['units']['community']}/", name="community: unit page")

    @task(1)
    def people(self):
        self.client.get("/people/", name="community: people list")


class StreetBoard(HttpUser):
    weight = 4
    wait_time = between(20, 60)

    def on_start(self):
        _login(self, "demo-street")

    @task(2)
    def board(self):
        self.client.get("/cases/board/", name="street: board")

    @task(1)
    def cockpit(self):
        self.client.get(f"/cockpit/?unit={FIX['units']['street']}", name="street: cockpit")


class CountyBoard(HttpUser):
    weight = 2
    wait_time = between(20, 60)

    def on_start(self):
        _login(self, "demo-county")
        self.auth = _bearer("demo-county")

    @task(2)
    def board(self):
        self.client.get("/cases/board/", name="county: board")

    @task(1)
    def measures(self):
        self.client.get("/api/v1/case-measures", headers=self.auth, name="county: measures (API)")


class Cockpit(HttpUser):
    weight = 1
    wait_time = between(15, 45)

    def on_start(self):
        _login(self, "demo-admin")
        self.auth = _bearer("demo-admin")

    @task(2)
    def cockpit(self):
        self.client.get("/cockpit/", name="cockpit: page")

    @task(1)
    def figures(self):
        self.client.get("/api/v1/cockpit/figures", headers=self.auth, name="cockpit: figures (API)")


class WallDisplay(HttpUser):
    weight = 1
    wait_time = constant(60)

    def on_start(self):
        _login(self, "demo-admin")

    @task
    def wall(self):
        self.client.get("/cockpit/?wall=1", name="cockpit: wall display")


class Resident(HttpUser):
    weight = 25
    wait_time = between(30, 120)

    def on_start(self):
        self.auth = _bearer("demo-resident")
        self.mine = list(FIX["public_cases"][:3])

    @task(1)
    def report_page(self):
        self.client.get("/cases/report/", name="resident: report page")

    @task(1)
    def report(self):
        lat, lng = _point()
        r = self.client.post("/api/v1/cases", json={
            "category": FIX["category"], "description": "小区路灯不亮", "source": "api", "lat": lat, "lng": lng,
            "crs": "wgs84"}, headers={**self.auth, "Idempotency-Key": uuid.uuid4().hex}, name="resident: report (API)")
        if r.status_code in (200, 201):
            self.mine.append(r.json()["code"])

    @task(3)
    def follow(self):
        if self.mine:
            self.client.get(f"/cases/follow/{random.choice(self.mine)}/", name="resident: follow page")  # noqa: S311

    @task(1)
    def public_case(self):
        if self.mine:
            self.client.get(f"/api/v1/public/cases/{random.choice(self.mine)}", name="resident: public case (API)")  # noqa: S311


class Member(HttpUser):
    weight = 15
    wait_time = between(30, 90)

    def on_start(self):
        _login(self, "demo-member")
        self.auth = _bearer("demo-member")

    @task(2)
    def my_calls(self):
        self.client.get("/mobilize/my-calls/", name="member: my calls")

    @task(1)
    def my_calls_api(self):
        self.client.get("/api/v1/mobilize/my-calls", headers=self.auth, name="member: my calls (API)")


class Open311Client(HttpUser):
    weight = 3
    wait_time = between(30, 60)

    @task(2)
    def services(self):
        self.client.get("/open311/v2/services.json", name="open311: services")

    @task(3)
    def requests(self):
        self.client.get(f"/open311/v2/requests.json?api_key={FIX['open311_key']}", name="open311: requests")

    @task(1)
    def post(self):
        lat, lng = _point()
        self.client.post("/open311/v2/requests.json", data={
            "api_key": FIX["open311_key"], "service_code": FIX["category"], "lat": lat, "long": lng,
            "description": f"井盖缺失 {uuid.uuid4().hex[:8]}", "device_id": "load"}, name="open311: new request")


class ApiReader(HttpUser):
    weight = 7
    wait_time = between(5, 15)

    def on_start(self):
        self.auth = _bearer("demo-county")

    @task(3)
    def cases(self):
        self.client.get("/api/v1/cases?open=true", headers=self.auth, name="api: case list")

    @task(2)
    def timeline(self):
        self.client.get(f"/api/v1/cases/{random.choice(FIX['county_cases'])}/timeline", headers=self.auth,  # noqa: S311
                        name="api: case timeline")

    @task(1)
    def people(self):
        self.client.get(f"/api/v1/people?unit={FIX['units']['community']}", headers=self.auth, name="api: people")

    @task(1)
    def children(self):
        self.client.get(f"/api/v1/units/{FIX['units']['street']}/children", headers=self.auth, name="api: unit children")
