"""The Django admin (/verwaltung/) speaks German: every label of every registered model, inline, column, fieldset,
action and help text is an explicit German gettext string, never a label Django made up from an English name."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.forms.utils import pretty_name
from django.utils import translation
from django.utils.functional import Promise
from django.utils.text import camel_case_to_spaces

from quartier.core.models import OutboxMessage
from tests.conftest import PASSWORD
from tests.events.test_event_pages_and_api import H

# Words that give an English label away (field names are English, so a label made up from one contains them).
ENGLISH = re.compile(
    r"\b(created|updated|changed|at|by|token|hash|key|status token|submission|from|to status|actor|author|"
    r"state|subject|body|attempts|sent|error|version number|search document|revision)\b",
    re.IGNORECASE,
)


def quartier_admins():
    """(model, model admin) for every registered model of ours and every inline it shows."""
    found = []
    for model, model_admin in admin.site._registry.items():
        if not model.__module__.startswith("quartier."):
            continue  # Django's own models (Group) come with Django's German catalogue
        found.append((model, model_admin))
        found += [(inline.model, inline(model, admin.site)) for inline in model_admin.inlines]
    return found


def german(text) -> str:
    with translation.override("de"):
        return str(text)


def test_there_are_admins_to_check():
    assert len(quartier_admins()) >= 20


def test_every_field_shown_in_the_admin_has_an_explicit_german_verbose_name():
    problems = []
    for model, _model_admin in quartier_admins():
        meta = model._meta
        if not isinstance(meta.verbose_name, Promise) or "verbose_name" not in meta.original_attrs:
            problems.append(f"{model.__name__}: Meta.verbose_name missing (shown as {meta.verbose_name!r})")
        if german(meta.verbose_name) == camel_case_to_spaces(model.__name__):
            problems.append(f"{model.__name__}: Meta.verbose_name is the class name")
        for field in meta.get_fields():
            if field.auto_created or not (field.concrete or field.many_to_many):
                continue
            where = f"{model.__name__}.{field.name}"
            if "verbose_name" not in field.deconstruct()[3]:
                problems.append(f"{where}: no verbose_name (Django shows {field.verbose_name!r})")
                continue
            label = german(field.verbose_name)
            if not isinstance(field.verbose_name, Promise):
                problems.append(f"{where}: verbose_name {label!r} is not a gettext string")
            if "_" in field.name and label.lower() == field.name.replace("_", " "):
                problems.append(f"{where}: verbose_name {label!r} is the field name")
            if ENGLISH.search(label):
                problems.append(f"{where}: verbose_name {label!r} looks English")
            if field.help_text and not isinstance(field.help_text, Promise):
                problems.append(f"{where}: help_text {field.help_text!r} is not a gettext string")
    assert not problems, "\n".join(problems)


def test_columns_fieldsets_and_actions_have_german_labels(rf, platform_admin):
    request = rf.get("/verwaltung/")
    request.user = platform_admin
    problems = []
    for model, model_admin in quartier_admins():
        names = [*getattr(model_admin, "list_display", ()), *model_admin.get_readonly_fields(request)]
        for name in names:
            if callable(name) or name == "__str__":
                continue
            try:
                model._meta.get_field(name)
                continue  # the field's verbose_name, checked above
            except FieldDoesNotExist:
                pass
            with translation.override("de"):
                label = str(label_for_field(name, model, model_admin))
            if label == pretty_name(name) or ENGLISH.search(label):
                problems.append(
                    f"{type(model_admin).__name__}.{name}: column {label!r} needs @admin.display(description=…)"
                )
        for title, _options in (
            model_admin.get_fieldsets(request) if hasattr(model_admin, "get_fieldsets") else ()
        ):
            if title is not None and not isinstance(title, Promise):
                problems.append(f"{type(model_admin).__name__}: fieldset {title!r} is not a gettext string")
        for func, name, description in (
            model_admin._get_base_actions() if hasattr(model_admin, "_get_base_actions") else ()
        ):
            if name != "delete_selected" and not isinstance(description, Promise):
                problems.append(f"{type(model_admin).__name__}: action {name} needs a German description")
    assert not problems, "\n".join(problems)


def test_the_guard_catches_an_english_label():
    assert ENGLISH.search("created at") and ENGLISH.search("status token hash") and ENGLISH.search("actor")
    assert not ENGLISH.search("angelegt") and not ENGLISH.search(
        "Statuslink (Hash)".replace("Hash", "Prüfwert")
    )


@pytest.mark.parametrize(
    "url, expected",
    [
        ("/verwaltung/core/outboxmessage/", ["Betreff", "Zustand", "Versuche"]),
        ("/verwaltung/places/contact/", ["Name"]),
        ("/verwaltung/places/neighbourhood/", ["Stadtbezirk"]),
    ],
)
def test_admin_pages_show_german_column_headers(client, platform_admin, url, expected):
    OutboxMessage.objects.create(subject="Test", from_email="a@example.org", to=["b@example.org"], body="x")
    client.login(username=platform_admin.email, password=PASSWORD)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de", **H).content.decode()
    for word in expected:
        assert word in page, word
    for english in ("Created at", "Subject", "Display name", "Attempts"):
        assert english not in page, english
