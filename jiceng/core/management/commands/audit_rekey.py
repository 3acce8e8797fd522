import base64

from django.core.management.base import BaseCommand, CommandError

from jiceng.core.audit import LEGACY, audit_key, audit_rekey


class Command(BaseCommand):
    help = ("Re-hash the audit chain under the current JICENG_AUDIT_KEY after verifying it with the old key "
            "(key rotation), or with --legacy a chain written before the key existed (plain SHA-256).")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--old-key-file", help="file holding the previous key (base64)")
        group.add_argument("--legacy", action="store_true", help="the chain is unkeyed SHA-256")

    def handle(self, *args, **options):
        if options["legacy"]:
            old = LEGACY
        else:
            with open(options["old_key_file"], encoding="ascii") as fh:
                old = base64.b64decode(fh.read().strip(), validate=True)
        try:
            count = audit_rekey(old_key=old, new_key=audit_key())
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Audit chain re-keyed: {count} records."))
