"""The reporting app's pages: dashboards and scores, exports, open data."""

from django.urls import path

from reporting import dashboard_views, opendata, views

app_name = "reporting"

urlpatterns: list = [
    *dashboard_views.urlpatterns,
    path("piano/<int:pk>/esporta/<str:fmt>/", views.plan_export, name="plan_export"),
    path("piano/<int:pk>/esportazioni/", views.export_job_list, name="export_job_list"),
    path("piano/<int:pk>/esportazioni/avvia/", views.export_job_start, name="export_job_start"),
    path("esportazioni/<int:pk>/", views.export_job_detail, name="export_job_detail"),
    path("esportazioni/<int:pk>/annulla/", views.export_job_cancel, name="export_job_cancel"),
    path("esportazioni/<int:pk>/scarica/", views.export_job_download, name="export_job_download"),
    path("piano/<int:pk>/relazione/", views.relazione_index, name="relazione_index"),
    path("piano/<int:pk>/relazione/<int:year>/", views.relazione_detail, name="relazione_detail"),
    path(
        "piano/<int:pk>/relazione/<int:year>/validazione/",
        views.relazione_validate,
        name="relazione_validate",
    ),
    path("elenchi/<str:name>/esporta/<str:fmt>/", views.list_export, name="list_export"),
    path("trasparenza/<slug:slug>/performance/", opendata.index, name="opendata_index"),
    path(
        "trasparenza/<slug:slug>/performance/piano-<int:pk>.<str:fmt>",
        opendata.plan_file,
        name="opendata_plan",
    ),
    path(
        "trasparenza/<slug:slug>/performance/piano-<int:pk>-risultati.<str:fmt>",
        opendata.results_file,
        name="opendata_results",
    ),
]
