"""Rendering a public page: no session read behind it.

A public page is the same for everyone: its context has an anonymous `user` (base.html's
navigation would otherwise read the session to find the login) and no roles. CSRF uses its
cookie and messages their cookie, so neither touches the session either.
"""
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

PUBLIC_CONTEXT = {"user": AnonymousUser(), "user_roles": frozenset()}


def public_page(request, template, context, status=200):
    return render(request, template, {**PUBLIC_CONTEXT, **context}, status=status)
