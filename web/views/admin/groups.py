"""Groups: the list, a new group with members, and a group's members.

The API neither renames nor deletes a group (ACL entries name it), so neither does the page.
"""

from django.contrib import messages
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from audit.record import context_from
from permissions import services
from permissions.access import require_admin
from web.forms.admin import GroupCreateForm, GroupMembersForm
from web.outcomes import ServiceError, only_for, show_on_form

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def group_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _groups_page(request, GroupCreateForm())
    form = GroupCreateForm(request.POST)
    if not form.is_valid():
        return _groups_page(request, form, status=400)
    try:
        group = services.create_group(
            context=context_from(request),
            name=form.cleaned_data["name"],
            members=form.cleaned_data["members"],
        )
    except ServiceError as refused:
        return _groups_page(request, form, status=show_on_form(form, refused))
    messages.success(request, f"Group {group.name} created.")
    return redirect("administration-groups")


def _groups_page(request: HttpRequest, form: GroupCreateForm, status: int = 200) -> HttpResponse:
    found = Group.objects.order_by("name").prefetch_related("user_set")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {"group": group, "members": sorted(user.username for user in group.user_set.all())}
        for group in page
    ]
    context = {
        "nav_area": "administration",
        "admin_area": "groups",
        "form": form,
        "page": page,
        "rows": rows,
    }
    return render(request, "web/admin/groups.html", context, status=status)


@require_http_methods(["GET", "POST"])
@only_for(require_admin)
def group_edit(request: HttpRequest, name: str) -> HttpResponse:
    group = Group.objects.filter(name=name).first()
    if group is None:
        raise Http404("No such group.")
    members = " ".join(sorted(group.user_set.values_list("username", flat=True)))
    if request.method != "POST":
        form = GroupMembersForm(initial={"members": members}, name=group.name)
        return _group_page(request, group, form)
    form = GroupMembersForm(request.POST, name=group.name)
    if not form.is_valid():
        return _group_page(request, group, form, status=400)
    try:
        services.update_group(
            context=context_from(request), group=group, members=form.cleaned_data["members"]
        )
    except ServiceError as refused:
        return _group_page(request, group, form, status=show_on_form(form, refused))
    messages.success(request, f"Members of {group.name} saved.")
    return redirect("administration-group", name=group.name)


def _group_page(
    request: HttpRequest, group: Group, form: GroupMembersForm, status: int = 200
) -> HttpResponse:
    context = {"nav_area": "administration", "admin_area": "groups", "group": group, "form": form}
    return render(request, "web/admin/group.html", context, status=status)
