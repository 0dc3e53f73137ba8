"""Every kind of court PDF is tagged (issue 20, item 9): PDF/UA-1 and PDF/A-2a, with a
structure tree, /Lang, /MarkInfo /Marked true and a title, and its tables are tables.

Each kind is rendered the way the portal renders it and opened with pikepdf.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pikepdf
import pytest
import time_machine

from filing.inspection_copy import inspection_copy
from filing.rendering import render_acknowledgement
from filing.sealing import StampKind, seal_pdf
from icms.core import rendering
from tests.filing.test_rendering import make_data
from tests.filing.test_sealing import make_stamp
from tests.payments.helpers import DURING_CONCESSION


def structure_types(pdf: pikepdf.Pdf) -> list[str]:
    """Every structure element's type, depth first, in reading order."""
    found: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(str(node.S))
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


def assert_tagged(data: bytes, *, title: str, lang: str = "zh-Hant-HK", table: bool = False) -> list[str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root, "a structure tree"
        kids = root.StructTreeRoot.K
        assert len(kids if isinstance(kids, pikepdf.Array) else [kids]) > 0, "with children"
        assert str(root.Lang) == lang
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True, "viewers show the title, not the file name"
        assert title in str(pdf.docinfo.Title)
        with pdf.open_metadata() as meta:
            assert title in meta["dc:title"]
            assert meta["pdfuaid:part"] == "1", "PDF/UA-1"
            assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "A"), "PDF/A-2a"
        types = structure_types(pdf)
    if table:
        assert {"/Table", "/TR", "/TH", "/TD"} <= set(types), "tables are tables, with header cells"
    return types


def test_the_acknowledgement_is_tagged_with_its_heading_and_tables():
    types = assert_tagged(render_acknowledgement(make_data()), title="Acknowledgement of Submission", table=True)
    assert "/H1" in types and "/H2" in types
    assert types.index("/H1") < types.index("/Table"), "the heading comes first in reading order"


@pytest.fixture
def paid_receipt(firm_filer) -> Iterator:
    from payments import services
    from payments.models import Receipt
    from tests.factories import StaffFactory

    with time_machine.travel(DURING_CONCESSION, tick=False):
        membership = firm_filer.memberships.get()
        account = services.deposit_account_open(
            organisation=membership.organisation, branch_code=membership.branch_code
        )
        services.deposit_top_up(
            account=account, amount=Decimal("500"), reference="TOPUP-1", officer=StaffFactory(group="Accounts officer")
        )
        order = services.payment_order_create(
            purpose="search", court_level="DC", items=["DC-SEARCH"], idempotency_key="tagged", payer=firm_filer
        )
        order = services.payment_order_pay_from_deposit(order=order, user=firm_filer)
        yield Receipt.objects.get(order=order), account


def test_the_payment_receipt_is_tagged_and_its_fee_lines_are_a_table(paid_receipt):
    from payments.rendering import render_receipt_pdf

    receipt, _account = paid_receipt
    data = render_receipt_pdf(receipt)
    types = assert_tagged(data, title="Payment Receipt", table=True)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert receipt.number in str(pdf.docinfo.Title)
    assert "/H1" in types


def test_the_deposit_account_statement_is_tagged_and_its_ledger_is_a_table(paid_receipt):
    from payments import selectors
    from payments.rendering import render_statement_pdf

    _receipt, account = paid_receipt
    rows = selectors.statement_rows(account)
    assert len(rows) == 2, "the top-up and the payment"
    data = render_statement_pdf(account, rows, rows[-1][1])
    assert "/H1" in assert_tagged(data, title="Deposit Account Statement", table=True)


@pytest.fixture(scope="module")
def court_document() -> bytes:
    """A notice the court makes itself, before it is issued."""
    return rendering.render_pdf(
        "filing/pdf/demo_document.html",
        {"title": "Notice of Hearing 聆訊通知書", "body_en": "Take notice.", "body_zh": "特此通知。"},
    )


def test_a_court_document_is_tagged(court_document):
    assert "/H1" in assert_tagged(court_document, title="Notice of Hearing")


def test_the_issued_copy_keeps_the_tags_and_its_band_is_a_header_artifact(court_document):
    sealed = seal_pdf(court_document, make_stamp(StampKind.ISSUED))
    assert sealed.startswith(court_document), "the original bytes stay verifiable"
    assert "/H1" in assert_tagged(sealed, title="Notice of Hearing")
    with pikepdf.open(io.BytesIO(sealed)) as pdf:
        for page in pdf.pages:
            band = page.obj.Contents[0]
            operators = [str(op) for _operands, op in pikepdf.parse_content_stream(band)]
            assert operators[0] == "BDC" and operators[-1] == "EMC", "the band is all inside the artifact"
            assert "MCID" not in band.read_bytes().decode("latin-1")


def test_the_inspection_copy_of_an_issued_document_stays_tagged(court_document):
    sealed = seal_pdf(court_document, make_stamp(StampKind.ISSUED))
    copy = inspection_copy(sealed, made_at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC), case_number="DCPI 123/2026")
    assert_tagged(copy, title="Notice of Hearing")
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        mark = pdf.pages[0].obj.Contents[-1].read_bytes()
    assert b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC" in mark
