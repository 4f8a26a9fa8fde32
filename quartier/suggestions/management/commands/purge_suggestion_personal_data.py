"""Remove name and e-mail from suggestions by the retention rule (run daily by a timer)."""

from django.core.management.base import BaseCommand

from quartier.suggestions.services import suggestions_personal_data_purge


class Command(BaseCommand):
    help = (
        "Remove contact data of suggestions closed longer than QUARTIER_SUGGESTION_KEEP_CLOSED_DAYS, or without "
        "activity for QUARTIER_SUGGESTION_KEEP_INACTIVE_DAYS. The suggestions stay, anonymised."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"{suggestions_personal_data_purge()} suggestions anonymised")
