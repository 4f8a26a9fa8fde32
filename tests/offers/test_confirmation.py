"""Offers stay listed only while their organisations confirm them: a reminder with a one-click link after the
confirmation period (once), hidden after the grace time, listed again when confirmed or edited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from quartier.offers import selectors, services
from quartier.offers.models import Offer

from .conftest import make_offer


def age(offer, days):
    Offer.objects.filter(pk=offer.pk).update(confirmed_at=timezone.now() - timedelta(days=days))
    offer.refresh_from_db()
    return offer


@pytest.fixture
def old(essen, organisation):
    return age(
        make_offer(essen, organisation, "Sprachcafé", contact_email="sprachcafe-demo@example.org"), 400
    )


def test_reminder_once_with_a_link_that_confirms(client, essen, organisation, old, settings):
    settings.SITE_URL = "https://quartier.example.org"
    fresh = age(make_offer(essen, organisation, "Elterncafé", contact_email="eltern-demo@example.org"), 200)
    assert services.offer_confirmation_reminders_send() == (1, 0)
    assert [m.to for m in mail.outbox] == [["sprachcafe-demo@example.org"]]
    body = mail.outbox[0].body
    assert "Sprachcafé" in body and "Nachbarschaftsverein Demo e. V." in body
    link = re.search(r"https://quartier\.example\.org(/de/angebote/bestaetigen/[^/\s]+/)", body).group(1)
    old.refresh_from_db()
    assert old.reminder_sent_at is not None and old.confirm_token_hash
    assert services.offer_confirmation_reminders_send() == (0, 0)  # once
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert selectors.offer_by_confirm_token(token) == old
    services.offer_confirm(offer=old)
    old.refresh_from_db()
    assert old.reminder_sent_at is None and not old.confirm_token_hash
    assert (timezone.now() - old.confirmed_at).total_seconds() < 60
    assert selectors.offer_by_confirm_token(token) is None  # used up
    assert fresh.reminder_sent_at is None


def test_organisation_address_when_the_offer_has_none_and_offers_without_any(essen, organisation):
    organisation.email = "verein-demo@example.org"
    organisation.save()
    age(make_offer(essen, organisation, "Beratung"), 400)
    assert services.offer_confirmation_reminders_send() == (1, 0)
    assert mail.outbox[-1].to == ["verein-demo@example.org"]
    organisation.email = ""
    organisation.save()
    age(make_offer(essen, organisation, "Sportgruppe"), 400)
    assert services.offer_confirmation_reminders_send() == (0, 1)


def test_hidden_after_the_grace_time_and_listed_again_when_edited(essen, organisation, old):
    assert old in selectors.visible(essen)  # 400 days: flagged, still listed
    age(old, (Offer.hidden_after() + timedelta(days=1)).days)
    assert old not in selectors.visible(essen)
    data = services.OfferData(
        title=old.title,
        description=old.description,
        category=old.category,
        organisation=organisation,
        neighbourhoods=list(old.neighbourhoods.all()),
        weekly_times=old.weekly_times,
    )
    services.offer_update(actor=None, offer=old, data=data, expected_version=old.version)
    assert old in selectors.visible(essen)


def test_the_command(essen, old):
    call_command("remind_offer_confirmations", "--base-url", "https://x.example.org")
    assert "https://x.example.org/de/angebote/bestaetigen/" in mail.outbox[-1].body
