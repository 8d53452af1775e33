"""A self-contained API documentation page rendered from the OpenAPI schema (no CDN assets)."""
from django.shortcuts import render
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

METHODS = ("get", "post", "put", "patch", "delete")


def _ref_name(schema: dict | None) -> str:
    if not schema:
        return ""
    if "$ref" in schema:
        return schema["$ref"].rsplit("/", 1)[-1]
    if schema.get("type") == "array":
        return f"[{_ref_name(schema.get('items'))}]"
    return schema.get("type", "")


def operations(schema: dict) -> list[dict]:
    """The schema's operations as rows for the page, in path order."""
    rows = []
    for path, item in schema.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            rows.append({
                "method": method.upper(), "path": path, "summary": op.get("summary") or op.get("description", ""),
                "tag": (op.get("tags") or [""])[0],
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": _ref_name(p.get("schema")), "description": p.get("description", "")}
                    for p in op.get("parameters", [])
                ],
                "body": _ref_name(body),
                "responses": [
                    {"status": status, "schema": _ref_name(r.get("content", {}).get("application/json", {})
                                                           .get("schema")), "description": r.get("description", "")}
                    for status, r in op.get("responses", {}).items()
                ],
                "public": {} in op.get("security", []) or not op.get("security"),
            })
    return rows


class DocsView(APIView):
    """Tài liệu API: danh sách thao tác, tham số và mã trả về."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(exclude=True)
    def get(self, request):
        schema = SchemaGenerator().get_schema(request=None, public=True)
        components = schema.get("components", {}).get("schemas", {})
        return render(request._request, "api/docs.html", {
            "info": schema["info"], "operations": operations(schema),
            "components": [
                {"name": name, "enum": spec.get("enum"), "fields": sorted(spec.get("properties", {}).items())}
                for name, spec in sorted(components.items())
            ],
        })
