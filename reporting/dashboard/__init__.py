"""The dashboards' reads, filters and tables (their pages: reporting.views.dashboard)."""
