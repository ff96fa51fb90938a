"""Django's form renderer, with its plainest widget written in Python.

A full editor page holds up to 200 cards, each with a checkbox per Region and a box per input:
over 7,000 widgets, each rendered through two or three template includes, which is most of
the page's time (bench/worst_case.py). An `<input>` is one line of markup, so this renderer
writes it directly, character for character what Django's `input.html` and `attrs.html` write
(tests/views/test_form_renderer.py renders every editor widget both ways); every other widget
template goes through Django's templates as before.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"
# Templates whose whole output is input.html's, once stripped as BaseRenderer strips it.
PLAIN_INPUTS = frozenset(
    WIDGETS + name
    for name in (
        "input.html",
        "text.html",
        "number.html",
        "hidden.html",
        "checkbox.html",
        "email.html",
        "url.html",
        "password.html",
        "date.html",
    )
)
# A choice's own input (BoundWidget.tag): input.html's output when the label is not wrapped.
OPTION_INPUTS = frozenset(WIDGETS + name for name in ("checkbox_option.html", "radio_option.html"))


def input_markup(widget: dict) -> str:
    """`<input type=… name=… value=… attrs…>` as input.html and attrs.html write it."""
    parts = [
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"'
    ]
    if widget["value"] is not None:
        parts.append(f' value="{conditional_escape(str(widget["value"]))}"')
    for name, value in widget["attrs"].items():
        if value is False:
            continue
        parts.append(f" {conditional_escape(name)}")
        if value is not True:
            parts.append(f'="{conditional_escape(str(value))}"')
    parts.append(">")
    return "".join(parts)


class FastInputRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if template_name in PLAIN_INPUTS or (
            template_name in OPTION_INPUTS and not widget.get("wrap_label")
        ):
            return input_markup(widget)
        return super().render(template_name, context, request)
