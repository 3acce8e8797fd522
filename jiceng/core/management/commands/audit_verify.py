from django.core.management.base import BaseCommand, CommandError

from jiceng.core.audit import audit_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain and name the first broken record."

    def handle(self, *args, **options):
        count, broken, reason = audit_verify()
        if reason:
            where = f"record #{broken.seq} (id {broken.pk}, {broken.action})" if broken else "chain head"
            raise CommandError(f"Audit chain broken at {where}: {reason}. {count} records verified before it "
                               "(with the key JICENG_AUDIT_KEY).")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {count} records."))
