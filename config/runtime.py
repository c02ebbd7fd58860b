"""Start-up of a serving process."""

import gc

from django.urls import get_resolver


def settle() -> None:
    """Load what every request needs, then move the start-up objects out of the collector's sight.

    A loaded Kontor process holds about 150k long-lived objects (modules, URL patterns, fields
    of serializers and models). Every full garbage collection walks all of them; requests make
    enough short-lived cycles to trigger such collections, and they showed in the search
    benchmark's p95 (about 0.6 ms). `gc.freeze()` moves them to a generation that is never
    collected; they live as long as the process anyway.
    """
    get_resolver().url_patterns  # noqa: B018 (imports every view)
    gc.collect()
    gc.freeze()
