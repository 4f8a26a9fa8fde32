"""Writes for places: the postcode ↔ Stadtteil pairs that city administrators add."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartier.core.audit import audit_record, model_changes

from .models import PlaceSource, Postcode, PostcodeNeighbourhood
from .permissions import can_edit_postcode_pairs


@transaction.atomic
def postcode_pair_add(*, city, code: str, neighbourhood, actor) -> PostcodeNeighbourhood:
    """Pair a postcode with a Stadtteil for the city; a postcode the city does not know yet is created as
    city-supplied. Raises PermissionDenied without the right and ValidationError for a pair that exists."""
    if not can_edit_postcode_pairs(actor, city) or neighbourhood.city_id != city.pk:
        raise PermissionDenied
    postcode = Postcode.objects.select_for_update().filter(city=city, code=code).first()
    if postcode is None:
        postcode = Postcode.objects.create(city=city, code=code, source=PlaceSource.CITY)
        audit_record(
            actor=actor, action="postcode.added", target=postcode, changes=model_changes(None, postcode)
        )
    if postcode.pairs.filter(neighbourhood=neighbourhood).exists():
        raise ValidationError(
            _("%(code)s ist %(name)s bereits zugeordnet.") % {"code": code, "name": neighbourhood.name}
        )
    pair = PostcodeNeighbourhood.objects.create(
        postcode=postcode,
        neighbourhood=neighbourhood,
        source=PlaceSource.CITY,
        added_at=timezone.now(),
        added_by=actor,
    )
    audit_record(
        actor=actor,
        action="postcode_pair.added",
        target=pair,
        changes={"postcode": [None, code], "neighbourhood": [None, neighbourhood.name]},
    )
    return pair


@transaction.atomic
def postcode_pair_remove(*, pair: PostcodeNeighbourhood, actor) -> None:
    """Remove a pair the city added (reference pairs change only with the reference data); a city-supplied
    postcode left without pairs goes with it."""
    postcode = pair.postcode
    if not can_edit_postcode_pairs(actor, postcode.city) or pair.source != PlaceSource.CITY:
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="postcode_pair.removed",
        target=pair,
        changes={"postcode": [postcode.code, None], "neighbourhood": [pair.neighbourhood.name, None]},
    )
    pair.delete()
    if postcode.source == PlaceSource.CITY and not postcode.pairs.exists():
        audit_record(actor=actor, action="postcode.removed", target=postcode)
        postcode.delete()
