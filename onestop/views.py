from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    """The staff start page: links to the screens of the user's roles."""
    roles = set(request.user.groups.values_list("name", flat=True))
    return render(request, "home.html", {"roles": roles})
