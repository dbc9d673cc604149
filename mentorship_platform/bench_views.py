"""The benchmark's ceiling: the cheapest responses the same stack can give (only with BENCH_ENDPOINTS)."""

from django.http import HttpResponse
from django.shortcuts import render


def plain(request):
    return HttpResponse(b"ok", content_type="text/plain")


def template(request):
    """``base.html`` with no queries: what any page costs before its own work."""
    return render(request, "base.html")
