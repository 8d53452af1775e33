from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import files, petitions, submit, views

app_name = "portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("danh-gia/", views.rate, name="rate"),
    path("bo-sung/", views.supplement, name="supplement"),
    path("ket-qua/", views.result, name="result"),
    path("nop-truc-tuyen/", submit.choose, name="submit_choose"),
    path("nop-truc-tuyen/<int:procedure_id>/", submit.submit, name="submit"),
    path("tep/<int:pk>/", files.download, name="file"),
    path("phan-anh/", petitions.send, name="petition_send"),
    path("phan-anh/ket-qua/", petitions.published, name="petition_published"),
    # The kept status pages carry no CSRF token (onestop.portal.pages): their language switch posts here.
    # It sets only the display-language cookie, so a forged post changes nothing worth a token.
    path("ngon-ngu/", csrf_exempt(set_language), name="language"),
]
