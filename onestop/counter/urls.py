from django.urls import path

from . import reissue, views

app_name = "counter"

urlpatterns = [
    path("", views.index, name="index"),
    path("find/", views.find, name="find"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("receive/", views.receive_search, name="receive_search"),
    path("receive/<int:pk>/", views.receive, name="receive"),
    path("guidance/<int:pk>/", views.guidance, name="guidance"),
    path("guidance/<int:pk>.pdf", views.guidance_pdf, name="guidance_pdf"),
    path("dossiers/<int:pk>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/files/<int:file_id>/", views.dossier_file, name="file"),
    path("dossiers/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("dossiers/<int:pk>/reissue-secret/", reissue.reissue_secret, name="reissue_secret"),
    path("dossiers/<int:pk>/accept/", views.accept, name="accept"),
    path("dossiers/<int:pk>/refuse/", views.refuse, name="refuse"),
    path("dossiers/<int:pk>/supplement-received/", views.supplement_received, name="supplement_received"),
    path("dossiers/<int:pk>/payment-received/", views.payment_received, name="payment_received"),
    path("dossiers/<int:pk>/return/", views.return_result, name="return"),
    path("dossiers/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("dossiers/<int:pk>/stop/", views.stop, name="stop"),
    path("dossiers/<int:pk>/forms/<slug:kind>.pdf", views.form_pdf, name="form"),
    path("tracking-book.pdf", views.tracking_book, name="tracking_book"),
]
