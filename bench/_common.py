"""Shared set-up for benchmarks: a PostgreSQL database of their own, Django, and a demo city of a
given size that is kept between runs (rebuilt only when missing or too small)."""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG = "postgres://postgres@127.0.0.1:5432"


def setup_django(db_name: str):
    os.environ.setdefault("DATABASE_URL", f"{PG}/{db_name}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    url = os.environ["DATABASE_URL"]
    if url.startswith("postgres"):
        name = url.rsplit("/", 1)[1]
        exists = subprocess.run(["psql", f"{PG}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
                                capture_output=True, text=True).stdout.strip()
        if not exists:
            subprocess.run(["psql", f"{PG}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_city(*, residents: int, steps: list[str]):
    """Build the demo city (only `steps`) at the scale that gives `residents`, unless already there."""
    from django.core.management import call_command
    from django.db import connection

    from jiceng.orgs.models import Unit
    from jiceng.people.models import Person

    if Unit.objects.exists():
        if Person.objects.count() >= residents * 0.95:
            return
        raise SystemExit(f"{connection.settings_dict['NAME']} holds a smaller city; drop it to rebuild.")
    started = time.perf_counter()
    call_command("demo_city", scale=residents / 200_000, only=steps, quiet=True)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    print(f"built the city in {time.perf_counter() - started:.0f} s", file=sys.stderr)


def timed(fn, *, repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def report(name: str, samples_ms: list[float] | None = None, **figures):
    data = {"name": name}
    if samples_ms is not None:
        ordered = sorted(samples_ms)
        data.update(p50_ms=round(statistics.median(ordered), 2),
                    p95_ms=round(ordered[int(len(ordered) * 0.95) - 1], 2), runs=len(ordered))
    data.update(figures)
    print(json.dumps(data, ensure_ascii=False), flush=True)
