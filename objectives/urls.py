from objectives.views import plan_import

app_name = "objectives"

urlpatterns = [
    *plan_import.urlpatterns,
]
