from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from onestop.portal.forms import LookupForm
from onestop.portal.public import public_page
from procedures.models import AdministrativeUnit
from workflows.access import roles_of
from workflows.roles import Role

# The first screen of each role, in the order a user holding several roles would want it.
ROLE_HOME = [
    (Role.CLERK, "counter:index"),
    (Role.SPECIALIST, "desk:index"),
    (Role.LEADER, "desk:index"),
    (Role.SUPERVISOR, "oversight:index"),
]

_PROVINCE_KEY = "onestop:home:province"
_PROVINCE_SECONDS = 3600


def province_name() -> str:
    """The name of the province this installation serves: its top unit in force today (cached)."""
    name = cache.get(_PROVINCE_KEY)
    if name is None:
        top = (AdministrativeUnit.objects.in_force().filter(parent__isnull=True)
               .order_by("level__rank", "name").values_list("name", flat=True).first())
        name = top or ""
        cache.set(_PROVINCE_KEY, name, _PROVINCE_SECONDS)
    return name


@never_cache
def home(request):
    """The public front door: the province, the status lookup and the online submission.

    Public like the portal: no session read (no login state shown), the same page for everyone;
    staff sign in at their own address (`staff_home`)."""
    return public_page(request, "home.html", {"province": province_name(), "form": LookupForm()})


@login_required
def staff_home(request):
    """Send staff to their role's screen; others (catalog admins) see their links."""
    roles = roles_of(request.user)
    for role, url_name in ROLE_HOME:
        if role in roles:
            return redirect(url_name)
    return render(request, "staff_home.html", {"roles": roles})


@never_cache
def healthz(request):
    """Liveness for a load balancer: the process answers (no database, no session, no template).

    Also the trivial view the load test (bench/load.py) measures the other pages against."""
    return HttpResponse(b"ok", content_type="text/plain")
