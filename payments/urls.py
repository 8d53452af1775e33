from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("cong/thong-bao/", views.notify, name="notify"),
    path("cong/ket-qua/", views.back, name="back"),
    path("truc-tuyen/", views.pay, name="pay"),
    path("quay/<int:pk>/", views.counter, name="counter"),
    path("bien-lai/<int:pk>.pdf", views.receipt_pdf, name="receipt"),
]
