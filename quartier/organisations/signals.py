"""Retire the cached organisation lists (listcache) whenever an organisation or its districts change. The rooms
whose things the list counts (sections.py) retire it too when those change."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from quartier.core import listcache

from .models import Organisation
from .selectors import list_scope


@receiver([post_save, post_delete], sender=Organisation)
def _changed(sender, instance, **kwargs) -> None:
    listcache.bump(list_scope(instance.city_id))


@receiver(m2m_changed, sender=Organisation.districts.through)
def _districts_changed(sender, instance, action, **kwargs) -> None:
    if action.startswith("post_") and hasattr(instance, "city_id"):
        listcache.bump(list_scope(instance.city_id))
