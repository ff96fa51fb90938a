"""The editor's form renderer writes plain inputs in Python: every page it renders is the page
Django's own renderer renders, character for character."""

import re

import pytest
from django.forms import CheckboxInput, HiddenInput, NumberInput, TextInput
from django.forms.renderers import DjangoTemplates
from django.test import override_settings

from estimates.web.renderers import FastInputRenderer

from .test_editor import form_data

DJANGO = "django.forms.renderers.DjangoTemplates"
FAST = "estimates.web.renderers.FastInputRenderer"
# What differs between two requests whatever renders them: the CSRF token and the CSP nonce.
PER_REQUEST = re.compile(r'(name="csrfmiddlewaretoken" value="|nonce=")[^"]*"')


@pytest.mark.parametrize(
    "widget, value",
    [
        (TextInput(attrs={"size": 4, "required": True, "hidden": False, "data-x": 0}), "1e15"),
        (TextInput(attrs={"placeholder": "\"<&>'"}), '<script>"x"</script>'),
        (NumberInput(attrs={"min": 1, "step": "any"}), None),
        (HiddenInput(), ""),
        (CheckboxInput(attrs={"id": "id_free"}), True),
        (CheckboxInput(), False),
    ],
)
def test_each_input_is_djangos_markup(widget, value):
    assert widget.render("card-0-keys", value, renderer=FastInputRenderer()) == widget.render(
        "card-0-keys", value, renderer=DjangoTemplates()
    )


def editor_page(client, catalog, renderer: str) -> str:
    """The editor without JavaScript, a card of every service in two Regions with every input
    filled, one card with letters in a number box, and terms typed in."""
    cards = []
    for code, service in catalog.services.items():
        regions = list(catalog.service_regions(code))[:2]
        usage = {spec.key: "1" for spec in service.inputs}
        cards.append({"service": code, "regions": regions, "usage": usage})
    cards.append({"service": "kms", "usage": {"keys": "twelve", "symmetric_requests": "-4"}})
    data = form_data(*cards, name='A "quoted" <name>', **{"terms-discount_percent": "7.5"})
    with override_settings(FORM_RENDERER=renderer):
        html = client.post("/", data).content.decode()
    return PER_REQUEST.sub(r"\1", html)


@pytest.mark.django_db
def test_the_whole_editor_page_is_the_same_with_either_renderer(client, price_book):
    catalog = price_book.catalog()

    fast, django = editor_page(client, catalog, FAST), editor_page(client, catalog, DJANGO)

    assert fast.count("<input") > 100
    assert "twelve" in fast and 'type="checkbox"' in fast
    assert fast == django
