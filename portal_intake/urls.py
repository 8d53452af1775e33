from django.urls import path

from . import views

app_name = "portal_intake"

urlpatterns = [
    path("", views.reconciliation, name="reconciliation"),
]
