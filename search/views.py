from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors
from .query import MAX_QUERY_CHARS, query_parse


@login_required
def results(request):
    query = query_parse(request.GET.get("q"))
    found = selectors.search_results(query=query, user=request.user, page=request.GET.get("page"))
    return render(request, "search/results.html", {"results": found, "max_chars": MAX_QUERY_CHARS})
