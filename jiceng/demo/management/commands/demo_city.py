import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from jiceng.core.audit import audit_record
from jiceng.demo.runner import DemoContext, build_demo_city, demo_steps
from jiceng.orgs.models import Unit


class Command(BaseCommand):
    help = "Build the deterministic demo city (Linfen's structure and figures) through the services."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=20261128)
        parser.add_argument("--scale", type=float, default=1.0,
                            help="residents multiplier: 1 = 200,000 residents, 20 = 4 million")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when units exist")
        parser.add_argument("--only", nargs="*", help="run only these steps (app labels)")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        if not 0.01 <= opts["scale"] <= 20:
            raise CommandError("--scale must be between 0.01 and 20.")
        if Unit.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("The database already holds a city; nothing to build.")
                return
            if not opts["only"]:
                raise CommandError("The database already holds units; the demo city goes into an empty database.")
        started = time.perf_counter()
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:  # a bulk load: durability comes at the end
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-524288")
        ctx = DemoContext(seed=opts["seed"], scale=opts["scale"], quiet=opts["quiet"])
        known = {label for _o, label, _m in demo_steps()}
        only = set(opts["only"] or []) or None
        if only and only - known:
            raise CommandError(f"Unknown steps {sorted(only - known)}; known: {sorted(known)}")
        build_demo_city(ctx, only=only)
        if not only:
            from django.db import transaction

            with transaction.atomic():
                audit_record(actor=None, action="demo.built", object_type="demo", changes={
                    "seed": ctx.seed, "scale": ctx.scale, "timings": ctx.timings})
        self.stdout.write(self.style.SUCCESS(
            f"Demo city built in {time.perf_counter() - started:.0f} s ({ctx.timings})."))
