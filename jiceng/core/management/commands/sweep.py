import sys
import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, connections
from django.utils import timezone

from jiceng.core.discovery import app_modules


def run_sweeps(now=None) -> dict:
    """Run every app's `sweeps.sweep(now)` once; each sweep is idempotent and claims rows atomically."""
    now = now or timezone.now()
    results = {}
    for cfg, module in app_modules("sweeps"):
        results[cfg.label] = module.sweep(now)
    return results


class Command(BaseCommand):
    help = "Periodic sweeps (deadline warnings, escalation, prompt cards …): once, or every --interval seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=0, help="seconds between sweeps; 0 = run once")

    def handle(self, *args, **opts):
        while True:
            if not opts["interval"]:
                results = run_sweeps()
            else:
                # A loop outlives a database that is busy or restarting: the sweep is idempotent, so a failed
                # round is simply run again at the next interval.
                try:
                    results = run_sweeps()
                except DatabaseError as exc:
                    print(f"{timezone.now():%Y-%m-%d %H:%M:%S} sweep failed, retried in {opts['interval']} s: "
                          f"{exc}", file=sys.stderr, flush=True)
                    connections.close_all()
                    time.sleep(opts["interval"])
                    continue
            if opts["verbosity"] > 1 or not opts["interval"]:
                self.stdout.write(f"{timezone.now():%Y-%m-%d %H:%M:%S} {results}")
            if not opts["interval"]:
                return
            time.sleep(opts["interval"])
