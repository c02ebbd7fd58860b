"""The REST face of approval routes: parse, call one use case (`lifecycle.services`), serialise."""
