"""The OpenAPI 3 schema and the documentation page, served without any network asset."""
import pytest

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/catalog/procedures/"), ("get", "/api/catalog/procedures/{id}/"), ("get", "/api/catalog/units/"),
    ("get", "/api/catalog/agencies/"), ("get", "/api/catalog/fields/"), ("get", "/api/dossiers/"),
    ("post", "/api/dossiers/"), ("get", "/api/dossiers/{id}/"), ("post", "/api/dossiers/{id}/accept/"),
    ("post", "/api/dossiers/{id}/refuse/"), ("post", "/api/dossiers/{id}/start/"),
    ("post", "/api/dossiers/{id}/complete-step/"), ("post", "/api/dossiers/{id}/request-supplement/"),
    ("post", "/api/dossiers/{id}/supplement-received/"), ("post", "/api/dossiers/{id}/extend/"),
    ("post", "/api/dossiers/{id}/decide/"), ("post", "/api/dossiers/{id}/return/"),
    ("post", "/api/dossiers/{id}/withdraw/"), ("post", "/api/dossiers/{id}/assign/"),
    ("post", "/api/dossiers/{id}/unassign/"), ("get", "/api/dossiers/{id}/files/{file_id}/"),
    ("get", "/api/status/"), ("post", "/api/status/"), ("get", "/api/metrics/"),
}


def test_the_schema_is_openapi_3_and_lists_every_operation(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    found = {(m, p) for p, item in schema["paths"].items() for m in item if m in ("get", "post")}
    assert found >= OPERATIONS
    assert "Error" in schema["components"]["schemas"]
    assert client.get("/api/schema/").status_code == 200  # YAML by default


def test_the_docs_page_lists_the_operations_and_loads_nothing_from_elsewhere(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "POST /api/dossiers/{id}/complete-step/" in page and "/api/schema/" in page
    assert "https://" not in page and "cdn" not in page.lower()
