"""Forms of the coordinators' inbox: the list filters, the workflow steps, privacy requests, mail settings."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartier.accounts.models import Membership, Role, User
from quartier.accounts.selectors import work_scope
from quartier.core.requestforms import InboxFilterForm as BaseInboxFilterForm
from quartier.core.requestforms import VersionedForm
from quartier.places.models import District, Neighbourhood

from ..models import Suggestion
from ..permissions import can_handle, handlers
from ..selectors import InboxFilters
from ..services import MAX_TEXT

INPUT = {"class": "kern-form-input__input"}
TEXTAREA = {"class": "kern-form-input__input", "rows": 5}
AGES = [
    ("", _("beliebig")),
    ("7", _("älter als 7 Tage")),
    ("14", _("älter als 14 Tage")),
    ("30", _("älter als 30 Tage")),
]


def scope_districts(user, city):
    """The Stadtbezirke whose suggestions `user` handles in `city`."""
    scope = work_scope(user, city, district_field="district")
    neighbourhoods = Neighbourhood.objects.filter(city=city)
    if scope is not None:
        neighbourhoods = neighbourhoods.filter(scope)
    return (
        District.objects.filter(pk__in=neighbourhoods.values("district_id"))
        .defer("boundary")
        .order_by("ordinal")
    )


class InboxFilterForm(BaseInboxFilterForm):
    """The filters of the suggestion inbox."""

    statuses = Suggestion.Status.choices

    neighbourhood = forms.TypedChoiceField(
        label=_("Stadtteil"), required=False, coerce=int, empty_value=None, widget=forms.Select()
    )
    topic = forms.ChoiceField(
        label=_("Thema"),
        required=False,
        choices=[("", pgettext_lazy("filter", "alle")), *Suggestion.Topic.choices],
        widget=forms.Select(),
    )
    age = forms.TypedChoiceField(
        label=pgettext_lazy("time since received", "Alter"),
        required=False,
        choices=AGES,
        coerce=int,
        empty_value=None,
        widget=forms.Select(),
    )
    overdue = forms.BooleanField(label=_("nur überfällige"), required=False)
    assigned = forms.ChoiceField(label=_("zuständig"), required=False, widget=forms.Select())

    def __init__(self, *args, user, city, **kwargs):
        districts = list(scope_districts(user, city))
        super().__init__(*args, districts=districts, **kwargs)
        neighbourhoods = (
            Neighbourhood.objects.filter(district__in=[d.pk for d in districts])
            .only("pk", "name")
            .order_by("name")
        )
        self.fields["neighbourhood"].choices = [
            ("", pgettext_lazy("filter", "alle")),
            *((n.pk, n.name) for n in neighbourhoods),
        ]
        people = User.objects.filter(pk__in=_handler_ids(city, districts)).order_by(
            "last_name", "first_name", "email"
        )
        self.fields["assigned"].choices = [
            ("", pgettext_lazy("filter", "alle")),
            ("me", _("mir")),
            ("nobody", _("niemandem")),
            *((str(u.pk), str(u)) for u in people),
        ]

    def filters(self) -> InboxFilters:
        data = self.cleaned_data
        return InboxFilters(
            status=data["status"] or None,
            district=data["district"],
            neighbourhood=data["neighbourhood"],
            topic=data["topic"] or None,
            older_than_days=data["age"],
            overdue=data["overdue"],
            assigned=data["assigned"] or None,
            q=data["q"] or None,
        )


def _handler_ids(city, districts) -> list[int]:
    """People who may handle suggestions in these districts: their coordinators and the city-wide teams."""
    district_ids = [d.pk for d in districts]
    rows = Membership.objects.filter(city=city, user__is_active=True).values_list(
        "user_id", "role", "district_id"
    )
    return sorted(
        {
            user_id
            for user_id, role, district_id in rows
            if role in (Role.FALLBACK, Role.CITY_ADMIN)
            or (role == Role.COORDINATOR and district_id in district_ids)
        }
    )


def _text(label, *, required=True, rows=5):
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_TEXT,
        strip=True,
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": rows}),
    )


class ProgressForm(VersionedForm):
    """Take the suggestion into work (also: reopen a closed one)."""

    message = _text(_("Nachricht (intern, optional)"), required=False, rows=2)


class ForwardForm(VersionedForm):
    forwarded_to = forms.CharField(
        label=_("An wen (Stelle oder Person)"), max_length=200, widget=forms.TextInput(attrs=INPUT)
    )
    forwarded_email = forms.EmailField(
        label=_("E-Mail-Adresse der Empfänger*innen"), max_length=254, widget=forms.EmailInput(attrs=INPUT)
    )
    message = _text(_("Nachricht (optional)"), required=False, rows=3)


class CloseForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Ergebnis"), choices=Suggestion.Outcome.choices, widget=forms.RadioSelect
    )
    public_answer = _text(_("Antwort an die einreichende Person"))


class AssignForm(VersionedForm):
    assigned_to = forms.TypedChoiceField(
        label=_("Zuständige Person"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(),
    )

    def __init__(self, *args, suggestion, user, **kwargs):
        super().__init__(*args, **kwargs)
        people = {u.pk: u for u in handlers(suggestion)}
        if suggestion.assigned_to_id and suggestion.assigned_to:
            people.setdefault(suggestion.assigned_to_id, suggestion.assigned_to)
        if can_handle(user, suggestion):
            people.setdefault(user.pk, user)
        self.people = people
        self.fields["assigned_to"].choices = [("", _("niemand")), *((pk, str(u)) for pk, u in people.items())]

    @property
    def assignee(self):
        pk = self.cleaned_data["assigned_to"]
        return None if pk is None else self.people[pk]


class PublishForm(VersionedForm):
    published_text = _text(_("Veröffentlichter Text"), rows=5)


class NoteForm(forms.Form):
    text = _text(_("Neue Notiz"), rows=3)


class NotificationForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["work_mail"]
        widgets = {"work_mail": forms.RadioSelect}
