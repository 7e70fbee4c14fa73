"""Reminds before and escalates after claim deadlines. Run it every 15 minutes (cron, systemd
timer, or the scheduler); it is idempotent and safe from several machines at once."""

from django.core.management.base import BaseCommand

from televente.claims.services import claims_check_deadlines


class Command(BaseCommand):
    help = "Rappels avant échéance et escalade des réclamations en retard."

    def handle(self, *args, **options) -> None:
        done = claims_check_deadlines()
        self.stdout.write(f"reminded={done['reminded']} escalated={done['escalated']}")
