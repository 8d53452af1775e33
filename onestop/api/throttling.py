"""Throttling of failed public status lookups, per client address.

Only failures count (a wrong code or secret), and the API shares the portal page's counter
(onestop.screens.lookup): PORTAL_LOOKUP_MAX_FAILURES per address per 15 minutes, whichever
door the guesser uses. The counts live in Django's cache, shared by all web nodes in
production (CACHE_URL, docs/deploy.md).
"""
from rest_framework.throttling import BaseThrottle

from onestop.screens import lookup


class LookupFailureThrottle(BaseThrottle):
    def allow_request(self, request, view):
        return not lookup.is_throttled(request)

    def wait(self):
        return lookup.WINDOW_SECONDS
