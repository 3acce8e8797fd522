import json

from django.core.management.base import BaseCommand, CommandError

from jiceng.cockpit.registry import compute_figures
from jiceng.core.models import AuditEvent
from jiceng.demo.contract import check, contract_path, read_contract
from jiceng.orgs.models import Unit


class Command(BaseCommand):
    help = ("Check the demo city in this database against the cockpit contract (jiceng/demo/contract.py): "
            "prints one JSON object; exit status 1 when a figure is missing or off its source value.")

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=None,
                            help="the scale the city was built at (default: read from its demo.built audit event)")

    def handle(self, *args, **opts):
        city = Unit.objects.filter(kind="city").order_by("path").first()
        if city is None:
            raise CommandError("No city in this database: build one with `manage.py demo_city` first.")
        scale = opts["scale"]
        if scale is None:
            built = AuditEvent.objects.filter(action="demo.built").order_by("-id").first()
            if built is None:
                raise CommandError("No demo.built audit event: say the city's scale with --scale.")
            scale = float(built.changes["scale"])
        figures = read_contract()
        values = compute_figures(city)
        result = check(figures, values, scale=scale)
        report = {"contract": str(contract_path()), "scale": scale, "figures": len(figures),
                  "checked": result["checked"], "values": {f.key: values.get(f.key) for f in figures},
                  "known_deviations": result["deviations"], "problems": result["problems"], "ok": not result["problems"]}
        self.stdout.write(json.dumps(report, ensure_ascii=False, default=str))
        if result["problems"]:
            raise CommandError(f"{len(result['problems'])} figure(s) break the contract: "
                               + "; ".join(result["problems"]))
