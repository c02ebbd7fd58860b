"""Django forms of the pages: what a person fills in, checked by the API's own rules."""
