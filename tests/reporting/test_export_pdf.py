"""The plan PDF for the Giunta: every objective, the header on every page, nothing unescaped."""

import io
import re

import pytest
from pypdf import PdfReader

from objectives.models import Objective, Plan
from objectives.selectors import plan_objectives
from reporting.exports.pdf import plan_to_pdf
from tests.reporting.exports_data import codes, plan_with_units

pytestmark = pytest.mark.django_db


def squeeze(text: str) -> str:
    """The text without whitespace and without the hyphens of words broken at a line's end
    (U+2010, which the PDF adds): a cell's words wrap onto lines anywhere."""
    return re.sub(r"[\s\u2010]+", "", text)


def pages_text(data: bytes) -> list[str]:
    return [squeeze(page.extract_text()) for page in PdfReader(io.BytesIO(data)).pages]


def test_pdf_holds_every_objective_and_the_header_on_every_page():
    data = plan_with_units(12)
    document = plan_to_pdf(data.plan)
    pages = pages_text(document.data)
    assert document.pages == len(pages) > 1
    text = "".join(pages)
    for code in codes(data.plan):
        assert squeeze(f"Obiettivo numero {code} da raggiungere nel triennio") in text
    for number, page in enumerate(pages, start=1):
        assert "Soggettocompetente" in page and "Risultatoatteso" in page  # the table header
        assert "ComunediEsporta·PIAO2024-2026" in page  # the running header
        assert f"Pagina{number}di{len(pages)}" in page
        assert "Emessoil" in page
    assert "Approvatocondeliberan.12" in pages[0]
    # One heading per dipartimento; the servizio's objectives under its dipartimento.
    assert text.index("Affarigenerali") < text.index("Territorio")
    assert text.index("Territorio") < text.index(squeeze("Obiettivo numero 2.1"))


def test_pdf_is_tagged_with_embedded_fonts_and_a4_landscape():
    data = plan_with_units(2)
    reader = PdfReader(io.BytesIO(plan_to_pdf(data.plan).data))
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
    assert round(float(page.mediabox.width) / 72 * 25.4) == 297  # A4
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged PDF
    fonts = page["/Resources"]["/Font"]
    for font in fonts.values():
        descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded


def test_pdf_in_a3_on_request():
    data = plan_with_units(1)
    page = PdfReader(io.BytesIO(plan_to_pdf(data.plan, paper="A3").data)).pages[0]
    assert round(float(page.mediabox.width) / 72 * 25.4) == 420


def test_user_text_reaches_the_pdf_as_text_not_markup():
    data = plan_with_units(1)
    Objective.objects.filter(plan=data.plan, code="1.1").update(
        title='<b>grassetto</b> & <img src="x">'
    )
    text = "".join(pages_text(plan_to_pdf(data.plan).data))
    assert squeeze('<b>grassetto</b> & <img src="x">') in text


def test_filtered_pdf_holds_only_the_filtered_objectives():
    data = plan_with_units(3)
    only = plan_objectives(data.plan).filter(dirigente=data.dario)
    text = "".join(pages_text(plan_to_pdf(data.plan, only, filtered=True).data))
    assert "Estrattofiltratodelpiano" in text
    assert squeeze("Obiettivo numero 2.3") in text
    assert squeeze("Obiettivo numero 1.1") not in text


@pytest.mark.usefixtures("demo")
def test_demo_plan_pdf_holds_every_objective():
    plan = Plan.objects.get(ente__slug="montepulciano")
    pages = pages_text(plan_to_pdf(plan).data)
    text = "".join(pages)
    for objective in plan.objectives.all():
        words = squeeze(objective.description or objective.title)[:25]
        assert words in text, objective.code
    assert all("Soggettocompetente" in page for page in pages)
