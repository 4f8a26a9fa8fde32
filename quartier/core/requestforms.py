"""Workspace forms shared by the rooms that handle requests carrying personal data (suggestions, funding
consultations, and the rooms after them): the optimistic version field, and the inbox filters every such list
starts with. Each room adds its own fields (decision 0016)."""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

INPUT = {"class": "kern-form-input__input"}
RELOAD = _("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")


class VersionedForm(forms.Form):
    """A change made against the version the page showed (optimistic locking): the service compares it inside
    its row lock (core/personal.py), so a change made meanwhile by someone else is refused, never overwritten."""

    version = forms.IntegerField(
        label=_("Stand des Formulars"),
        min_value=1,
        max_value=2**31 - 1,
        widget=forms.HiddenInput,
        error_messages={"required": RELOAD, "invalid": RELOAD, "min_value": RELOAD, "max_value": RELOAD},
    )


def all_choice() -> tuple[str, str]:
    return ("", pgettext_lazy("filter", "alle"))


class InboxFilterForm(forms.Form):
    """The filters of an inbox list, sent as GET; unknown values are errors (400), never ignored silently.

    A subclass sets `statuses` (its model's Status choices) and passes the Stadtbezirke the person handles."""

    statuses: Iterable[tuple[str, str]] = ()

    q = forms.CharField(
        label=_("Suchbegriff oder Nummer"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=INPUT),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, widget=forms.Select())
    district = forms.TypedChoiceField(
        label=_("Stadtbezirk"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(),
    )

    def __init__(self, *args, districts: Iterable, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            all_choice(),
            ("open", _("offen (alle nicht abgeschlossenen)")),
            *self.statuses,
        ]
        self.fields["district"].choices = [all_choice(), *((d.pk, d.name) for d in districts)]

    def clean_q(self) -> str:
        return self.cleaned_data["q"].replace("\x00", "").strip()
