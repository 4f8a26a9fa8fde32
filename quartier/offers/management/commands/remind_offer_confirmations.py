"""Ask organisations to confirm offers not confirmed for QUARTIER_OFFER_CONFIRM_DAYS (run daily by a timer)."""

from django.core.management.base import BaseCommand

from quartier.offers.services import offer_confirmation_reminders_send


class Command(BaseCommand):
    help = "Mail a one-click confirmation link for each offer not confirmed for the configured time (once)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", default="", help="e.g. https://quartier.essen.de (default: the city's domain)"
        )

    def handle(self, *args, base_url, **options):
        sent, without_address = offer_confirmation_reminders_send(base_url=base_url)
        self.stdout.write(f"reminders sent: {sent}; offers without any contact address: {without_address}")
