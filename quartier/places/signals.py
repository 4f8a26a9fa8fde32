"""Cache invalidation only: a change to place data raises the city's places revision (a column, so that it
is shared by all processes and rolled back with the transaction that caused it); finder indexes and the map
compare it and rebuild."""

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from .models import City, Contact, District, DistrictOffice, Neighbourhood, Postcode, PostcodeNeighbourhood


def places_version(city_id: int) -> int:
    revision = City.objects.filter(pk=city_id).values_list("places_revision", flat=True).first()
    return -1 if revision is None else revision


def bump_places_version(city_id: int) -> None:
    City.objects.filter(pk=city_id).update(places_revision=F("places_revision") + 1)


@receiver([post_save, post_delete], sender=District)
@receiver([post_save, post_delete], sender=Neighbourhood)
@receiver([post_save, post_delete], sender=Postcode)
@receiver([post_save, post_delete], sender=DistrictOffice)
@receiver([post_save, post_delete], sender=Contact)
def _places_changed(sender, instance, **kwargs):
    bump_places_version(instance.city_id)


@receiver([post_save, post_delete], sender=PostcodeNeighbourhood)
def _postcode_pair_changed(sender, instance, **kwargs):
    city_id = Postcode.objects.filter(pk=instance.postcode_id).values_list("city_id", flat=True).first()
    if city_id is not None:
        bump_places_version(city_id)


@receiver(post_save, sender=City)
def _city_changed(sender, instance, update_fields=None, **kwargs):
    if update_fields is None or "boundary" in update_fields or "name" in update_fields:
        bump_places_version(instance.pk)


@receiver(m2m_changed, sender=Contact.districts.through)
@receiver(m2m_changed, sender=DistrictOffice.districts.through)
@receiver(m2m_changed, sender=Postcode.neighbourhoods.through)
def _places_m2m_changed(sender, instance, action, **kwargs):
    if action.startswith("post_"):
        city_id = getattr(instance, "city_id", None)
        if city_id is not None:
            bump_places_version(city_id)
