from django.urls import path

from . import views

app_name = "petitions"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("moi/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:step>/", views.act, name="act"),
]
