"""Page-number pagination with a bounded, client-chosen page size."""
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import PageNumberPagination


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    invalid_page_message = _("Không có trang này.")  # a 404 (DRF's own text has no Vietnamese translation)
