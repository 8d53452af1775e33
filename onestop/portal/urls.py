from django.urls import path

from . import files, submit, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("danh-gia/", views.rate, name="rate"),
    path("bo-sung/", views.supplement, name="supplement"),
    path("ket-qua/", views.result, name="result"),
    path("nop-truc-tuyen/", submit.choose, name="submit_choose"),
    path("nop-truc-tuyen/<int:procedure_id>/", submit.submit, name="submit"),
    path("tep/<int:pk>/", files.download, name="file"),
]
