"""Benchmark: a street-wide participatory-budget ballot of 100,000 households (issue 13): gunicorn +
PostgreSQL, 8 HTTP client processes.

    python bench/ballot.py [--households N] [--http-households M] [--workers W] [--threads T] [--keep]

In its own database (jiceng_bench_ballot, created and dropped here): a city of 20 streets and 209
communities with this year's budgets (orgs and funds services), and one street of N households
(100,000 by default), each with a resident whose mobile number is registered on it. Grids, compounds and
buildings go through orgs.units_bulk_create; the N household units and their N residents are written
with PostgreSQL COPY straight into this benchmark's own database (the services' bulk variants spend
minutes on 200,000 model instances on two loaded cores, and the ballot needs only the rows; orgs'
resident tallies are not maintained for them). The ballot has 10 projects within a 500,000 yuan budget.

What is measured how (every figure is for ONE ballot holding all N households' votes):
1. Bulk votes (only with `--http-households M` below N, for a quick run): N - M households vote through
   consult.voting.ballots_bulk_cast (the system's bulk variant: each vote checked, participations and
   papers inserted as two separately shuffled batches). Not timed as HTTP; `bulk_votes_s` is reported.
2. HTTP votes, real: M households (by default all N, as the issue asks; `--http-households 5000` for a
   quick run, spread over the street), 8 client processes with kept-alive connections, each household as
   a resident's phone would: ask for an SMS code (POST /api/v1/consult/ballots/{id}/code; the server's
   gateway is bench/_ballot_gateway.FileGateway, which appends "number code" to a file the clients read),
   read it, and vote (POST …/vote) with the code and a choice within the budget; X-Forwarded-For behind
   JICENG_TRUSTED_PROXIES=1. `votes_per_second` is accepted votes over the whole HTTP phase (code request
   included); `p50_ms`/`p95_ms` are the vote requests, `code_p50_ms`/`code_p95_ms` the code requests.
   (Asking every code first and voting later would let codes expire — their life is 10 minutes — on a
   run longer than that: a resident votes a minute after the code arrives.)
3. Second votes: 1,000 households that voted over HTTP (500 when some voted in bulk) ask for a new code
   and re-send their used code, and 500 that were bulk-voted (if any) ask for a code: every one must be
   refused (409/422).
4. `tally_ms`: consult.voting.tally (votes per project over all N papers and the budget-constrained
   result), in process, after all votes: the first (cold) run and the worst of 10 more are reported;
   `result_http_p50_ms` is GET /api/v1/consult/ballots/{id}/result (the live tally) as the city
   administrator over HTTP.
5. `exactly_once`: participations == papers == bulk votes + accepted HTTP votes, and the tally's votes
   per project equal the sum of what the bulk step and the HTTP clients sent.
6. `compliance_p50_ms`: GET /api/v1/funds/compliance for the whole city (20 streets, 209
   communities, N + 1,000 units), 50 times, as the city administrator with an API token
   (bench/compliance.py measures it alone, in process and over HTTP).

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
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
NAME = "ballot"
CLIENTS = 8

from _common import free_port, serve, setup_database, teardown_database  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT") or free_port())
OPTIONS = [("路灯改造", 180_000), ("加装扶手", 60_000), ("社区食堂", 150_000), ("口袋公园", 220_000), ("充电棚", 90_000),
           ("健身步道", 120_000), ("垃圾分类亭", 50_000), ("游乐场地", 110_000), ("无障碍坡道", 40_000), ("便民座椅", 20_000)]
BUDGET = 500_000


def phone_of(i: int) -> str:
    return f"139{i:08d}"


def _copy(model, columns: list[str], rows) -> None:
    """COPY rows into the model's table (this benchmark's own database only)."""
    from django.db import connection

    table = connection.ops.quote_name(model._meta.db_table)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # noqa: S608  # nosec B608  # model metadata
            for row in rows:
                copy.write_row(row)


def _copy_households(buildings, households: int) -> None:
    """The households (100 a building) and one resident each, with the mobile number phone_of(i)."""
    from django.db import connection
    from django.utils import timezone

    from jiceng.core.crypto import encrypt, lookup_hash
    from jiceng.core.pii import mask_phone
    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    now = timezone.now()
    homes = []
    for b in buildings:
        for h in range(100):
            if len(homes) < households:
                code = f"{b.code}{h + 1:04d}"
                homes.append(("household", code, f"{h + 1}室", b.pk, f"{b.path}{code}/", b.depth + 1, "", now, now))
    _copy(Unit, ["kind", "code", "name", "parent_id", "path", "depth", "address", "created_at", "updated_at"], homes)
    ids = dict(Unit.objects.filter(kind="household", code__in=[h[1] for h in homes]).values_list("code", "id"))

    def people():
        for i, h in enumerate(homes):
            tel = phone_of(i)
            yield (f"居民{i}", "F", "", "", "", encrypt(tel), lookup_hash(tel), mask_phone(tel), ids[h[1]], h[4],
                   True, now, now)

    _copy(Person, ["name", "gender", "id_number_enc", "id_number_hash", "id_number_masked", "phone_enc",
                   "phone_hash", "phone_masked", "household_id", "unit_path", "is_resident", "created_at",
                   "updated_at"], people())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_city(households: int):
    """The city, its budgets, and the ballot street's N households with residents. Returns (city, street)."""
    from decimal import Decimal

    from django.utils import timezone

    from jiceng.funds import selectors as fsel
    from jiceng.funds import services as fsvc
    from jiceng.orgs import services as orgs
    from jiceng.orgs.models import Unit

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
    _copy_households(buildings, households)

    year = timezone.localdate().year
    types = {t.code: t for t in fsel.fund_types()}
    rng = random.Random(13)  # nosec B311  # seeded generator for synthetic data, not a secret
    rows = [{"unit": s, "year": year, "fund_type": types["street_running"], "source": "county",
             "amount": Decimal(rng.choice([750_000, 800_000, 850_000]))} for s in streets]
    rows += [{"unit": c, "year": year, "fund_type": types[code], "source": "city",
              "amount": Decimal(rng.choice([95_000, 100_000, 120_000]))}
             for c in communities for code in ("community_work", "community_service")]
    fsvc.budgets_bulk_set(actor=None, rows=rows, audit_unit=city)
    return city, ballot_street


def admin_token(city) -> str:
    from jiceng.accounts.services import grant_create, token_create, user_create

    admin = user_create(actor=None, username="bench-admin", password=os.urandom(16).hex())
    grant_create(actor=None, user=admin, role="city_admin", unit=city)
    _obj, token = token_create(user=admin, name="bench")
    return token


def build(households: int):
    """Units, residents with phones, budgets, the ballot and an API token. Returns (ballot id, option ids, token)."""
    import datetime

    from django.utils import timezone

    from jiceng.consult import voting

    city, ballot_street = build_city(households)
    ballot = voting.ballot_create(actor=None, unit=ballot_street, title="民生微实事", budget=str(BUDGET),
                                  closes_at=timezone.now() + datetime.timedelta(days=2))
    options = [voting.ballot_option_add(actor=None, ballot=ballot, title=t, cost=c).pk for t, c in OPTIONS]
    voting.ballot_open(actor=None, ballot=ballot)
    return ballot.pk, options, admin_token(city)


def household_ids(ballot_id: int) -> list[tuple[int, str]]:
    """(id, path) of the ballot street's households in the order of phone_of(i)."""
    from jiceng.consult.models.ballots import Ballot
    from jiceng.orgs.models import Unit

    street = Ballot.objects.get(pk=ballot_id).unit_path
    return list(Unit.objects.filter(kind="household", path__startswith=street).order_by("code")
                .values_list("id", "path"))


def bulk_vote(ballot_id: int, indexes: list[int], homes: list[tuple[int, str]], options: list[int]) -> dict:
    """Votes of these households through the bulk service, 10,000 a batch. Returns {option: votes}."""
    from jiceng.consult import voting
    from jiceng.consult.models.ballots import Ballot
    from jiceng.orgs.models import Unit

    ballot = Ballot.objects.get(pk=ballot_id)
    sent: dict = {}
    for start in range(0, len(indexes), 10_000):
        votes = []
        for i in indexes[start:start + 10_000]:
            chosen = choice_for(i, options)
            for o in chosen:
                sent[o] = sent.get(o, 0) + 1
            pk, path = homes[i]
            votes.append((Unit(pk=pk, path=path, kind="household"), chosen))
        voting.ballots_bulk_cast(ballot=ballot, votes=votes)
    return sent


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


def _pct(times: list, q: float):
    """The q-quantile of sorted seconds, in milliseconds (None when there are none)."""
    return round(times[max(0, int(len(times) * q + 0.5) - 1)] * 1000, 1) if times else None


def _ip(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


class CodeInbox:
    """The codes the server's gateway appended to the file, read as they arrive (each client keeps its own
    position in the file; the gateway writes one whole line per O_APPEND write)."""

    def __init__(self, path: str):
        self.f = open(path, encoding="ascii")  # noqa: SIM115  # kept open for the client's whole run
        self.codes: dict[str, str] = {}

    def get(self, phone: str) -> str | None:
        for _ in range(1000):
            if phone in self.codes:
                return self.codes.pop(phone)
            where = self.f.tell()
            line = self.f.readline()
            if not line.endswith("\n"):  # nothing new yet, or a line still being written
                self.f.seek(where)
                time.sleep(0.001)
                continue
            number, code = line.split()
            self.codes[number] = code
        return None


def _post(conn, port, path, body, ip):
    """POST with up to five tries on a broken connection; returns (status, seconds, connection)."""
    t0 = time.perf_counter()
    for _attempt in range(5):
        try:
            status, _data = _request(conn, "POST", path, body, ip)
            return status, time.perf_counter() - t0, conn
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    return 0, time.perf_counter() - t0, conn


def journey(n, indexes, ballot, options, codes_path, port, out):
    """One client's residents, one after another as a phone would: ask for the SMS code, read it, vote."""
    inbox = CodeInbox(codes_path)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    accepted, refused, code_failures, code_times, vote_times, sent = [], 0, 0, [], [], {}
    for i in indexes:
        phone = phone_of(i)
        status, seconds, conn = _post(conn, port, f"/api/v1/consult/ballots/{ballot}/code", {"phone": phone}, _ip(i))
        code_times.append(seconds)
        code = inbox.get(phone) if status == 200 else None
        if code is None:
            code_failures += 1
            continue
        chosen = choice_for(i, options)
        status, seconds, conn = _post(conn, port, f"/api/v1/consult/ballots/{ballot}/vote",
                                      {"phone": phone, "code": code, "options": chosen}, _ip(i))
        vote_times.append(seconds)
        if status == 201:
            accepted.append(i)
            for o in chosen:
                sent[o] = sent.get(o, 0) + 1
        else:
            refused += 1
    out.put((accepted, refused, code_failures, code_times, vote_times, sent))


def read_codes(path: str) -> dict:
    codes = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            phone, code = line.split()
            codes[phone] = code
    return codes


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

def _get(conn, path: str, token: str) -> float:
    t0 = time.perf_counter()
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
    resp = conn.getresponse()
    resp.read()
    if resp.status != 200:
        raise SystemExit(f"{path} answered {resp.status}")
    return time.perf_counter() - t0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--http-households", type=int, default=None,
                        help="households that vote over HTTP (default: all; the rest through the bulk service)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    n_http = args.households if args.http_households is None else min(args.http_households, args.households)
    url, created = setup_database(NAME)
    from django.db import connection

    t_build = time.perf_counter()
    ballot, options, token = build(args.households)
    build_s = time.perf_counter() - t_build
    # The HTTP sample is spread evenly over the street; every other household votes in bulk first, so
    # the HTTP votes meet a ballot that already holds almost all papers.
    step = args.households / n_http if n_http else 0
    over_http = sorted({int(k * step) for k in range(n_http)})
    http_set = set(over_http)
    in_bulk = [i for i in range(args.households) if i not in http_set]
    homes = household_ids(ballot)
    t0 = time.perf_counter()
    sent = bulk_vote(ballot, in_bulk, homes, options)
    bulk_s = time.perf_counter() - t0
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    codes_path = tempfile.NamedTemporaryFile(prefix="jiceng-ballot-codes-", delete=False).name
    env = dict(os.environ, DATABASE_URL=url, DJANGO_SETTINGS_MODULE="jiceng.settings", JICENG_TRUSTED_PROXIES="1",
               JICENG_SMS_BACKEND="_ballot_gateway.FileGateway", JICENG_BENCH_SMS_FILE=codes_path,
               JICENG_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend", JICENG_NOTIFY_CHANNELS="sms")
    server = serve("jiceng.wsgi", env, port=PORT, workers=args.workers, threads=args.threads,
                   probe="/api/v1/funds/public/0")
    try:
        shares = [over_http[n::CLIENTS] for n in range(CLIENTS)]
        results, elapsed = run(journey, lambda n, out: (n, shares[n], ballot, options, codes_path, PORT, out))
        accepted = [i for r in results for i in r[0]]
        refused_first = sum(r[1] for r in results)
        code_failures = sum(r[2] for r in results)
        code_times = sorted(t for r in results for t in r[3])
        times = sorted(t for r in results for t in r[4])
        for r in results:
            for o, k in r[5].items():
                sent[o] = sent.get(o, 0) + k
        # Second votes: a new code for the household and the used code again (HTTP voters); a code for a
        # household that voted in bulk. Every one refused.
        codes = read_codes(codes_path)
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        second_refused = 0
        rng = random.Random(2)  # nosec B311  # a seeded sample, not a secret
        sample_bulk = rng.sample(in_bulk, min(500, len(in_bulk)))
        sample_http = rng.sample(accepted, min(1000 - len(sample_bulk), len(accepted)))
        for i in sample_http:
            s1, _ = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/code", {"phone": phone_of(i)}, _ip(i))
            s2, _ = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/vote",
                             {"phone": phone_of(i), "code": codes[phone_of(i)], "options": choice_for(i, options)},
                             _ip(i))
            second_refused += int(s1 == 409 and s2 in (409, 422))
        for i in sample_bulk:
            s1, _ = _request(conn, "POST", f"/api/v1/consult/ballots/{ballot}/code", {"phone": phone_of(i)}, _ip(i))
            second_refused += int(s1 == 409)
        result_http = [_get(conn, f"/api/v1/consult/ballots/{ballot}/result", token) for _ in range(10)]
        comp = [_get(conn, "/api/v1/funds/compliance?unit=141000&short_only=false", token) for _ in range(50)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    from jiceng.consult import voting
    from jiceng.consult.models.ballots import Ballot, BallotPaper, BallotParticipation

    b = Ballot.objects.get(pk=ballot)
    tally_runs = []
    for _ in range(11):
        t0 = time.perf_counter()
        result = voting.tally(b)
        tally_runs.append((time.perf_counter() - t0) * 1000)
    parts = BallotParticipation.objects.filter(ballot=b).count()
    papers = BallotPaper.objects.filter(ballot=b).count()
    counted = {row["option"]: row["votes"] for row in result["options"]}
    total = len(in_bulk) + len(accepted)
    exactly_once = parts == papers == total == result["papers"] == result["households"] and all(
        counted.get(o, 0) == sent.get(o, 0) for o in options)
    os.unlink(codes_path)
    out = {"name": NAME, "households": args.households, "votes_total": total, "votes_bulk": len(in_bulk),
           "http_households": len(over_http), "clients": CLIENTS, "workers": args.workers, "threads": args.threads,
           "votes_accepted_http": len(accepted), "votes_refused_http": refused_first, "code_failures": code_failures,
           "http_seconds": round(elapsed, 1),
           "votes_per_second": round(len(accepted) / elapsed, 1) if over_http else None,
           "p95_ms": _pct(times, 0.95), "p50_ms": _pct(times, 0.5),
           "code_p95_ms": _pct(code_times, 0.95), "code_p50_ms": _pct(code_times, 0.5),
           "tally_ms": round(max(tally_runs), 1), "tally_first_ms": round(tally_runs[0], 1),
           "tally_p50_ms": round(statistics.median(tally_runs), 1),
           "result_http_p50_ms": round(statistics.median(result_http) * 1000, 1),
           "exactly_once": exactly_once, "second_votes_tried": len(sample_http) + len(sample_bulk),
           "second_votes_refused": second_refused,
           "winners": [row["title"] for row in result["options"] if row["won"]],
           "compliance_p50_ms": round(statistics.median(comp) * 1000, 1),
           "build_s": round(build_s, 1), "bulk_votes_s": round(bulk_s, 1),
           "load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count()}
    if not args.keep:
        teardown_database(url, created)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
