"""DRF permission classes for views whose every operation has one rule (administrators, records
managers).

They refuse before a body or a parameter is read, with the answer and the audited refusal of
`permissions.access`; the services behind those views check the same rule again, so a caller
that is not a view meets it too.
"""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from permissions.access import require_admin, require_records_manager


class RecordsManagers(BasePermission):
    """Records managers (`role:records_manager`) and administrators; 403 for anyone else."""

    def has_permission(self, request: Request, view: Any) -> bool:
        require_records_manager(request.user)
        return True


class Administrators(BasePermission):
    """Administrators only; 403 for anyone else."""

    def has_permission(self, request: Request, view: Any) -> bool:
        require_admin(request.user)
        return True
