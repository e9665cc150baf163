"""The reporting app's pages: dashboards and scores, exports, open data."""

app_name = "reporting"

urlpatterns: list = []
