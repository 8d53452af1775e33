"""Page-number pagination with a bounded, client-chosen page size."""
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from workflows import access


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("Không có trang này.")  # a 404 (DRF's own text has no Vietnamese translation)


class ScopedPagination(Pagination):
    """The staff dossier list: page numbers down to `max_rows`, the count exact up to `count_cap`.

    Both bounds keep a page's cost independent of the table (docs/performance.md, "Staff lists"):
    each scope branch reads at most the page's depth from its index, and the count stops at
    the cap (`count_capped` says so; narrow the list with its filters to see further).
    """

    max_rows = 10_000
    count_cap = 10_000

    def paginate_scoped(self, user, queryset, order, request, related=()):
        self.request = request
        size = self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param) or "1"
        number = int(raw) if raw.isdigit() and len(raw) < 7 else 0
        start = (number - 1) * size
        if number < 1 or start >= self.max_rows:
            raise NotFound(self.invalid_page_message)
        stop = min(start + size, self.max_rows)
        rows = list(access.visible_slice(user, queryset, order, start, stop + 1).select_related(*related))
        if number > 1 and not rows:
            raise NotFound(self.invalid_page_message)
        self.number, self.has_next = number, len(rows) > stop - start and stop < self.max_rows
        counted = access.count_visible(user, queryset, self.count_cap)
        self.count, self.capped = min(counted, self.count_cap), counted > self.count_cap
        return rows[: stop - start]

    def get_next_link(self):
        if not self.has_next:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.page_query_param, self.number + 1)

    def get_previous_link(self):
        if self.number <= 1:
            return None
        url = self.request.build_absolute_uri()
        if self.number == 2:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, self.number - 1)

    def get_paginated_response(self, data):
        return Response({"count": self.count, "count_capped": self.capped, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "results": data})

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["required"] = ["count", "count_capped", "results"]
        response["properties"] = {
            "count": response["properties"]["count"],
            "count_capped": {"type": "boolean", "description": str(_(
                "true: có nhiều hơn `count` hồ sơ (số đếm dừng ở giới hạn); thu hẹp bằng bộ lọc"))},
            **{k: v for k, v in response["properties"].items() if k != "count"},
        }
        return response
