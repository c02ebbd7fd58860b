"""Out of office: a user names a substitute for a period; tasks that reach them in that period
go to the substitute, who decides "on behalf of" them (the sign-off records and signs it).

The rules, each against a way to abuse it:
- one sets only one's own absence (the API and the page have no user field), and never names
  oneself or an inactive user as substitute;
- a substitution goes one hop: a task never goes on from a substitute who is away as well (it
  stays with the approver), so no one passes on a task that was never theirs;
- a run's submitter never receives their own document as substitute (the task stays with the
  approver), nor does one who holds a task in the same step already (their one decision would
  otherwise count twice);
- tasks already with a user when their absence starts stay theirs: they may still decide them
  (the route's owner or an administrator reassigns them if need be); tasks that went to the
  substitute are the substitute's alone.
"""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from audit.record import RequestContext, record
from core.errors import Invalid
from lifecycle.models import Absence, RouteRun


def absence_of(user: Any) -> Absence | None:
    """The user's absence setting, current or ahead (ended ones are removed or past)."""
    absence = Absence.objects.select_related("substitute").filter(user=user).first()
    if absence is None or absence.ends <= timezone.now():
        return None
    return absence


def is_current(absence: Absence) -> bool:
    return absence.starts <= timezone.now() < absence.ends


def set_absence(
    *, context: RequestContext, substitute: str, starts: datetime | None, ends: datetime
) -> Absence:
    """Set (or replace) the caller's own absence, from `starts` (default now) until `ends`."""
    user = context.user
    starts = starts or timezone.now()
    found = get_user_model().objects.filter(username=substitute, is_active=True).first()
    if found is None:
        raise Invalid({"substitute": [f"No active user {substitute}."]}, code="does_not_exist")
    if found.pk == user.pk:
        raise Invalid(
            {"substitute": ["Name someone else as substitute."]}, code="substitute_is_self"
        )
    if ends <= starts:
        raise Invalid({"ends": ["The absence must end after it starts."]}, code="invalid_period")
    if ends <= timezone.now():
        raise Invalid({"ends": ["The absence must end in the future."]}, code="in_the_past")
    with transaction.atomic():
        absence, _ = Absence.objects.update_or_create(
            user=user, defaults={"substitute": found, "starts": starts, "ends": ends}
        )
        record(
            context,
            "absence.set",
            object_type="user",
            object_id=user.pk,
            details={
                "substitute": found.get_username(),
                "starts": starts.isoformat(),
                "ends": ends.isoformat(),
            },
        )
    return absence


def end_absence(*, context: RequestContext) -> bool:
    """The caller is back: tasks reach them again from now on. False if none was set."""
    user = context.user
    with transaction.atomic():
        absence = Absence.objects.select_for_update().filter(user=user).first()
        if absence is None:
            return False
        substitute = absence.substitute.get_username()
        absence.delete()
        record(
            context,
            "absence.end",
            object_type="user",
            object_id=user.pk,
            details={"substitute": substitute},
        )
    return True


def _away(username: str, now: datetime) -> Absence | None:
    return (
        Absence.objects.select_related("substitute")
        .filter(user__username=username, starts__lte=now, ends__gt=now)
        .first()
    )


def stand_in(
    principal: str, *, run: RouteRun, now: datetime, taken: set[str] | frozenset[str] = frozenset()
) -> tuple[str, str]:
    """Who receives a task meant for `principal` now: `(principal, "")`, or the substitute's
    principal and the absent user's name. `taken`: principals holding a task in the step."""
    kind, _, name = principal.partition(":")
    if kind != "user":
        return principal, ""  # a group's or role's task is open to its other members anyway
    absence = _away(name, now)
    if absence is None or not absence.substitute.is_active:
        return principal, ""
    substitute = absence.substitute
    target = f"user:{substitute.get_username()}"
    if (
        substitute.pk == run.submitted_by_id
        or target in taken
        or _away(substitute.get_username(), now) is not None
    ):
        return principal, ""
    return target, name
