"""The reporting app's pages, a module per page family, each with its `urlpatterns`
(collected in reporting/urls.py)."""
