"""Benchmark: a street-wide participatory-budget ballot over HTTP (issue 13): gunicorn + PostgreSQL,
8 client processes.

In its own database (jiceng_bench_ballot, created and dropped here): a city of 20 streets and 209
communities with this year's budgets, and one street of N households (100,000 by default), each with a
resident whose mobile number is registered on it. The ballot has 10 projects within a budget.

1. Every household asks for an SMS code over HTTP (POST /api/v1/consult/ballots/{id}/code). The server's
   SMS gateway is bench/_ballot_gateway.FileGateway, which appends "number code" to a file the clients
   read (the console gateway's job, made readable across processes); each client sends its households'
   addresses in X-Forwarded-For behind JICENG_TRUSTED_PROXIES=1, as residents' phones would.
2. Timed: every household votes over HTTP (POST …/vote) with its code and a choice within the budget.
   votes_per_second and p95_ms come from this phase.
3. 1,000 households try to vote again (a fresh code request, and the used code): every one is refused.
4. tally_ms: the tally and the budget-constrained result, in process, after the votes.
5. exactly_once: participations == papers == accepted votes, and the tally's votes per project equal
   the sum of what the clients sent.
6. compliance_p50_ms: GET /api/v1/funds/compliance for the whole city (20 streets, 209 communities),
   50 times, as the city administrator with an API token.

Prints one JSON line.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess  # nosec B404  # starts gunicorn with fixed arguments, no shell
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
NAME = "ballot"
CLIENTS = 8

from _common import setup_database, teardown_database  # noqa: E402


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("BENCH_PORT") or _free_port())
OPTIONS = [("路灯改造", 180_000), ("加装扶手", 60_000), ("社区食堂", 150_000), ("口袋公园", 220_000), ("充电棚", 90_000),
           ("健身步道", 120_000), ("垃圾分类亭", 50_000), ("游乐场地", 110_000), ("无障碍坡道", 40_000), ("便民座椅", 20_000)]
BUDGET = 500_000


def phone_of(i: int) -> str:
    return f"139{i:08d}"


def build(households: int):
    """Units, residents with phones, budgets, the ballot and an API token. Returns (ballot id, option ids, token)."""
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from jiceng.accounts.services import grant_create, token_create, user_create
    from jiceng.consult import voting
    from jiceng.core.crypto import encrypt, lookup_hash
    from jiceng.core.pii import mask_phone
    from jiceng.funds import selectors as fsel
    from jiceng.funds import services as fsvc
    from jiceng.orgs import services as orgs
    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person
    from jiceng.people.services import people_bulk_create

    city = orgs.unit_create(actor=None, parent=None, kind="city", code="141000", name="临汾市")
    county = orgs.unit_create(actor=None, parent=city, kind="county", code="141002", name="尧都区")
    streets = [Unit(kind="street", code=f"141002{i + 1:03d}", name=f"街道{i + 1}", parent=county) for i in range(20)]
    orgs.units_bulk_create(actor=None, units=streets)
    communities = [Unit(kind="community", code=f"{streets[i % 20].code}{i // 20 + 1:03d}", name=f"社区{i + 1}",
                        parent=streets[i % 20]) for i in range(209)]
    orgs.units_bulk_create(actor=None, units=communities)
    ballot_street = streets[0]
    mine = [c for c in communities if c.parent is ballot_street]
    grids = [Unit(kind="grid", code=f"{c.code}001", name="网格", parent=c) for c in mine]
    orgs.units_bulk_create(actor=None, units=grids)
    per_grid = -(-households // len(grids))
    buildings_per_grid = -(-per_grid // 100)
    compounds = [Unit(kind="compound", code=f"{g.code}{k + 1:03d}", name=f"小区{k + 1}", parent=g)
                 for g in grids for k in range(-(-buildings_per_grid // 10))]
    orgs.units_bulk_create(actor=None, units=compounds)
    by_grid: dict = {}
    for c in compounds:
        by_grid.setdefault(c.parent.code, []).append(c)
    buildings = []
    for g in grids:
        for b in range(buildings_per_grid):
            compound = by_grid[g.code][b // 10]
            buildings.append(Unit(kind="building", code=f"{compound.code}{b % 10 + 1:03d}", name=f"{b + 1}号楼",
                                  parent=compound))
    orgs.units_bulk_create(actor=None, units=buildings)
    homes = []
    for b in buildings:
        for h in range(100):
            if len(homes) < households:
                homes.append(Unit(kind="household", code=f"{b.code}{h + 1:04d}", name=f"{h + 1}室", parent=b))
    for start in range(0, len(homes), 20000):
        orgs.units_bulk_create(actor=None, units=homes[start:start + 20000])
    people = []
    for i, h in enumerate(homes):
        tel = phone_of(i)
        people.append(Person(name=f"居民{i}", gender="F", phone_enc=encrypt(tel), phone_hash=lookup_hash(tel),
                             phone_masked=mask_phone(tel), household=h, unit_path=h.path, is_resident=True))
    for start in range(0, len(people), 20000):
        people_bulk_create(actor=None, people=people[start:start + 20000])

    year = timezone.localdate().year
    types = {t.code: t for t in fsel.fund_types()}
    rng = random.Random(13)  # nosec B311  # seeded generator for synthetic data, not a secret
    rows = [{"unit": s, "year": year, "fund_type": types["street_running"], "source": "county",
             "amount": Decimal(rng.choice([750_000, 800_000, 850_000]))} for s in streets]
    rows += [{"unit": c, "year": year, "fund_type": types[code], "source": "city",
              "amount": Decimal(rng.choice([95_000, 100_000, 120_000]))}
             for c in communities for code in ("community_work", "community_service")]
    fsvc.budgets_bulk_set(actor=None, rows=rows, audit_unit=city)

    ballot = voting.ballot_create(actor=None, unit=ballot_street, title="民生微实事", budget=str(BUDGET),
                                  closes_at=timezone.now() + datetime.timedelta(days=2))
    options = [voting.ballot_option_add(actor=None, ballot=ballot, title=t, cost=c).pk for t, c in OPTIONS]
    voting.ballot_open(actor=None, ballot=ballot)
    admin = user_create(actor=None, username="bench-admin", password=os.urandom(16).hex())
    grant_create(actor=None, user=admin, role="city_admin", unit=city)
    _obj, token = token_create(user=admin, name="bench")
    return ballot.pk, options, token


def choice_for(i: int, options: list[int]) -> list[int]:
    rng = random.Random(i)  # nosec B311  # seeded generator for synthetic data, not a secret
    costs = dict(zip(options, (c for _t, c in OPTIONS), strict=True))
    chosen, total = [], 0
    for o in rng.sample(options, len(options)):
        if rng.random() < 0.4 and total + costs[o] <= BUDGET:
            chosen.append(o)
            total += costs[o]
    return sorted(chosen) or [options[i % len(options)]]


def _request(conn, method, path, body, ip):
    conn.request(method, path, body=json.dumps(body), headers={"Content-Type": "application/json",
                                                               "X-Forwarded-For": ip})
    resp = conn.getresponse()
    return resp.status, resp.read()


def _ip(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


def ask_codes(n, indexes, ballot, port, out):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    bad = 0
    for i in indexes:
        for _attempt in range(5):
            try:
                status, data = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/code", {"phone": phone_of(i)},
                                        _ip(i))
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        bad += status != 200
    out.put(bad)


def read_codes(path: str) -> dict:
    codes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            phone, code = line.split()
            codes[phone] = code
    return codes


def vote(n, indexes, ballot, options, codes_path, port, out):
    codes = read_codes(codes_path)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    accepted, refused, times, sent = [], 0, [], {}
    for i in indexes:
        chosen = choice_for(i, options)
        body = {"phone": phone_of(i), "code": codes[phone_of(i)], "options": chosen}
        t0 = time.perf_counter()
        for _attempt in range(5):
            try:
                status, _data = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/vote", body, _ip(i))
                break
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        times.append(time.perf_counter() - t0)
        if status == 201:
            accepted.append(i)
            for o in chosen:
                sent[o] = sent.get(o, 0) + 1
        else:
            refused += 1
    out.put((accepted, refused, times, sent))


def run(target, args_for):
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    procs = [ctx.Process(target=target, args=args_for(n, out)) for n in range(CLIENTS)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    return results, elapsed


def serve(env: dict, workers: int, threads: int) -> subprocess.Popen:
    args = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "jiceng.wsgi"]
    env = dict(env, JICENG_BIND=f"127.0.0.1:{PORT}", JICENG_WEB_WORKERS=str(workers),
               JICENG_WEB_THREADS=str(threads), PYTHONPATH=str(ROOT / "bench"))
    server = subprocess.Popen(args, cwd=ROOT, env=env)  # nosec B603  # fixed arguments, no shell
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            c.request("GET", "/api/v1/funds/public/0")
            c.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within 60 s")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    url, created = setup_database(NAME)
    from django.db import connection

    t_build = time.perf_counter()
    ballot, options, token = build(args.households)
    build_s = time.perf_counter() - t_build
    connection.close()
    codes_path = tempfile.NamedTemporaryFile(prefix="jiceng-ballot-codes-", delete=False).name
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings", JICENG_TRUSTED_PROXIES="1",
               JICENG_SMS_BACKEND="_ballot_gateway.FileGateway", JICENG_BENCH_SMS_FILE=codes_path,
               JICENG_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", JICENG_NOTIFY_CHANNELS="sms")
    server = serve(env, args.workers, args.threads)
    try:
        everyone = list(range(args.households))
        shares = [everyone[n::CLIENTS] for n in range(CLIENTS)]
        results, codes_s = run(ask_codes, lambda n, out: (n, shares[n], ballot, PORT, out))
        code_failures = sum(results)
        results, elapsed = run(vote, lambda n, out: (n, shares[n], ballot, options, codes_path, PORT, out))
        accepted = [i for r in results for i in r[0]]
        refused_first = sum(r[1] for r in results)
        times = sorted(t for r in results for t in r[2])
        sent: dict = {}
        for r in results:
            for o, k in r[3].items():
                sent[o] = sent.get(o, 0) + k
        # Second votes: a new code for the household, and the used code again; both refused.
        codes = read_codes(codes_path)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        second_refused = 0
        sample = random.Random(2).sample(  # nosec B311  # a seeded sample, not a secret
            accepted, min(1000, len(accepted)))
        for i in sample:
            s1, _ = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/code", {"phone": phone_of(i)}, _ip(i))
            s2, _ = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/vote",
                             {"phone": phone_of(i), "code": codes[phone_of(i)], "options": choice_for(i, options)},
                             _ip(i))
            second_refused += int(s1 == 409 and s2 in (409, 422))
        # Compliance for the whole city over HTTP.
        comp = []
        for _ in range(50):
            t0 = time.perf_counter()
            conn.request("GET", "/api/v1/funds/compliance?unit=141000&short_only=false",
                         headers={"Authorization": f"Bearer {token}"})
            resp = conn.getresponse()
            resp.read()
            if resp.status != 200:
                raise SystemExit(f"compliance answered {resp.status}")
            comp.append(time.perf_counter() - t0)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from jiceng.consult import voting
    from jiceng.consult.models import Ballot, BallotPaper, BallotParticipation

    b = Ballot.objects.get(pk=ballot)
    t0 = time.perf_counter()
    result = voting.tally(b)
    tally_ms = (time.perf_counter() - t0) * 1000
    parts = BallotParticipation.objects.filter(ballot=b).count()
    papers = BallotPaper.objects.filter(ballot=b).count()
    counted = {row["option"]: row["votes"] for row in result["options"]}
    exactly_once = parts == papers == len(accepted) == result["papers"] and all(
        counted.get(o, 0) == sent.get(o, 0) for o in options)
    os.unlink(codes_path)
    out = {"name": NAME, "households": args.households, "clients": CLIENTS, "workers": args.workers,
           "threads": args.threads, "votes_accepted": len(accepted), "votes_refused": refused_first,
           "code_failures": code_failures, "codes_per_second": round(args.households / codes_s, 1),
           "votes_per_second": round(len(accepted) / elapsed, 1),
           "p95_ms": round(times[int(len(times) * 0.95) - 1] * 1000, 1) if times else None,
           "p50_ms": round(statistics.median(times) * 1000, 1) if times else None,
           "tally_ms": round(tally_ms, 1), "exactly_once": exactly_once,
           "second_votes_tried": len(sample), "second_votes_refused": second_refused,
           "winners": [row["title"] for row in result["options"] if row["won"]],
           "compliance_p50_ms": round(statistics.median(comp) * 1000, 1),
           "build_s": round(build_s, 1), "load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    if not args.keep:
        teardown_database(url, created)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
