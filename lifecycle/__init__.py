"""Approval routes: versioned routes (`models`), their runs, tasks and signed sign-offs; use
cases in `services`, the REST face in `api`. Split across layers, so this imports nothing."""
