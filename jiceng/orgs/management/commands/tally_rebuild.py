from django.core.management.base import BaseCommand
from django.db import transaction

from jiceng.orgs.tally import rebuild


class Command(BaseCommand):
    help = "Recompute every unit tally (units of each kind and residents below each unit) from the rows."

    def handle(self, *args, **opts):
        with transaction.atomic():
            n = rebuild()
        self.stdout.write(self.style.SUCCESS(f"Rebuilt the tallies of {n} units."))
