from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import catalog, docs, dossiers, metrics, status

app_name = "api"

router = SimpleRouter(use_regex_path=False)  # <int:pk> paths: typed in the schema
router.register("catalog/units", catalog.UnitViewSet, basename="unit")
router.register("catalog/agencies", catalog.AgencyViewSet, basename="agency")
router.register("catalog/fields", catalog.FieldViewSet, basename="field")
router.register("catalog/procedures", catalog.ProcedureViewSet, basename="procedure")
router.register("dossiers", dossiers.DossierViewSet, basename="dossier")

urlpatterns = [
    path("status/", status.status_view, name="status"),  # first: the public lookup is most of the API's traffic
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", docs.DocsView.as_view(), name="docs"),
    path("metrics/", metrics.MetricsView.as_view(), name="metrics"),
    *router.urls,
]
