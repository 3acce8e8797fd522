"""The demo city builder. Each app's `demo.py` has `ORDER` (int) and `build(ctx)`; steps run in order.

Steps write through the apps' services (bulk variants where speed needs it, still validated and
audited), seeded from `ctx.seed`, so the same seed gives the same city.
"""

import dataclasses
import datetime
import random
import sys
import time

from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from jiceng.core.discovery import app_modules


@dataclasses.dataclass
class DemoContext:
    seed: int = 20261128
    scale: float = 1.0
    today: datetime.date = dataclasses.field(default_factory=timezone.localdate)
    quiet: bool = False
    data: dict = dataclasses.field(default_factory=dict)  # steps share what they built here
    timings: dict = dataclasses.field(default_factory=dict)

    def rng(self, name: str) -> random.Random:
        """A random generator of its own for each step, so adding a step changes no other."""
        return random.Random(f"{self.seed}:{name}")  # nosec B311  # seeded generator for synthetic data, not a secret

    def progress(self, total: int, desc: str):
        return tqdm(total=total, desc=desc, unit="", leave=False, disable=self.quiet, file=sys.stderr,
                    dynamic_ncols=True)

    def say(self, message: str):
        if not self.quiet:
            print(message, file=sys.stderr, flush=True)


def demo_steps():
    steps = []
    for cfg, module in app_modules("demo"):
        if hasattr(module, "build") and hasattr(module, "ORDER"):
            steps.append((module.ORDER, cfg.label, module))
    return sorted(steps, key=lambda s: (s[0], s[1]))


def build_demo_city(ctx: DemoContext, *, only: set[str] | None = None) -> DemoContext:
    for _order, label, module in demo_steps():
        if only and label not in only:
            continue
        started = time.perf_counter()
        ctx.say(f"[demo] {label} …")
        module.build(ctx)
        ctx.timings[label] = round(time.perf_counter() - started, 1)
        ctx.say(f"[demo] {label} done in {ctx.timings[label]} s")
    refresh_statistics(ctx)
    return ctx


def refresh_statistics(ctx: DemoContext):
    """After a bulk load the planner's statistics describe empty tables (autovacuum catches up minutes
    later): on PostgreSQL the demo ends with ANALYZE, so its first pages are planned on real counts."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    ctx.timings["analyze"] = round(time.perf_counter() - started, 1)
    ctx.say(f"[demo] statistics refreshed in {ctx.timings['analyze']} s")
