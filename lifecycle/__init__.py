"""Arrives with its issue; the package exists so the layout is stable."""
