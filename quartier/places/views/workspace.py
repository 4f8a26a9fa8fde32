"""Place data in the workspace: city administrators pair postcodes with Stadtteile where the reference data has
no pairs (for example 45276 in Essen). Reference pairs are read-only; added pairs are audited and shown as
"von der Stadt ergänzt" on the data-sources page. Everyone else: 403; a pair of another city: 404."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from quartier.core.permissions import requires

from .. import selectors
from ..forms.workspace import PostcodePairAddForm
from ..models import PlaceSource
from ..permissions import can_edit_postcode_pairs
from ..services import postcode_pair_add, postcode_pair_remove


def _page(request, form, status=200):
    postcodes = list(selectors.postcodes_with_pairs(request.city))
    return render(
        request,
        "places/workspace/postcode_pairs.html",
        {
            "form": form,
            "postcodes": postcodes,
            "without_pairs": [p for p in postcodes if not p.pairs.all()],
            "city_source": PlaceSource.CITY,
        },
        status=status,
    )


@require_safe
@requires(can_edit_postcode_pairs)
@never_cache
def postcode_pairs(request):
    form = PostcodePairAddForm(city=request.city, initial={"code": request.GET.get("plz", "")[:5]})
    return _page(request, form)


@require_POST
@requires(can_edit_postcode_pairs)
@never_cache
def postcode_pair_add_view(request):
    city = request.city
    form = PostcodePairAddForm(request.POST, city=city)
    if form.is_valid():
        try:
            pair = postcode_pair_add(
                city=city,
                code=form.cleaned_data["code"],
                neighbourhood=form.cleaned_data["neighbourhood"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(code)s ist jetzt %(name)s zugeordnet. Die Suche findet es sofort.")
                % {"code": pair.postcode.code, "name": pair.neighbourhood.name},
            )
            return redirect("workspace:postcode_pairs")
    return _page(request, form, status=400)


@require_POST
@requires(can_edit_postcode_pairs)
@never_cache
def postcode_pair_remove_view(request, pk: int):
    pair = selectors.postcode_pair(request.city, pk)
    if pair is None:
        raise Http404
    if pair.source != PlaceSource.CITY:
        messages.error(request, _("Zuordnungen aus den Referenzdaten können hier nicht entfernt werden."))
        return redirect("workspace:postcode_pairs")
    code, name = pair.postcode.code, pair.neighbourhood.name
    postcode_pair_remove(pair=pair, actor=request.user)
    messages.success(
        request, _("Die Zuordnung %(code)s – %(name)s wurde entfernt.") % {"code": code, "name": name}
    )
    return redirect("workspace:postcode_pairs")
