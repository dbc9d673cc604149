"""The staff lists' paging: a page of rows, and the query string its page links keep (the filters)."""

from django.core.paginator import Page, Paginator


def page_of(request, rows, per_page: int = 25) -> Page:
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def filters_querystring(request) -> str:
    """The request's query string without ``page``: what a page link adds to keep the filters."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
