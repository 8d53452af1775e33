from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from workflows.access import roles_of
from workflows.roles import Role

# The first screen of each role, in the order a user holding several roles would want it.
ROLE_HOME = [
    (Role.CLERK, "counter:index"),
    (Role.SPECIALIST, "desk:index"),
    (Role.LEADER, "desk:index"),
    (Role.SUPERVISOR, "oversight:index"),
]


@login_required
def home(request):
    """Send staff to their role's screen; others (catalog admins) see their links."""
    roles = roles_of(request.user)
    for role, url_name in ROLE_HOME:
        if role in roles:
            return redirect(url_name)
    return render(request, "home.html", {"roles": roles})


@never_cache
def healthz(request):
    """Liveness for a load balancer: the process answers (no database, no session, no template).

    Also the trivial view the load test (bench/load.py) measures the other pages against."""
    return HttpResponse(b"ok", content_type="text/plain")
