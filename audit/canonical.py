"""The one form in which an event's values are stored and hashed.

Each database gives JSON back in its own way: PostgreSQL's jsonb turns `1e16` into
`10000000000000000`, `-0.0` into `0.0`, refuses NaN, NUL and lone surrogates, and prints
IPv4-mapped addresses as `::ffff:10.0.0.7`. An event is therefore brought to a form that both
SQLite and PostgreSQL return unchanged before it is stored and hashed:

- a whole number is an integer (`1e16` -> `10000000000000000`, `-0.0` and `3.0` likewise),
  other floats stay floats (their shortest decimal reads back to the same float);
- NaN and the infinities, Decimals and any other object become text (`"NaN"`, `"12.50"`);
- NUL and unpaired surrogates in text and keys become U+FFFD; keys are text, tuples lists;
- an IPv4-mapped IPv6 address is the IPv4 address, others their shortest spelling.

Applying it twice changes nothing, so verify can apply it again to what it reads.
"""

import ipaddress
import json
import math
import re
from collections.abc import Mapping
from typing import Any

_UNSTORABLE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
_FLOAT_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}


def canonical_text(value: str) -> str:
    return _UNSTORABLE_CHARACTERS.sub("\ufffd", value)


def canonical_json(value: Any) -> Any:
    """`value` as JSON that reads back from either database exactly as it is returned here."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return _canonical_float(value)
    if isinstance(value, str):
        return canonical_text(value)
    if isinstance(value, Mapping):
        return {_canonical_key(key): canonical_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_json(item) for item in value]
    return canonical_text(str(value))


def canonical_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    return canonical_json(details or {})  # type: ignore[no-any-return]


def _canonical_float(value: float) -> int | float | str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return _FLOAT_TEXT[value]
    if value.is_integer():
        return int(value)
    return value


def _canonical_key(key: Any) -> str:
    """A key as `json.dumps` would write it (`True` -> "true", `1.0` -> "1")."""
    if isinstance(key, str):
        return canonical_text(key)
    scalar = canonical_json(key)
    if isinstance(scalar, str):
        return scalar
    return json.dumps(scalar)


def canonical_ip(value: str | None) -> str | None:
    """An address in one spelling; None for no address or what is not one."""
    if not value:
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
