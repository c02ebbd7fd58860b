"""CRM: leads, contacts, companies, deals, pipelines and custom fields (`models`), who sees them
(`selectors`), use cases (`services`, lead conversion among them) and the REST face (`views`,
`serializers`, `urls`). Split across layers, so this imports nothing."""
