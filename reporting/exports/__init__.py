"""Documents made from the database: the plan as JSON and CSV (`plan`), its workbook
(`workbook`), PDFs (`pdf`), the Relazione (`relazione`), the dashboard's and the lists' tables
(`dashboard`, `tabular`), open data (`opendata`), and the background jobs that make the long ones
(`jobs`). Each is a pure function from the database to bytes; the views only choose and send."""

from reporting.exports.plan import (
    objective_document,
    plan_document,
    plan_fields,
    plan_to_csv,
    plan_to_json,
    plan_to_json_bytes,
)

__all__ = [
    "objective_document",
    "plan_document",
    "plan_fields",
    "plan_to_csv",
    "plan_to_json",
    "plan_to_json_bytes",
]
