"""What a scheme-1 event may have been hashed over, given what the database gives back.

Releases before the canonical form hashed the values they were about to store, and the database
then re-encoded some of them without changing what they say:

- PostgreSQL's jsonb returns a float from 1e16 up (always a whole number) as an integer and
  `-0.0` as `0.0`;
- Django stores an IPv4-mapped address as `::ffff:10.0.0.7`, while it was hashed in Python's
  spelling `::ffff:a00:7` (and PostgreSQL's inet prints `::a00:7` as `::10.0.0.7`).

Verify tries those spellings of the same values, so such events keep verifying; a different
value still never matches. An event with more ambiguous numbers than `MAX_AMBIGUOUS_NUMBERS`
is only tried as read.
"""

import ipaddress
from collections.abc import Iterator
from itertools import product
from typing import Any

MAX_AMBIGUOUS_NUMBERS = 8
_FLOAT_BECAME_INTEGER_FROM = 10**16

Path = tuple[str | int, ...]


def scheme_1_readings(ip: str | None, details: Any) -> Iterator[tuple[str | None, Any]]:
    """(ip, details) as read first, then the other spellings each may have been hashed in."""
    ips = [ip]
    python_spelling = _python_spelling(ip)
    if python_spelling not in ips:
        ips.append(python_spelling)
    paths = list(_ambiguous_numbers(details, ()))
    if len(paths) > MAX_AMBIGUOUS_NUMBERS:
        paths = []
    for address in ips:
        for choices in product((False, True), repeat=len(paths)):
            chosen = [path for path, as_float in zip(paths, choices, strict=True) if as_float]
            yield address, _with_floats(details, chosen, ())


def _python_spelling(ip: str | None) -> str | None:
    if not ip:
        return ip
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return ip


def _was_float(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int) and abs(value) >= _FLOAT_BECAME_INTEGER_FROM:
        try:
            return float(value) == value
        except OverflowError:
            return False
    return isinstance(value, float) and value == 0.0


def _ambiguous_numbers(value: Any, path: Path) -> Iterator[Path]:
    if _was_float(value):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _ambiguous_numbers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _ambiguous_numbers(item, (*path, index))


def _with_floats(value: Any, paths: list[Path], path: Path) -> Any:
    """A copy of `value` with the numbers at `paths` as the floats they were hashed as."""
    if not paths:
        return value
    if path in paths:
        return -0.0 if value == 0 else float(value)
    if isinstance(value, dict):
        return {key: _with_floats(item, paths, (*path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_floats(item, paths, (*path, index)) for index, item in enumerate(value)]
    return value
