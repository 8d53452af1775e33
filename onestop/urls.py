from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

# The public lookup's doors first: Django tries the patterns in order, and these two answer most of the
# traffic (docs/performance.md, "Load test"). No other pattern starts with their prefixes.
urlpatterns = [
    path("healthz/", views.healthz, name="healthz"),
    path("tra-cuu/", include("onestop.portal.urls")),
    path("api/", include("onestop.api.urls")),
    path("", views.home, name="home"),
    path("can-bo/", views.staff_home, name="staff_home"),
    # Staff sign in at their own address; after it, their role's screen (not the public front door).
    path("login/", auth_views.LoginView.as_view(next_page="staff_home"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("counter/", include("onestop.counter.urls")),
    path("counter/so-hoa/", include("digitisation.urls")),
    path("desk/", include("onestop.desk.urls")),
    path("phan-anh/", include("petitions.urls")),
    path("oversight/", include("onestop.oversight.urls")),
    path("thanh-toan/", include("payments.urls")),
    path("admin/", admin.site.urls),
]

# Unrouted addresses under /api/ answer the API's error shape (JSON), the rest Django's page.
handler404 = "onestop.api.exceptions.page_not_found"
