"""How the API declares a JSON shape once: a Shape of Fields, from which the OpenAPI document's
component, the request check and the answer's writer all come.

A Field is a name, its JSON Schema (with its description), and either how an answer writes it
(`write`, a function of what is written) or, in a body, the message for each rule of its schema a
value can break (`messages`). A Shape lists its fields: `schema()` is the document's component,
`write(source)` builds an answer in the same order, `unknown(raw)` names what a body may not hold,
and `Field.check(value)` runs the field's own schema on a value and says which message applies.
The declarations themselves are in shapes.py; openapi.py puts them in the document.

Why plain Python and not a framework. pydantic, django-ninja, DRF with drf-spectacular or
marshmallow would each bring a second model of the same API: their own classes, their own error
texts (which the tests pin word for word), and a decimal that their schema generators describe as
a JSON number, which clients read as a float. The API needs little of them: about twenty small
objects, a JSON Schema subset (types, bounds, lengths, patterns, enums) that a hundred lines
check, and writers that are one function per field. So the subset is checked here with the
standard library, and the full document is still validated by the tests against the OpenAPI 3.1
schema (openapi-spec-validator) and every answer against it (jsonschema), which stay dev
dependencies. A rule the schema subset cannot say (a quantity's own parser, an account count's
bounds in the engine's words) is a parse function beside the field that uses the same constants.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import Any

from estimates import pricing

SCHEMAS = "#/components/schemas/"
# The one form of an id the API and the pages take: a lower-case dashed UUID, as str(uuid) writes.
UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
_UUID = re.compile(UUID_PATTERN)


def is_id(value: object) -> bool:
    """Whether a value is an estimate id in its one form (lower-case, dashed)."""
    return isinstance(value, str) and _UUID.match(value) is not None


class _Omit:
    def __repr__(self) -> str:
        return "OMIT"


OMIT: Any = _Omit()  # what an optional field's writer returns to leave it out of the answer


# ---------------------------------------------------------------------------------------------
# Schema fragments


def ref(target: Shape | Scalar | str, description: str = "") -> dict:
    name = target if isinstance(target, str) else target.name
    schema = {"$ref": SCHEMAS + name}
    return {**schema, "description": description} if description else schema


def text(description: str, **extra) -> dict:
    return {"type": "string", "description": description, **extra}


def array(items: dict, description: str = "", **extra) -> dict:
    schema = {"type": "array", "items": items}
    return {**schema, "description": description, **extra} if description else {**schema, **extra}


def nullable(schema: dict, description: str) -> dict:
    """A schema or null, e.g. a percentage that has no value when A is zero."""
    return {"oneOf": [schema, {"type": "null"}], "description": description}


# ---------------------------------------------------------------------------------------------
# Declarations


@dataclass(frozen=True)
class Scalar:
    """A named schema for a value, not an object: Money, Quantity."""

    name: str
    schema: dict


@dataclass(frozen=True)
class Field:
    name: str
    schema: dict
    write: Callable[[Any], object] | None = None
    # Answers: always written unless optional (its writer may return OMIT). Bodies: must be sent.
    required: bool = True
    optional: bool = False
    # Bodies: the message for each schema keyword a value breaks ("*": any other).
    messages: Mapping[str, str] = field(default_factory=dict)

    def broken(self, value: object) -> str | None:
        """The first rule of this field's schema that the value breaks, or None."""
        return self._checker(value)

    @cached_property
    def _checker(self) -> Callable[[object], str | None]:
        return _checker(self.schema)

    def message(self, rule: str) -> str | None:
        """The message for breaking `rule`; None for a rule reported where it is read (an
        item of `items`, a quantity of `usage`)."""
        return self.messages.get(rule) or self.messages.get("*")

    def check(self, value: object) -> str | None:
        """The message for a value that breaks this field's schema, or None."""
        rule = self.broken(value)
        return None if rule is None else self.message(rule)


@dataclass(frozen=True)
class Shape:
    """A JSON object: the document's component, and its checker or writer."""

    name: str
    description: str
    fields: tuple[Field, ...]
    closed: bool = True  # additionalProperties: false
    extra: Mapping[str, object] = field(default_factory=dict)  # other schema keywords

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    @cached_property
    def _by_name(self) -> dict[str, Field]:
        return {f.name: f for f in self.fields}

    @cached_property
    def names(self) -> frozenset[str]:
        return frozenset(f.name for f in self.fields)

    def schema(self) -> dict:
        schema: dict = {
            "type": "object",
            "properties": {f.name: f.schema for f in self.fields},
        }
        required = [f.name for f in self.fields if f.required and not f.optional]
        if required:
            schema["required"] = required
        if self.closed:
            schema["additionalProperties"] = False
        schema.update(self.extra)
        if self.description:
            schema["description"] = self.description
        return schema

    def write(self, source: object) -> dict:
        """The answer for `source`, field by field in the declared order."""
        # An answer may hold tens of thousands of lines: the fields that are always written
        # come first in one comprehension, then those whose writer may leave them out.
        leading, trailing = self._writers
        written = {name: write(source) for name, write in leading}
        for name, write in trailing:
            value = write(source)
            if value is not OMIT:
                written[name] = value
        return written

    @cached_property
    def _writers(self) -> tuple[tuple[tuple[str, Callable], ...], tuple[tuple[str, Callable], ...]]:
        """(name, writer) of the fields before the first optional one, and of the rest."""
        writers = tuple((f.name, f.write) for f in self.fields)
        first = next((i for i, f in enumerate(self.fields) if f.optional), len(writers))
        return writers[:first], writers[first:]

    def unknown(self, raw: dict, index: int | None, prefix: str = "") -> list[pricing.FieldError]:
        """An error for each key of a body that this shape does not declare."""
        return [
            pricing.FieldError(index, f"{prefix}{key}", f"Unknown field '{key}'.")
            for key in raw
            if key not in self.names
        ]

    def but(
        self,
        name: str,
        description: str,
        *fields: Field,
        drop: Iterable[str] = (),
        **changes,
    ) -> Shape:
        """Another shape like this one: `fields` replace those of the same name where they
        stand, or come after; `drop` leaves some out."""
        given = {f.name: f for f in fields}
        dropped = set(drop)
        kept = tuple(given.pop(f.name, f) for f in self.fields if f.name not in dropped)
        return replace(
            self, name=name, description=description, fields=kept + tuple(given.values()), **changes
        )


# ---------------------------------------------------------------------------------------------
# Checking a value against a schema (the subset the declarations use)

_REGISTRY: dict[str, dict] = {}


def register(components: Iterable[Shape | Scalar]) -> dict[str, dict]:
    """The components by name, as the document has them; $refs in checks resolve to them."""
    schemas = {c.name: c.schema() if isinstance(c, Shape) else c.schema for c in components}
    _REGISTRY.clear()
    _REGISTRY.update(schemas)
    return schemas


def _is_number(value: object) -> bool:
    """A JSON number: an int, or a finite float or Decimal (NaN is not JSON's)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    return isinstance(value, Decimal) and value.is_finite()


def _integral(value: float | Decimal) -> float | Decimal:
    return value.to_integral_value() if isinstance(value, Decimal) else float(round(value))


def _is_type(kind: str, value: object) -> bool:
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind == "integer":
        if isinstance(value, int):
            return True
        # Not `value % 1`: a Decimal like 1e999999999 cannot be divided; to_integral can.
        return _is_number(value) and value == _integral(value)
    if kind == "number":
        return _is_number(value)
    return isinstance(value, {"string": str, "object": dict, "array": list}[kind])


def broken_rule(schema: dict, value: object) -> str | None:
    """The first keyword of `schema` that `value` breaks, or None when it is valid."""
    return _checker(schema)(value)


# A request checks a schema for each field of each item it sends: each schema is read once
# into a checker, a list of small steps in the keywords' order, instead of for every value.
_CHECKERS: dict[int, tuple[dict, Callable[[object], str | None]]] = {}

Check = Callable[[object], str | None]


def _checker(schema: dict) -> Check:
    """The checker of a schema (a declaration's, which never changes once declared)."""
    found = _CHECKERS.get(id(schema))
    if found is None or found[0] is not schema:
        found = _CHECKERS[id(schema)] = (schema, _compile(schema))
    return found[1]


def _compile(schema: dict) -> Check:
    """The steps `broken_rule` takes for `schema`, in its order, each answering its keyword or
    None; the checker answers the first keyword broken."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix(SCHEMAS)
        resolved: list = [None, None]  # the component's schema and checker, once looked up

        def check_ref(value: object) -> str | None:
            target = _REGISTRY[name]
            if target is not resolved[0]:
                resolved[:] = [target, _checker(target)]
            return resolved[1](value)

        return check_ref
    steps: list[Check] = []
    kinds = schema.get("type")
    if kinds is not None:
        kinds = [kinds] if isinstance(kinds, str) else kinds
        steps.append(_type_step(tuple(kinds)))
    if "const" in schema:
        const = schema["const"]
        steps.append(lambda value: "const" if value != const else None)
    if "enum" in schema:
        steps.append(_enum_step(schema["enum"]))
    if "oneOf" in schema:
        options = [_checker(option) for option in schema["oneOf"]]
        steps.append(
            lambda value: "oneOf" if sum(check(value) is None for check in options) != 1 else None
        )
    if {"minLength", "maxLength", "pattern"} & schema.keys():
        steps.append(_string_step(schema))
    if {"minimum", "maximum"} & schema.keys():
        steps.append(_number_step(schema))
    if {"minItems", "maxItems", "items", "uniqueItems"} & schema.keys():
        steps.append(_list_step(schema))
    if "required" in schema or "properties" in schema or "additionalProperties" in schema:
        steps.append(_object_step(schema))
    if "not" in schema:
        negated = _checker(schema["not"])
        steps.append(lambda value: "not" if negated(value) is None else None)
    if len(steps) == 1:
        return steps[0]

    def check(value: object) -> str | None:
        for step in steps:
            rule = step(value)
            if rule is not None:
                return rule
        return None

    return check


_KIND_TESTS: dict[str, Callable[[object], bool]] = {
    kind: (lambda value, kind=kind: _is_type(kind, value))
    for kind in ("null", "boolean", "integer", "number")
}
_KIND_TESTS.update(
    {
        kind: (lambda value, python=python: isinstance(value, python))
        for kind, python in (("string", str), ("object", dict), ("array", list))
    }
)


def _type_step(kinds: tuple[str, ...]) -> Check:
    tests = [_KIND_TESTS[kind] for kind in kinds]
    if len(tests) == 1:
        (test,) = tests
        return lambda value: None if test(value) else "type"

    def step(value: object) -> str | None:
        for test in tests:
            if test(value):
                return None
        return "type"

    return step


def _enum_step(options: list) -> Check:
    def step(value: object) -> str | None:
        text = isinstance(value, str)
        if any(value == option and text == isinstance(option, str) for option in options):
            return None
        return "enum"

    return step


def _string_step(schema: dict) -> Check:
    shortest = schema.get("minLength", 0)
    longest = schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None

    def step(value: object) -> str | None:
        if not isinstance(value, str):
            return None
        if len(value) < shortest:
            return "minLength"
        if longest is not None and len(value) > longest:
            return "maxLength"
        if pattern is not None and not pattern.search(value):
            return "pattern"
        return None

    return step


def _number_step(schema: dict) -> Check:
    has_minimum, minimum = "minimum" in schema, schema.get("minimum")
    has_maximum, maximum = "maximum" in schema, schema.get("maximum")

    def step(value: object) -> str | None:
        if not _is_number(value):
            return None
        if has_minimum and value < minimum:
            return "minimum"
        if has_maximum and value > maximum:
            return "maximum"
        return None

    return step


def _list_step(schema: dict) -> Check:
    fewest = schema.get("minItems", 0)
    most = schema.get("maxItems")
    each = _checker(schema["items"]) if "items" in schema else None
    unique = bool(schema.get("uniqueItems"))

    def step(value: object) -> str | None:
        if not isinstance(value, list):
            return None
        if len(value) < fewest:
            return "minItems"
        if most is not None and len(value) > most:
            return "maxItems"
        if each is not None and any(each(item) for item in value):
            return "items"
        if unique and len({repr(item) for item in value}) != len(value):
            return "uniqueItems"
        return None

    return step


def _object_step(schema: dict) -> Check:
    required = tuple(schema.get("required", ()))
    properties = {name: _checker(item) for name, item in schema.get("properties", {}).items()}
    extra = schema.get("additionalProperties", True)
    closed = extra is False
    extra_check = _checker(extra) if isinstance(extra, dict) else None

    def step(value: object) -> str | None:
        if not isinstance(value, dict):
            return None
        for name in required:
            if name not in value:
                return "required"
        for name, item in value.items():
            check = properties.get(name)
            if check is not None:
                if check(item):
                    return "properties"
            elif closed or (extra_check is not None and extra_check(item)):
                return "additionalProperties"
        return None

    return step
