"""Reading a Terraform plan or usage file: size, encoding, JSON or YAML, depth, values.

Pure, no Django. PlanError and UsageError carry the message the user sees.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
from decimal import Decimal

from estimates import pricing

MAX_PLAN_BYTES = 20 * 1024 * 1024
MAX_USAGE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_RESOURCES = 10_000
SUPPORTED_MAJOR = "1"


class PlanError(ValueError):
    """A plan or usage file that cannot be read; the message says what to do about it."""

    field = "plan"


class UsageError(PlanError):
    """A usage file that cannot be read, or whose values the price book cannot take."""

    field = "usage"


# ---------------------------------------------------------------------------------------------
# Reading files


def read_plan(raw: bytes | str | dict) -> dict:
    """A Terraform JSON plan (format 1.x) with Decimal numbers; PlanError if it is not one."""
    if isinstance(raw, dict):
        data = raw
        _check_depth(data, "plan")
    elif isinstance(raw, bytes | bytearray | str):
        data = read_json(raw)
    else:
        raise PlanError("A plan is the JSON text that `terraform show -json plan.out` prints.")
    if not isinstance(data, dict):
        raise PlanError(
            f"Not a Terraform plan: a plan is a JSON object, this is {_kind(data)}. "
            "Make one with `terraform show -json plan.out > plan.json`."
        )
    if "format_version" not in data:
        raise PlanError(
            "Not a Terraform plan: it has no format_version. "
            "Make one with `terraform show -json plan.out > plan.json`."
        )
    version = data["format_version"]
    if not isinstance(version, str) or version.split(".")[0] != SUPPORTED_MAJOR:
        raise PlanError(f"Format version {str(version)[:40]} is not supported; costcalc reads 1.x.")
    if "planned_values" not in data and "resource_changes" not in data:
        raise PlanError(
            "Not a Terraform plan: it has no planned_values or resource_changes (is it a state "
            "file?). Show the plan file: `terraform show -json plan.out > plan.json`."
        )
    changes = data.get("resource_changes", [])
    if not isinstance(changes, list):
        raise PlanError("Not a Terraform plan: resource_changes is not a list.")
    if len(changes) > MAX_RESOURCES:
        raise PlanError(
            f"The plan has {len(changes):,} resource changes; costcalc reads at most "
            f"{MAX_RESOURCES:,} resources. Import the plan of a smaller configuration."
        )
    return data


def read_json(raw: bytes | bytearray | str, what: str = "plan") -> object:
    """JSON text of at most 20 MB, numbers as Decimal, nested no deeper than a plan can be."""
    data = _parse_json(_text(raw, MAX_PLAN_BYTES, what), what)
    _check_depth(data, what)
    return data


def read_usage(raw: bytes | str | dict | None) -> dict:
    """A usage file (JSON, or YAML with PyYAML) as {"resource_usage": {name: {key: Decimal}}}."""
    try:
        return _read_usage(raw)
    except UsageError:
        raise
    except PlanError as error:
        raise UsageError(str(error)) from None


def _read_usage(raw: bytes | str | dict | None) -> dict:
    if raw is None:
        return {"resource_usage": {}}
    if isinstance(raw, dict):
        data = raw
    elif isinstance(raw, bytes | bytearray | str):
        text = _text(raw, MAX_USAGE_BYTES, "usage file")
        if not text.strip():
            raise PlanError("The usage file is empty.")
        if text.lstrip()[:1] in ("{", "["):
            data = _parse_json(text, "usage file")
        else:
            data = _parse_yaml(text)
    else:
        raise PlanError("A usage file is JSON or YAML text.")
    return {"resource_usage": _usage_entries(data)}


def too_big(size: int, limit: int = MAX_PLAN_BYTES, what: str = "plan") -> str:
    """The message for a file of `size` bytes over `limit`, or "" when it fits."""
    if size <= limit:
        return ""
    return f"The {what} is {size:,} bytes; costcalc reads at most {limit // 1024 // 1024} MB."


def _text(raw: bytes | bytearray | str, limit: int, what: str) -> str:
    size = len(raw.encode("utf-8", "surrogatepass")) if isinstance(raw, str) else len(raw)
    if message := too_big(size, limit, what):
        raise PlanError(message)
    if isinstance(raw, str):
        return raw.removeprefix("\ufeff")
    data = bytes(raw)
    # Windows PowerShell's `>` writes UTF-16 with a byte order mark.
    encoding = "utf-16" if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise PlanError(f"The {what} is not text (UTF-8 or UTF-16).") from None


def _reject_constant(name: str) -> None:
    raise PlanError(f"{name} is not a number JSON allows.")


def _parse_json(text: str, what: str) -> object:
    try:
        return pricing.exact_json(text, parse_constant=_reject_constant)
    except PlanError as error:
        raise PlanError(f"The {what} is not valid JSON: {error}") from None
    except pricing.NumberTooLarge as error:
        raise PlanError(f"A number in the {what} is {error.words} to read.") from None
    except json.JSONDecodeError as error:
        raise PlanError(
            f"The {what} is not JSON (line {error.lineno}, column {error.colno}: {error.msg})."
        ) from None
    except ValueError as error:
        raise PlanError(f"The {what} is not JSON costcalc can read: {error}.") from None
    except RecursionError:
        raise PlanError(f"The {what} is nested deeper than {MAX_DEPTH} levels.") from None


def _check_depth(value: object, what: str) -> None:
    """Refuse nesting deeper than any Terraform plan has, without recursing."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PlanError(f"The {what} is nested deeper than {MAX_DEPTH} levels.")
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    return "a number"


@functools.cache
def _yaml_loader() -> type:
    import yaml

    class Loader(yaml.SafeLoader):
        def compose_node(self, parent, index):
            # An alias can repeat a node without limit (billion laughs); usage files need none.
            if self.check_event(yaml.AliasEvent):
                raise PlanError("The usage file uses a YAML alias (*name); write the values out.")
            return super().compose_node(parent, index)

    def decimal_float(loader, node):
        text = loader.construct_scalar(node)
        try:
            return pricing.parse_quantity(text)
        except ValueError:
            raise PlanError(f"The usage file has {text!r}, which is not a number.") from None

    Loader.add_constructor("tag:yaml.org,2002:float", decimal_float)
    return Loader


def _parse_yaml(text: str) -> object:
    try:
        import yaml
    except ImportError:
        raise PlanError(
            "The usage file is not JSON, and reading YAML needs PyYAML, which is not installed "
            "here. Send the usage file as JSON."
        ) from None
    try:
        return yaml.load(text, Loader=_yaml_loader())  # a SafeLoader: builds no objects
    except yaml.YAMLError as error:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise PlanError(
            f"The usage file is neither JSON nor valid YAML: {problem}{where}."
        ) from None
    except RecursionError:
        raise PlanError(f"The usage file is nested deeper than {MAX_DEPTH} levels.") from None


_USAGE_KEY = re.compile(r"[a-z][a-z0-9_]{0,63}")


def _usage_entries(data: object) -> dict[str, dict[str, Decimal]]:
    shape = 'A usage file is {"resource_usage": {"<address or type>": {"<usage key>": number}}}.'
    if not isinstance(data, dict):
        raise PlanError(shape)
    extra = sorted(str(key) for key in data if key not in ("resource_usage", "version"))
    if extra:
        raise PlanError(f"The usage file has unknown keys ({', '.join(extra)[:200]}). {shape}")
    if "resource_usage" not in data:
        raise PlanError(f"The usage file has no resource_usage. {shape}")
    entries = data["resource_usage"] if data["resource_usage"] is not None else {}
    if not isinstance(entries, dict):
        raise PlanError(f"resource_usage is not an object. {shape}")
    if len(entries) > MAX_RESOURCES:
        raise PlanError(f"The usage file names more than {MAX_RESOURCES:,} resources.")
    clean: dict[str, dict[str, Decimal]] = {}
    for name, values in entries.items():
        if not isinstance(name, str) or not name.strip() or len(name) > 1000:
            raise PlanError(
                "Each name in resource_usage is a resource address or type, "
                "such as aws_kms_key.app[0] or aws_kms_key."
            )
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise PlanError(f'{name}: give usage keys with numbers, e.g. {{"requests": 1000000}}.')
        clean[name] = {}
        for key, raw in values.items():
            if not isinstance(key, str) or not _USAGE_KEY.fullmatch(key):
                raise PlanError(
                    f"{name}: {str(key)[:70]!r} is not a usage key "
                    "(lower-case letters, digits and _, such as symmetric_requests)."
                )
            clean[name][key] = _usage_value(name, key, raw)
    return clean


def _usage_value(name: str, key: str, raw: object) -> Decimal:
    if raw is None or raw == "":
        raise PlanError(f"{name} → {key}: enter a number.")
    try:
        value = pricing.parse_quantity(raw)
    except ValueError as error:
        raise PlanError(f"{name} → {key}: {error}") from None
    if value < 0:
        raise PlanError(f"{name} → {key}: enter 0 or more.")
    if value > pricing.MAX_QUANTITY:
        limit = pricing.plain_number(pricing.MAX_QUANTITY)
        raise PlanError(f"{name} → {key}: enter at most {limit}.")
    return value


# ---------------------------------------------------------------------------------------------
# Lenient access to plan values: a provider may add or reshape attributes in a minor version.


def _dict(value: object) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    return [item for item in _list(value) if isinstance(item, str)]


def _flag(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


def _blocks(value: object) -> list[dict]:
    """A nested block: a list of objects (list and set nesting) or one object (single nesting)."""
    if isinstance(value, dict):
        return [value]
    return [item for item in _list(value) if isinstance(item, dict)]


def _first(value: object) -> dict:
    blocks = _blocks(value)
    return blocks[0] if blocks else {}
