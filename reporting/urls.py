"""The reporting app's pages: dashboards and scores, exports, the Relazione, open data."""

from reporting.views import dashboard, exports, opendata, relazione

app_name = "reporting"

urlpatterns: list = [
    *dashboard.urlpatterns,
    *exports.urlpatterns,
    *relazione.urlpatterns,
    *opendata.urlpatterns,
]
