"""Offer services: validation (nothing stored half), who may create and change, optimistic locking, the audit
entry, and the search document that follows every change."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from quartier.accounts.models import Role
from quartier.core.models import AuditEntry
from quartier.offers import selectors, services
from quartier.offers.models import Offer, OfferCategory
from quartier.organisations.models import Organisation
from quartier.places.models import City, Neighbourhood
from tests.conftest import make_user

from .conftest import category, make_offer


def data(essen, organisation, **changes):
    values = {
        "title": "Sprachcafé",
        "description": "Deutsch sprechen.",
        "category": category(essen, "language-cafe"),
        "organisation": organisation,
        "neighbourhoods": list(Neighbourhood.objects.filter(city=essen, name="Altendorf")),
        "weekly_times": [{"weekday": 0, "start": "10:00", "end": "12:00"}],
    }
    values.update(changes)
    return services.OfferData(**values)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "  "}, "title"),
        ({"description": ""}, "description"),
        ({"neighbourhoods": []}, "neighbourhoods"),
        ({"target_groups": ["martians"]}, "target_groups"),
        ({"languages": ["deutsch"]}, "languages"),
        ({"languages": ["d1"]}, "languages"),
        ({"languages": ["de"] * 21}, "languages"),
        ({"weekly_times": []}, "weekly_times"),
        ({"weekly_times": [{"weekday": 7, "start": "10:00", "end": "12:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start": "12:00", "end": "10:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start": "25:00", "end": "26:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": "1", "start": "10:00", "end": "12:00"}]}, "weekly_times"),
        ({"weekly_times": [{"weekday": 1, "start": "10:00", "end": "12:00", "x": 1}]}, "weekly_times"),
        ({"weekly_times": ["montags"]}, "weekly_times"),
        ({"latitude": 51.4}, "latitude"),
        ({"latitude": 91.0, "longitude": 7.0}, "latitude"),
        ({"schedule": "sometimes"}, "schedule"),
        ({"status": "deleted"}, "status"),
    ],
)
def test_invalid_data_stores_nothing(essen, organisation, changes, field):
    with pytest.raises(ValidationError) as error:
        services.offer_create(actor=None, city=essen, data=data(essen, organisation, **changes))
    assert field in error.value.message_dict
    assert not Offer.objects.exists()


def test_by_appointment_needs_no_times_and_citywide_no_place(essen, organisation):
    offer = services.offer_create(
        actor=None,
        city=essen,
        data=data(
            essen, organisation, schedule="appointment", weekly_times=[], neighbourhoods=[], citywide=True
        ),
    )
    assert offer.citywide and offer.neighbourhoods.count() == 0


def test_another_citys_category_or_place_is_refused(essen, organisation):
    other = City.objects.create(slug="musterstadt", name="Musterstadt (Demo)", boundary={})
    foreign = OfferCategory.objects.create(city=other, slug="x", name="X")
    with pytest.raises(ValidationError) as error:
        services.offer_create(actor=None, city=essen, data=data(essen, organisation, category=foreign))
    assert "category" in error.value.message_dict


def test_who_may_create_and_change(essen, organisation, coordinator_iii):
    member = make_user("mitglied-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    organisation.members.create(user=member)
    stranger = make_user("fremd-demo@example.org", roles=[(Role.ORGANISATION_MEMBER, None)], city=essen)
    coordinator_iv = make_user("iv-demo@example.org", roles=[(Role.COORDINATOR, "IV")], city=essen)
    with pytest.raises(PermissionDenied):
        services.offer_create(actor=stranger, city=essen, data=data(essen, organisation))
    offer = services.offer_create(actor=member, city=essen, data=data(essen, organisation))
    # Altendorf is in III: its coordinator may correct the offer, IV's may not.
    changed = services.offer_update(
        actor=coordinator_iii,
        offer=offer,
        data=data(essen, organisation, title="Sprachcafé (korrigiert)"),
        expected_version=1,
    )
    assert changed.version == 2 and changed.title == "Sprachcafé (korrigiert)"
    for outsider in (coordinator_iv, stranger):
        with pytest.raises(PermissionDenied):
            services.offer_update(
                actor=outsider, offer=offer, data=data(essen, organisation), expected_version=2
            )
    assert Offer.objects.get(pk=offer.pk).title == "Sprachcafé (korrigiert)"
    assert {
        e.action for e in AuditEntry.objects.filter(target_type="offers.offer", target_id=str(offer.pk))
    } == {
        "offer.created",
        "offer.changed",
    }
    assert set(selectors.editable_by(coordinator_iii, essen)) == {offer}
    assert set(selectors.editable_by(coordinator_iv, essen)) == set()
    assert set(selectors.editable_by(member, essen)) == {offer}


def test_a_stale_version_is_a_conflict_and_changes_nothing(essen, organisation):
    offer = make_offer(essen, organisation, "Sprachcafé")
    services.offer_update(
        actor=None, offer=offer, data=data(essen, organisation, title="Erste"), expected_version=1
    )
    with pytest.raises(services.Conflict) as conflict:
        services.offer_update(
            actor=None, offer=offer, data=data(essen, organisation, title="Zweite"), expected_version=1
        )
    assert conflict.value.current.title == "Erste"
    assert Offer.objects.get(pk=offer.pk).title == "Erste"


def test_the_search_follows_changes_and_renames(essen, organisation):
    offer = make_offer(essen, organisation, "Sprachcafé", "Deutsch sprechen.")
    services.offer_update(
        actor=None,
        offer=offer,
        data=data(
            essen,
            organisation,
            title="Nähcafé",
            description="Nähen und reden.",
            category=category(essen, "meeting-cafe"),
        ),
        expected_version=1,
    )
    assert list(selectors.public_search(essen, selectors.OfferFilters(q="nähen"))) == [offer]
    assert list(selectors.public_search(essen, selectors.OfferFilters(q="Sprachcafé"))) == []
    organisation.name = "Kulturwerkstatt Demo"
    organisation.save()
    services.offers_reindex(offers=Offer.objects.filter(organisation=organisation))
    assert list(selectors.public_search(essen, selectors.OfferFilters(q="Kulturwerkstatt"))) == [offer]


def test_slugs_are_unique_per_city(essen, organisation):
    a = make_offer(essen, organisation, "Sprachcafé")
    b = make_offer(essen, organisation, "Sprachcafé")
    assert a.slug == "sprachcafe" and b.slug == "sprachcafe-2"


def test_default_categories_are_created_once_and_kept_when_renamed(essen):
    assert services.offer_categories_ensure_defaults(city=essen) == 0  # load_city made them
    OfferCategory.objects.filter(city=essen, slug="language-cafe").update(name="Sprachtreff")
    OfferCategory.objects.filter(city=essen, slug="digital").delete()
    assert services.offer_categories_ensure_defaults(city=essen) == 1
    assert OfferCategory.objects.get(city=essen, slug="language-cafe").name == "Sprachtreff"


def test_organisation_of_another_city_is_refused(essen):
    other = City.objects.create(slug="musterstadt", name="Musterstadt (Demo)", boundary={})
    foreign = Organisation.objects.create(city=other, name="Fremd (Demo)", slug="fremd", kind="association")
    with pytest.raises(ValidationError):
        services.offer_create(actor=None, city=essen, data=data(essen, foreign))
