"""Permissions: principals, roles, ACL decisions. Views and search ask only this package."""
