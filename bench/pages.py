"""Page sweep: every GET page that each demo persona can open, served by a real gunicorn server
(gunicorn.conf.py, gthread workers) from a PostgreSQL demo city, timed over HTTP, warm, several runs.

    JICENG_BENCH_CITY=postgres://postgres@127.0.0.1:5432/<city db> make bench B=pages
    .venv/bin/python bench/pages.py --city postgres://…/<city db> [--runs 5] [--persona demo-admin]

The routes come from the URL resolver; a route is a page when the persona matrix
(jiceng/<app>/tests/matrix.py) checks it with GET (or exempts it as a public page). Downloads (.xlsx,
media files) and the API are not pages. Arguments are real objects of the city, taken along the chain
of units the demo logins hold (the city, its first county, street, community, grid, compound, building,
household): that chain's case, call, activity, meeting, meeting system, project, assessment, person.
Each persona (demo-admin, demo-county, demo-street, demo-community, demo-grid, demo-member,
demo-resident, anonymous) tries every page with every argument; what answers 200 with a page is timed.

The city database is only read. Logging in through the login page writes (last login, the audit
trail) and some pages audit who read what, so the sweep runs on its own copy, `jiceng_bench_pages`
(CREATE DATABASE … TEMPLATE city: no other session may be connected to the city meanwhile), which it
creates, migrates and ANALYZEs, and drops at the end (--keep-copy keeps it). Without a city it builds
one once into `jiceng_bench_pages_city` (its own, kept) at --scale (JICENG_BENCH_SCALE, default 1).

The server runs with JICENG_QUERY_COUNT_HEADER=1, which adds X-Query-Count and X-Server-Ms to every
response (off in production). Output: one JSON line with every page's p50 and query count, and
worst_p50_ms and pages_over_150ms (target: 150 ms at --scale 5, a million residents).
"""

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess  # nosec B404  # runs manage.py and gunicorn of this checkout with fixed arguments, no shell
import sys
import time
import urllib.parse

from _common import MARK, ROOT, _admin, _owned, bench_url, create_bench_database

TARGET_MS = 150
COPY = "jiceng_bench_pages"
PERSONAS = ["demo-admin", "demo-county", "demo-street", "demo-community", "demo-grid", "demo-member",
            "demo-resident", None]
FOREIGN = ("api:", "admin:", "set_language")
DOWNLOADS = {"core:media": "a stored file, not a page"}


def _db(url: str) -> str:
    return url.rsplit("/", 1)[1]


def _exists(url: str) -> bool:
    return bool(_admin(url, "SELECT 1 FROM pg_database WHERE datname = %s", [_db(url)]))


def _manage(url: str, *args: str):
    env = {**os.environ, "DATABASE_URL": url}
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # nosec B603  # manage.py with the bench's own arguments


def ensure_source(args) -> str:
    """The city to sweep: --city / JICENG_BENCH_CITY as given (only read), or the bench's own city."""
    if args.city:
        if not _exists(args.city):
            raise SystemExit(f"no database {_db(args.city)}: build one with manage.py demo_city (see README)")
        return args.city
    url = bench_url("pages_city")
    if create_bench_database(url, keep=True):  # the bench's own city, kept; refuses a database it did not make
        started = time.perf_counter()
        _manage(url, "migrate", "--noinput", "-v", "0")
        _manage(url, "demo_city", "--scale", str(args.scale), "--quiet")
        print(f"built the city (scale {args.scale}) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def make_copy(source: str) -> str:
    """The copy the sweep writes to: a database of this benchmark's own (a `jiceng_bench_pages` that no
    benchmark created is refused, never dropped)."""
    url = bench_url("pages")
    if _owned(url) is False:
        raise SystemExit(f"database {COPY} exists and was not created by a benchmark; "
                         f"benchmarks work only in databases they create. Drop or rename it first.")
    _admin(url, f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
    started = time.perf_counter()
    _admin(url, f'CREATE DATABASE "{COPY}" TEMPLATE "{_db(source)}" STRATEGY FILE_COPY')
    _admin(url, f"COMMENT ON DATABASE \"{COPY}\" IS '{MARK}'")
    print(f"copied {_db(source)} to {COPY} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


# --- what to open --------------------------------------------------------------------------------------


def city_objects():
    """Real arguments: the demo logins' chain of units and an object of each kind near its bottom."""
    from jiceng.accounts.models import User
    from jiceng.orgs.models import Unit

    resident = User.objects.get(username="demo-resident")
    household = Unit.objects.get(pk=resident.grants.get().unit_id)
    codes = household.ancestor_codes
    chain = {u.kind: u for u in Unit.objects.filter(code__in=codes)}

    def near(model, *, field="unit_path"):
        """The first object in the smallest unit of the chain that has one (grid up to the city)."""
        for kind in ("grid", "community", "street", "county", "city"):
            unit = chain.get(kind)
            if unit is None:
                continue
            obj = model.objects.filter(**{f"{field}__startswith": unit.path}).order_by("pk").first()
            if obj is not None:
                return obj
        return None

    from jiceng.cases.models import Case, Category
    from jiceng.meetings.models import Meeting, MeetingSystem
    from jiceng.mobilize.models import Activity, Call
    from jiceng.people.models import Person
    from jiceng.projects.models import Assessment, Project

    assessment = next((a for a in Assessment.objects.order_by("pk") if chain["community"].path.startswith(a.unit_path)),
                      Assessment.objects.order_by("pk").first())
    return {
        "units": chain, "case": near(Case), "call": near(Call), "activity": near(Activity),
        "meeting": near(Meeting), "system": near(MeetingSystem), "project": near(Project),
        "assessment": assessment, "person": resident.person,
        "category": Category.objects.order_by("code").first(),
        "residents": Person.objects.count(), "cases": Case.objects.count(),
    }


def _pk(obj):
    return [{"pk": obj.pk}] if obj is not None else []


def arguments(name: str, params: list[str], objs: dict):
    """kwargs for the route, one dict per argument to time; None when the bench has none to give."""
    units = objs["units"]
    unit_list = [units[k] for k in ("city", "county", "street", "community", "grid", "compound", "building",
                                    "household") if k in units]
    case = objs["case"]
    table = {
        "orgs:unit": [{"code": u.code} for u in unit_list],
        "network:grid": [{"code": units["grid"].code}],
        "network:integrity": [{"code": u.code} for u in unit_list if u.kind not in ("compound", "building",
                                                                                      "household")],
        "network:import": [{"code": u.code} for u in unit_list[:5]],
        "people:detail": _pk(objs["person"]),
        "cases:detail": [{"code": case.code}] if case else [],
        "cases:follow": [{"code": case.code}] if case else [],
        "cases:open311_discovery": [{"fmt": "json"}],
        "cases:open311_services": [{"fmt": "json"}],
        "cases:open311_service": [{"service_code": objs["category"].code, "fmt": "json"}] if objs["category"] else [],
        "cases:open311_requests": [{"fmt": "json"}],
        "cases:open311_request": [{"request_id": case.code, "fmt": "json"}] if case else [],
        "mobilize:call": _pk(objs["call"]),
        "mobilize:call_board": _pk(objs["call"]),
        "mobilize:activity_code": _pk(objs["activity"]),
        "meetings:meeting": _pk(objs["meeting"]),
        "meetings:system": _pk(objs["system"]),
        "projects:project": _pk(objs["project"]),
        "projects:assessment": _pk(objs["assessment"]),
        "projects:review": _pk(objs["assessment"]),
    }
    if not params:
        return [{}]
    return table.get(name)


def page_targets(objs: dict):
    """[(route name, label, path)], and the routes skipped with the reason."""
    from django.urls import URLPattern, URLResolver, get_resolver, reverse

    from jiceng.core.discovery import app_modules
    from jiceng.core.matrix import Exempt

    checks = {}
    for _cfg, module in app_modules("tests.matrix"):
        checks.update(module.CHECKS)
    routes = []

    def walk(patterns, ns=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
            elif isinstance(p, URLPattern) and p.name:
                regex = p.pattern.regex
                routes.append((ns + p.name, list(regex.groupindex), str(p.pattern)))

    walk(get_resolver().url_patterns)
    targets, skipped = [], {}
    for name, params, pattern in routes:
        if name.startswith(FOREIGN):
            continue
        entry = checks.get(name)
        if name in DOWNLOADS:
            skipped[name] = DOWNLOADS[name]
            continue
        if re.search(r"\.xlsx", pattern):
            skipped[name] = "a download, not a page"
            continue
        if entry is None:
            skipped[name] = "no persona-matrix verdict"
            continue
        if not isinstance(entry, Exempt) and not any(c.method == "GET" for c in entry):
            skipped[name] = "no GET (an action)"
            continue
        kwargs_list = arguments(name, params, objs)
        if not kwargs_list:
            skipped[name] = f"no argument from the city for {params}"
            continue
        for kwargs in kwargs_list:
            label = name + (f"[{','.join(str(v) for k, v in kwargs.items() if k != 'fmt')}]" if params else "")
            for kind, unit in objs["units"].items():  # name units by their level: orgs:unit[community]
                label = label.replace(f"[{unit.code}]", f"[{kind}]")
            targets.append((name, label, reverse(name, kwargs=kwargs)))
    return targets, skipped


# --- HTTP ------------------------------------------------------------------------------------------------


class Browser:
    """A keep-alive HTTP client with a cookie jar (one per persona)."""

    def __init__(self, host: str, port: int):
        self.host, self.port, self.cookies = host, port, {}
        self.conn = http.client.HTTPConnection(host, port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, ConnectionError):  # the server closed an idle connection
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
                started = time.perf_counter()
        elapsed = (time.perf_counter() - started) * 1000
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return response, data, elapsed

    def login(self, username: str):
        _r, page, _ms = self.request("GET", "/accounts/login/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
        body = urllib.parse.urlencode({"username": username, "password": username, "csrfmiddlewaretoken": token})
        response, _data, _ms = self.request("POST", "/accounts/login/", body, {
            "Content-Type": "application/x-www-form-urlencoded"})
        if response.status != 302:
            raise SystemExit(f"logging in as {username} failed ({response.status})")


def start_server(url: str, port: int):
    env = {**os.environ, "DATABASE_URL": url, "JICENG_BIND": f"127.0.0.1:{port}", "JICENG_QUERY_COUNT_HEADER": "1",
           "JICENG_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "gunicorn.conf.py", "jiceng.wsgi"],  # nosec B603  # the venv's gunicorn, fixed arguments
                            cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn stopped at start-up")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.5)
    proc.terminate()
    raise SystemExit("gunicorn did not start within 120 s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PAGE_TYPES = ("text/html", "application/json", "text/xml", "application/xml")


def sweep(port: int, targets, personas, runs: int):
    rows, refused = [], {}
    for username in personas:
        who = username or "anonymous"
        browser = Browser("127.0.0.1", port)
        if username:
            browser.login(username)
        for _name, label, path in targets:
            response, _data, first_ms = browser.request("GET", path)
            kind = (response.getheader("Content-Type") or "").split(";")[0]
            if response.status != 200 or kind not in PAGE_TYPES:
                refused.setdefault(who, {})[label] = response.status
                continue
            n = runs if first_ms < 2000 else max(3, runs // 2)  # seconds-long pages: fewer runs, same p50
            samples, queries = [], set()
            inside = {"X-Server-Ms": [], "X-Db-Ms": [], "X-Cpu-Ms": []}
            for _ in range(n + 1):  # one more warm-up, then the timed runs
                response, _data, ms = browser.request("GET", path)
                samples.append(ms)
                for header, values in inside.items():
                    values.append(float(response.getheader(header) or 0))
                queries.add(int(response.getheader("X-Query-Count") or -1))
            row = {"persona": who, "page": label, "path": path, "p50_ms": round(statistics.median(samples[1:]), 1),
                   "queries": max(queries), "runs": n}
            for header, key in (("X-Server-Ms", "server"), ("X-Db-Ms", "db"), ("X-Cpu-Ms", "cpu")):
                row[f"{key}_p50_ms"] = round(statistics.median(inside[header][1:]), 1)
            rows.append(row)
            print(f"{who:15} {row['p50_ms']:8.1f} ms (db {row['db_p50_ms']:7.1f}, cpu {row['cpu_p50_ms']:7.1f}) "
                  f"{row['queries']:4} q  {label}", file=sys.stderr, flush=True)
    return rows, refused


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--city", default=os.environ.get("JICENG_BENCH_CITY"),
                        help="PostgreSQL URL of a demo city (only read; the sweep runs on a copy)")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("JICENG_BENCH_SCALE") or 1),
                        help="scale of the city the bench builds itself when no --city is given")
    parser.add_argument("--runs", type=int, default=int(os.environ.get("JICENG_BENCH_RUNS") or 5))
    parser.add_argument("--persona", action="append", help="only these logins (anonymous for none)")
    parser.add_argument("--only", help="only pages whose label contains this text")
    parser.add_argument("--keep-copy", action="store_true", help="keep the copy jiceng_bench_pages")
    args = parser.parse_args(argv)

    source = ensure_source(args)
    url = make_copy(source)
    proc = None
    try:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, connections

        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        objs = city_objects()
        targets, skipped = page_targets(objs)
        if args.only:
            targets = [t for t in targets if args.only in t[1]]
        connections.close_all()
        personas = PERSONAS if not args.persona else [None if p == "anonymous" else p for p in args.persona]
        port = free_port()
        proc = start_server(url, port)
        started = time.perf_counter()
        rows, refused = sweep(port, targets, personas, args.runs)
        elapsed = time.perf_counter() - started
    finally:
        if proc is not None:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=60)
        if not args.keep_copy:
            from django.db import connections

            connections.close_all()
            if _owned(url):
                _admin(url, f'DROP DATABASE IF EXISTS "{COPY}" WITH (FORCE)')
    over = sorted((r for r in rows if r["p50_ms"] > TARGET_MS), key=lambda r: -r["p50_ms"])
    worst = max(rows, key=lambda r: r["p50_ms"]) if rows else None
    print(json.dumps({
        "name": "pages", "city": _db(source), "residents": objs["residents"], "cases": objs["cases"],
        "personas": [p or "anonymous" for p in personas], "routes": len({t[0] for t in targets}),
        "pages_timed": len(rows), "runs": args.runs, "sweep_s": round(elapsed, 1),
        "worst_p50_ms": worst["p50_ms"] if worst else None,
        "worst_page": f"{worst['persona']} {worst['page']}" if worst else None,
        "median_p50_ms": round(statistics.median(r["p50_ms"] for r in rows), 1) if rows else None,
        "max_queries": max((r["queries"] for r in rows), default=None),
        "pages_over_150ms": len(over), "over_150ms": [f"{r['persona']} {r['page']} {r['p50_ms']}" for r in over],
        "target_p50_ms": TARGET_MS, "skipped": skipped, "not_open": refused, "pages": rows,
    }, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
