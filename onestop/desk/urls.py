from django.urls import path

from . import views

app_name = "desk"

urlpatterns = [
    path("", views.index, name="index"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/files/<int:file_id>/", views.dossier_file, name="file"),
    path("dossiers/<int:pk>/claim/", views.claim, name="claim"),
    path("dossiers/<int:pk>/assign/", views.assign, name="assign"),
    path("dossiers/<int:pk>/unassign/", views.unassign, name="unassign"),
    path("dossiers/<int:pk>/complete/", views.complete, name="complete"),
    path("dossiers/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("dossiers/<int:pk>/payment/", views.payment, name="payment"),
    path("dossiers/<int:pk>/extend/", views.extend, name="extend"),
    path("dossiers/<int:pk>/decide/", views.decide, name="decide"),
    path("dossiers/<int:pk>/forms/<slug:kind>.pdf", views.form_pdf, name="form"),
]
