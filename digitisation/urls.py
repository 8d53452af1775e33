from django.urls import path

from . import views

app_name = "digitisation"

urlpatterns = [
    path("<int:pk>/components/<int:document_id>/", views.record, name="record"),
    path("<int:pk>/components/other/", views.record_other, name="record_other"),
    path("<int:pk>/electronic/", views.record_electronic, name="record_electronic"),
]
