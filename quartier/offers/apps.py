from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "quartier.offers"
    label = "offers"
    verbose_name = _("Angebote")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quartier.organisations import sections

        from . import selectors, signals  # noqa: F401
        from .views.public import organisation_offers

        # The organisation page lists the organisation's offers; the organisation API counts them.
        sections.register_page_section(
            "offers",
            sections.PageSection(
                template="offers/public/organisation_offers.html",
                context=organisation_offers,
                breadcrumb=(_("Angebote"), "public:offers"),
            ),
        )
        sections.register_counter("offers", selectors.offer_counts)
