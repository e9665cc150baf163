"""Importing a plan from a spreadsheet in the browser (issue: spreadsheet import)."""

from django.urls import path  # noqa: F401 - the import pages will be listed here

urlpatterns: list = []
