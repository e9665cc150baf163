"""Builds piano.xls and wide.xls, the only committed workbooks of the tests: nothing in the
project writes the old Excel format, so the XLSX below is converted once with LibreOffice
(`apt-get install libreoffice-calc-nogui`, then
`python tests/objectives/plan_import/files/make_xls.py`).

The same table is built at test time as XLSX and ODS (test_workbooks.py), so the three formats
are compared cell by cell.
"""

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def sample_workbook():
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Piano"
    sheet.append(["N°", "Obiettivo", "Responsabile", "Peso", "Indicatore", "Target 2024", "Tempi"])
    sheet.append(
        ["1", "Ridurre i tempi", "Anna Rossi", 0.05, "Pratiche evase", 12.5, dt.date(2024, 12, 31)]
    )
    nine_thirty = dt.datetime(2024, 3, 1, 9, 30)  # noqa: DTZ001 - Excel times have no zone
    sheet.append(["2", "Aumentare i servizi", None, 0.125, "Sportelli", 1234, nine_thirty])
    sheet.append([None, None, None, None, "Secondo indicatore", "almeno 3", None])
    sheet["D2"].number_format = sheet["D3"].number_format = "0%"
    sheet["G3"].number_format = "dd/mm/yyyy hh:mm"
    sheet.merge_cells("C2:C3")
    workbook.create_sheet("Note")
    return workbook


def wide_workbook():
    """Two cells, A1 and GR6000: 6,000 rows x 200 columns once spread out, over the limit."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active["A1"] = "Obiettivo"
    workbook.active["GR6000"] = 1
    return workbook


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        for name, workbook in (("piano", sample_workbook()), ("wide", wide_workbook())):
            source = Path(folder) / f"{name}.xlsx"
            workbook.save(source)
            subprocess.run(
                ["soffice", "--headless", "--convert-to", "xls", "--outdir", folder, str(source)],
                check=True,
            )
            (HERE / f"{name}.xls").write_bytes((Path(folder) / f"{name}.xls").read_bytes())
