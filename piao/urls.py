from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from piao import errors, views

admin.site.site_header = "piao · Amministrazione"
admin.site.site_title = "piao"
admin.site.index_title = "Piano della performance"

urlpatterns = [
    path("", views.home, name="home"),
    path("accesso/", auth_views.LoginView.as_view(), name="login"),
    path("uscita/", auth_views.LogoutView.as_view(), name="logout"),
    path("piano/", include("objectives.urls")),
    path("", include("reporting.urls")),
    path("admin/", admin.site.urls),
    path("_nested_admin/", include("nested_admin.urls")),
]

handler400 = errors.bad_request
handler403 = errors.permission_denied
handler404 = errors.page_not_found
handler500 = errors.server_error
