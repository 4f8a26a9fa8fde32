"""Form controls keep KERN UX's markup: the shared renderer draws every select, checkbox and radio, and no
template draws one by hand in a way KERN does not style (a class KERN lacks, a select without its wrapper, a
hand-written loop over a form field's choices). The browser checks are in tests/browser/test_form_controls.py."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template.loader import render_to_string
from django.test import RequestFactory

from quartier.core.formrendering import KernBoundField, KernFormRenderer, kern_class
from quartier.core.templatetags.quartier_forms import page_has_form_errors

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(p for p in (ROOT / "quartier").rglob("*.html") if "static" not in p.parts)
FORM_MODULES = sorted(
    p.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".")
    for p in (ROOT / "quartier").rglob("*.py")
    if (p.name.endswith("forms.py") or p.parent.name == "forms")
    and p.name != "__init__.py"
    and "templatetags" not in p.parts
    and "migrations" not in p.parts
)


def _name(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


# --- templates --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_no_template_uses_a_class_kern_does_not_define(path):
    assert "kern-form-check__input" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_every_hand_written_select_sits_in_kerns_wrapper(path):
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r"<select\b", text):
        before = text[: match.start()].rstrip()
        assert re.search(r'<div class="kern-form-input__select-wrapper[^"]*">$', before), (
            f"{_name(path)}: a <select> outside kern-form-input__select-wrapper at offset {match.start()}"
        )
        assert re.match(r'<select[^>]*class="kern-form-input__select(?![\w-])', text[match.start() :]) or (
            "django/forms/widgets" in _name(path)
        ), f"{_name(path)}: a <select> without the class kern-form-input__select"


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_every_hand_written_checkbox_and_radio_is_kerns(path):
    text = path.read_text(encoding="utf-8")
    for match in re.finditer(r'<input\b[^>]*type="(checkbox|radio)"[^>]*>', text):
        kind = "checkbox" if match.group(1) == "checkbox" else "radio"
        assert f"kern-form-check__{kind}" in match.group(0), f"{_name(path)}: {match.group(0)}"
        wrapper = text[: match.start()].rsplit("<div", 1)[-1]
        assert wrapper.startswith(' class="kern-form-check'), (
            f"{_name(path)}: {match.group(0)} outside kern-form-check"
        )


@pytest.mark.parametrize("path", TEMPLATES, ids=_name)
def test_no_template_loops_over_a_form_fields_choices_by_hand(path):
    """Choices are drawn by the widget (includes/choices.html or {{ field }}), not by a loop of <input>s."""
    text = path.read_text(encoding="utf-8")
    assert not re.search(r"\.data\.(name|value|selected)\b|\.choice_label\b", text), _name(path)


# --- the renderer -----------------------------------------------------------------------------------


class Sample(forms.Form):
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")])
    several = forms.MultipleChoiceField(
        choices=[("North", [("1", "One"), ("2", "Two")])], widget=forms.CheckboxSelectMultiple
    )
    one = forms.ChoiceField(choices=[("x", "X"), ("y", "Y")], widget=forms.RadioSelect, help_text="Hint")
    agree = forms.BooleanField(widget=forms.CheckboxInput(attrs={"aria-describedby": "notice"}))
    many = forms.MultipleChoiceField(choices=[("p", "P")], required=False, widget=forms.SelectMultiple)
    text = forms.CharField()


def test_the_project_renders_forms_with_the_kern_renderer():
    assert isinstance(get_default_renderer(), KernFormRenderer)
    assert isinstance(Sample()["kind"], KernBoundField)


def test_a_select_is_drawn_in_kerns_wrapper_with_its_class():
    html = str(Sample()["kind"])
    assert re.match(r'<div class="kern-form-input__select-wrapper"><select name="kind"[^>]*>', html)
    assert 'class="kern-form-input__select"' in html
    multiple = str(Sample()["many"])
    assert 'class="kern-form-input__select-wrapper select-wrapper--multiple"' in multiple


def test_checkboxes_and_radios_are_kern_form_checks_with_their_label():
    radios = str(Sample()["one"])
    assert radios.count('<div class="kern-form-check"><input type="radio"') == 2
    assert (
        'class="kern-form-check__radio" id="id_one_0"><label class="kern-label" for="id_one_0">X</label>'
        in (radios.replace("\n", ""))
    )
    boxes = str(Sample()["several"])
    assert '<legend class="kern-label">North</legend>' in boxes  # a group of choices is a fieldset
    assert boxes.count('class="kern-form-check__checkbox"') == 2
    single = str(Sample()["agree"])
    assert 'class="kern-form-check__checkbox"' in single and 'aria-describedby="notice"' in single


def test_errors_give_kerns_error_classes_aria_invalid_and_the_error_description():
    form = Sample({"kind": "z"})
    assert not form.is_valid()
    select = str(form["kind"])
    assert "kern-form-input__select kern-form-input__select--error" in select
    assert 'aria-invalid="true"' in select and 'aria-describedby="id_kind_error"' in select
    assert "kern-form-check__checkbox--error" in str(form["several"])
    assert "kern-form-check__radio--error" in str(form["one"])
    agree = str(form["agree"])
    # The widget's own description stays; the error is added to it.
    assert 'aria-describedby="notice id_agree_error"' in agree and "kern-form-check__checkbox--error" in agree
    assert "kern-form-input__input--error" in str(form["text"])


def test_the_includes_draw_fieldsets_with_legend_error_and_hint():
    form = Sample({})
    form.is_valid()
    html = render_to_string("includes/field.html", {"field": form["one"]})
    assert '<fieldset class="kern-fieldset kern-fieldset--error" id="id_one"' in html
    assert 'aria-describedby="id_one_helptext id_one_error"' in html
    assert '<legend class="kern-label">One</legend>' in html and 'id="id_one_error"' in html
    html = render_to_string("includes/field.html", {"field": form["agree"]})
    assert '<div class="kern-form-check kern-form-check--error">' in html
    assert '<label class="kern-label" for="id_agree">' in html


def test_every_link_of_the_error_summary_names_an_element_that_is_drawn():
    form = Sample({"kind": "z"})
    form.is_valid()
    summary = render_to_string("includes/form_errors.html", {"form": form})
    assert "data-error-summary" in summary and 'role="alert"' in summary and 'tabindex="-1"' in summary
    fields = "".join(render_to_string("includes/field.html", {"field": form[name]}) for name in form.fields)
    targets = re.findall(r'href="#([^"]*)"', summary)
    assert len(targets) == len(form.errors)
    for target in targets:
        assert target and f'id="{target}"' in fields, target
    # A group of checkboxes links to its first box, not to nothing (Django's id_for_label is empty there).
    assert "#id_several_0_0" in summary and "#id_one_0" in summary


def test_a_prefixed_form_has_its_own_summary_id():
    form = Sample({}, prefix="close")
    form.is_valid()
    assert 'id="close-form-errors"' in render_to_string("includes/form_errors.html", {"form": form})


def test_the_page_title_flag_finds_forms_with_errors_also_in_dicts():
    from django.template import Context

    sent = Sample({})
    sent.is_valid()
    assert page_has_form_errors(Context({"form": sent}))
    assert page_has_form_errors(Context({"forms": {"a": Sample(), "b": sent}}))
    assert not page_has_form_errors(Context({"form": Sample(), "forms": {"a": Sample()}}))
    assert not page_has_form_errors(
        Context({"form": Sample({"kind": "a", "several": ["1"], "one": "x", "agree": "on", "text": "t"})})
    )


def test_the_title_of_a_page_with_a_failed_form_starts_with_fehler(rf: RequestFactory):
    sent = Sample({})
    sent.is_valid()
    request = rf.get("/de/")
    request.LANGUAGE_CODE = "de"
    html = render_to_string("public/base.html", {"form": sent}, request=request)
    assert re.search(r"<title>Fehler: ", html)
    assert re.search(
        r"<title>(?!Fehler)", render_to_string("public/base.html", {"form": Sample()}, request=request)
    )
    assert "quartier/forms.js" in html


# --- every form of the project --------------------------------------------------------------------


def _project_forms():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for _name_, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module_name:
                yield cls


def test_the_forms_of_every_room_are_checked():
    """The list below is found by file name; a move of the forms must not leave it empty."""
    found = {f"{c.__module__}.{c.__name__}" for c in _project_forms()}
    for room in ("accounts", "organisations", "events", "offers", "suggestions", "funding", "places"):
        assert any(name.startswith(f"quartier.{room}.forms.") for name in found), room
    assert len(found) >= 30


@pytest.mark.parametrize("form_class", list(_project_forms()), ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_field_of_every_form_has_a_widget_the_kern_renderer_draws(form_class):
    for name, field in form_class.base_fields.items():
        widget = field.widget
        if widget.is_hidden or name == "website":  # the honeypot is drawn by hand, hidden from people
            continue
        assert kern_class(widget), f"{form_class.__name__}.{name}: {type(widget).__name__} has no KERN class"
        assert "kern-form-check__input" not in widget.attrs.get("class", "")


def test_settings_name_the_renderer_and_the_forms_app():
    assert settings.FORM_RENDERER == "quartier.core.formrendering.KernFormRenderer"
    assert "django.forms" in settings.INSTALLED_APPS
