from objectives.views import lists, objective, periods, plan, plan_import, progress

app_name = "objectives"

urlpatterns = [
    *lists.urlpatterns,
    *objective.urlpatterns,
    *progress.urlpatterns,
    *periods.urlpatterns,
    *plan_import.urlpatterns,
    *plan.urlpatterns,
]
