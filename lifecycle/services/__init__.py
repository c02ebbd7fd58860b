"""Use cases of approval routes: define and edit routes, submit, withdraw, decide, verify."""
