"""Retire the cached inbox pages (listcache) whenever what they show may have changed: a suggestion, or who handles
which district (memberships, and the people themselves: names, active or not)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from quartier.accounts.models import Membership, User
from quartier.core import listcache

from .models import Suggestion
from .selectors import inbox_cache_scope


@receiver([post_save, post_delete], sender=Suggestion)
def _suggestion_changed(sender, instance: Suggestion, **kwargs) -> None:
    listcache.bump(inbox_cache_scope(instance.city_id))


@receiver([post_save, post_delete], sender=Membership)
def _membership_changed(sender, instance: Membership, **kwargs) -> None:
    listcache.bump(inbox_cache_scope(instance.city_id))


@receiver(post_save, sender=User)
def _person_changed(sender, instance: User, update_fields=None, **kwargs) -> None:
    if update_fields is not None and set(update_fields) <= {"last_login", "work_digest_sent_at"}:
        return  # logging in changes nothing an inbox shows
    for city_id in set(Membership.objects.filter(user=instance).values_list("city_id", flat=True)):
        listcache.bump(inbox_cache_scope(city_id))
