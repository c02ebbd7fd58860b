"""The REST face of the CRM: parse, call one use case (`crm.services`), serialise."""
