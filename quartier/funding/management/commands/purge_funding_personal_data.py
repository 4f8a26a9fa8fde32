"""Remove contact data of funding consultations by the retention rule (run daily by a timer)."""

from django.core.management.base import BaseCommand

from quartier.funding.services import consultations_personal_data_purge


class Command(BaseCommand):
    help = (
        "Remove contact data of consultations 6 months after they ended or 24 months after the last activity."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"consultations anonymised: {consultations_personal_data_purge()}")
