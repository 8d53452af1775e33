from django.urls import path

from . import reconciliation, views

app_name = "oversight"

urlpatterns = [
    path("", views.index, name="index"),
    path("chi-so-766/", views.national_score, name="national_score"),
    path("doi-soat-cong/", reconciliation.reconciliation, name="reconciliation"),
    path("cham-tre/", views.delays, name="delays"),
    path("quy-trach-nhiem/", views.attribution, name="attribution"),
    path("ho-so/<int:pk>/", views.dossier, name="dossier"),
    path("bao-cao/", views.report, name="report"),
    path("dinh-nghia/", views.definitions, name="definitions"),
    path("kiem-tra-nhat-ky/", views.audit, name="audit"),
    path("kiem-tra-nhat-ky/<int:pk>/", views.audit, name="audit_run"),
]
