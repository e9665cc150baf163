"""The reporting app's pages: dashboards and scores, exports, open data."""

from reporting import dashboard_views

app_name = "reporting"

urlpatterns: list = [
    *dashboard_views.urlpatterns,
]
