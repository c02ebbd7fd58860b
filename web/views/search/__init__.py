"""Pages of the search area: `/search/`."""

from django.urls import URLPattern, path

from web.views.search.page import search_page

urlpatterns: list[URLPattern] = [
    path("search/", search_page, name="search"),
]
