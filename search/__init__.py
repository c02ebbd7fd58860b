"""Search: query (trimmed by permissions), index documents (elasticsearch | embedded), drain the
repository's outbox (`repository.outbox`, written in the transaction of each change).

Modules: `services` (the search use case), `indexer` (the drain), `health` (what `/healthz`
reports), `backends`, `query`, `records`.
"""
