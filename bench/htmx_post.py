"""What htmx 2 posts when an input event fires on the editor's form: the body and the headers.

Plain Python, no Django: bench/recompute.py builds its preview requests with it, and a browser
test (tests/browser/test_recompute_speed.py) checks it against what Chromium's htmx really sent.

The body is the form's data set in document order, as `new FormData(form)` builds it (htmx 2
urlencodes that): every named input, select and textarea of the form that is not disabled,
checkboxes and radios only when checked, no buttons (an input event has no submitter). The
headers are htmx's getHeaders(): HX-Request, HX-Trigger (the form's id), HX-Target (the hx-target
element's id) and HX-Current-URL; HX-Trigger-Name is left out because the form has no name.
static/js/editor.js appends `shown`, the data-version of each card result on the page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlencode

SKIPPED_TYPES = {"submit", "button", "reset", "image", "file"}


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # >0 while inside the form
        self.attrs: dict[str, str] = {}
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._option: dict | None = None
        self._textarea: tuple[str, list[str]] | None = None
        self.versions: list[str] = []  # "index:version" of each card result, as editor.js

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form" and found.get("id") == self.form_id:
            self.depth = 1
            self.attrs = found
            return
        if not self.depth:
            return
        result = re.fullmatch(r"card-(\d+)-result", found.get("id", ""))
        if result and "data-version" in found:
            self.versions.append(f"{result[1]}:{found['data-version']}")
        name = found.get("name")
        disabled = "disabled" in found
        if tag == "input" and name and not disabled:
            kind = found.get("type", "text").lower()
            if kind in SKIPPED_TYPES:
                return
            if kind in ("checkbox", "radio"):
                if "checked" in found:
                    self.fields.append((name, found.get("value", "on")))
                return
            self.fields.append((name, found.get("value", "")))
        elif tag == "select" and name and not disabled:
            self._select, self._options = name, []
        elif tag == "option" and self._select is not None:
            self._option = {
                "value": found.get("value"),
                "selected": "selected" in found,
                "text": [],
            }
        elif tag == "textarea" and name and not disabled:
            self._textarea = (name, [])

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option["text"].append(data)
        if self._textarea is not None:
            self._textarea[1].append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options:  # a single select shows its first option
                chosen = [self._options[0][0]]
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, parts = self._textarea
            # The HTML parser drops one newline right after <textarea>.
            self.fields.append((name, "".join(parts).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.depth = 0

    def _close_option(self) -> None:
        if self._option is None:
            return
        value = self._option["value"]
        if value is None:
            value = " ".join("".join(self._option["text"]).split())
        self._options.append((value, self._option["selected"]))
        self._option = None


def form_fields(html: str, form_id: str = "estimate-form") -> tuple[list[tuple[str, str]], dict]:
    """The (name, value) pairs the form posts, in order, then editor.js's `shown`, and the
    form's attributes."""
    reader = _FormReader(form_id)
    reader.feed(html)
    reader.close()
    return [*reader.fields, ("shown", ",".join(reader.versions))], reader.attrs


def typed(fields: list[tuple[str, str]], name: str, text: str) -> list[tuple[str, str]]:
    """The fields after a user typed `text` at the end of field `name`."""
    return [(key, value + text if key == name else value) for key, value in fields]


def input_event_post(
    html: str, page_url: str, form_id: str = "estimate-form", keystroke: tuple[str, str] = ()
) -> tuple[str, dict]:
    """(urlencoded body, headers) of the request htmx sends for an input event on the form,
    after `keystroke` (field name, text typed) when one is given."""
    fields, attrs = form_fields(html, form_id)
    if keystroke:
        fields = typed(fields, *keystroke)
    target = attrs.get("hx-target", "").removeprefix("#")
    headers = {
        "HX-Request": "true",
        "HX-Trigger": form_id,
        "HX-Target": target,
        "HX-Current-URL": page_url,
    }
    return urlencode(fields), headers
