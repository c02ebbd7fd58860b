"""CRM use cases. Views call these; each checks the caller's rights, runs in a transaction and
writes its audit event."""
