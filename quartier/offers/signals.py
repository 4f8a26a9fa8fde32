"""Retire the cached offer and organisation lists (listcache) whenever what they show may have changed (the
organisation list counts each organisation's offers)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from quartier.core import listcache
from quartier.organisations.models import Organisation
from quartier.organisations.selectors import list_scope as organisation_list_scope

from .models import Offer, OfferCategory
from .selectors import list_scope


def retire(city_id: int) -> None:
    listcache.bump(list_scope(city_id))
    listcache.bump(organisation_list_scope(city_id))


@receiver([post_save, post_delete], sender=Offer)
@receiver([post_save, post_delete], sender=OfferCategory)
@receiver([post_save, post_delete], sender=Organisation)
def _changed(sender, instance, **kwargs) -> None:
    retire(instance.city_id)


@receiver(m2m_changed, sender=Offer.neighbourhoods.through)
@receiver(m2m_changed, sender=Organisation.districts.through)
def _places_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and hasattr(instance, "city_id"):
        retire(instance.city_id)
