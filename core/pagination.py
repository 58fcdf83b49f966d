from collections import OrderedDict

from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response


class NoCountPagination(PageNumberPagination):
    """Page numbers without COUNT(*): a page costs the same with 1,000 or 1,000,000 cases.

    It reads one row more than the page to know whether there is a next page.
    """

    page_size_query_param = "page_size"
    max_page_size = 100
    max_offset = 2**62

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:
            return None
        try:
            self.page_number = max(1, int(request.query_params.get(self.page_query_param, 1)))
        except (TypeError, ValueError):
            self.page_number = 1
        offset = (self.page_number - 1) * page_size
        self.page_size = page_size
        if offset > self.max_offset:
            # Past any real data, and past what the database's OFFSET accepts (a 500 otherwise).
            self.has_next = False
            return []
        rows = list(queryset[offset : offset + page_size + 1])
        self.has_next = len(rows) > page_size
        return rows[:page_size]

    def _link(self, number: int | None):
        if number is None:
            return None
        from rest_framework.utils.urls import remove_query_param, replace_query_param

        assert self.request is not None  # set by paginate_queryset, which always runs first
        url = self.request.build_absolute_uri()
        if number == 1:
            return remove_query_param(url, self.page_query_param)
        return replace_query_param(url, self.page_query_param, number)

    def get_paginated_response(self, data):
        return Response(
            OrderedDict(
                [
                    ("next", self._link(self.page_number + 1 if self.has_next else None)),
                    ("previous", self._link(self.page_number - 1 if self.page_number > 1 else None)),
                    ("results", data),
                ]
            )
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
