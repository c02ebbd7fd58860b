"""The organisation's dictionary as the spell-checker reads it: the words' lookup forms, kept in
this process and reloaded when another process (or this one) has changed them.

Every change gives the one generation row a new random value in its own transaction
(`bump_generation`); a reader asks for that value (one row by primary key) on each check and
reloads the words only when it differs from the one it holds, so a word added anywhere applies at
once everywhere, without a reload on every request. Random rather than counting: a change rolled
back after a reader saw it inside its transaction must not leave a value a later change reuses.
"""

import secrets
import threading
from dataclasses import dataclass

from templating.models import DictionaryGeneration, DictionaryWord

GENERATION_ROW = 1


@dataclass(frozen=True)
class _Loaded:
    generation: int
    keys: frozenset[str]


_lock = threading.Lock()
_loaded = _Loaded(generation=-1, keys=frozenset())


def current_generation() -> int:
    value = (
        DictionaryGeneration.objects.filter(pk=GENERATION_ROW)
        .values_list("value", flat=True)
        .first()
    )
    return int(value or 0)


def organisation_keys() -> frozenset[str]:
    """The lookup forms of the organisation's words, as of now."""
    global _loaded
    generation = current_generation()
    loaded = _loaded
    if loaded.generation == generation:
        return loaded.keys
    # Read after the counter: the words are at least as new as the generation they are kept
    # under, so a change made meanwhile only causes one more reload.
    keys = frozenset(DictionaryWord.objects.values_list("key", flat=True))
    with _lock:
        _loaded = _Loaded(generation=generation, keys=keys)
    return keys


def bump_generation() -> None:
    """Tell every process that the words changed; call inside the change's transaction."""
    value = secrets.randbits(62) + 1
    updated = DictionaryGeneration.objects.filter(pk=GENERATION_ROW).update(value=value)
    if not updated:  # the row is made by the migration; a flushed test database lacks it
        DictionaryGeneration.objects.update_or_create(pk=GENERATION_ROW, defaults={"value": value})
