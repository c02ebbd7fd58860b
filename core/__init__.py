"""The bottom layer every app may use: domain errors, text checks, database helpers, triggers.

It imports no other Kontor package (the import-linter contract in pyproject.toml says so).
"""
