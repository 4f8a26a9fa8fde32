"""Form controls as KERN UX draws them, for every form of the site.

`FORM_RENDERER` names `KernFormRenderer`: Django's own widget templates, overridden in
`templates/django/forms/widgets/` (the select wrapper, checkboxes and radios with their KERN label), and a
bound field that gives every control its KERN class, the error modifier and the error's `aria-describedby`.
Forms therefore need no CSS classes for selects, checkboxes or radios, and no template draws them by hand.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input

# (widget class, KERN class of the control). The first match wins, so subclasses come first.
KERN_CLASSES: tuple[tuple[type[forms.Widget], str], ...] = (
    (forms.CheckboxSelectMultiple, "kern-form-check__checkbox"),
    (forms.RadioSelect, "kern-form-check__radio"),
    (forms.CheckboxInput, "kern-form-check__checkbox"),
    (forms.Select, "kern-form-input__select"),
    (forms.Textarea, "kern-form-input__input"),
    (forms.FileInput, "kern-form-input__input"),
    (Input, "kern-form-input__input"),
)
# Class names that once stood for checkboxes here but that KERN does not define.
NOT_KERN = {"kern-form-check__input"}


def kern_class(widget: forms.Widget) -> str | None:
    """The KERN class of a widget's control, or None (hidden inputs, unknown widgets)."""
    if widget.is_hidden:
        return None
    for widget_class, css in KERN_CLASSES:
        if isinstance(widget, widget_class):
            return css
    return None


class KernBoundField(BoundField):
    """A bound field whose control carries KERN's class, error modifier and error description."""

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        css = kern_class(widget)
        if css is None:
            return attrs
        # The widget merges its own attrs under these, so the classes are joined here, not replaced.
        classes = [
            c
            for c in (widget.attrs.get("class", "") + " " + attrs.get("class", "")).split()
            if c not in NOT_KERN
        ]
        wanted = [css] + ([f"{css}--error"] if self.errors else [])
        attrs["class"] = " ".join(dict.fromkeys(classes + wanted))
        if self.errors and self.auto_id and not self.use_fieldset:
            # Django keeps a description set on the widget (a privacy notice) and then leaves the error out.
            described = (attrs.get("aria-describedby") or widget.attrs.get("aria-describedby") or "").split()
            error_id = f"{self.auto_id}_error"
            if error_id not in described:
                attrs["aria-describedby"] = " ".join([*described, error_id])
        return attrs

    @property
    def error_target(self) -> str:
        """The id an error summary links to: the control, or the first box of a group of checkboxes or radios."""
        if self.use_fieldset:
            for subwidget in self.subwidgets:
                return subwidget.data["attrs"].get("id") or self.auto_id or ""
        return self.id_for_label or self.auto_id or ""


class KernFormRenderer(TemplatesSetting):
    """Renders widgets from the project's templates (our KERN overrides first) with `KernBoundField`."""

    bound_field_class = KernBoundField
