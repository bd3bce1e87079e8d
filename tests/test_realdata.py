"""Real data: the CDNOW transaction log, rewritten in JD's order-export layout, read by ingest.

CDNOW (../shared/realdata/cdnow, see its SOURCE.txt) is not a JD export: the test converts it
to the columns of JD's order export (订单号, 下单帐号, 下单时间, 订单金额, 订单状态, 商品数量) as a
UTF-8 CSV with BOM, then checks that every row arrives with the figures SOURCE.txt states.
"""

from __future__ import annotations

from jdpromo.ingest import load_folder, order_level, read_export


def test_cdnow_order_export_is_read_whole(cdnow_export) -> None:
    parsed = read_export(cdnow_export[1])
    report, orders = parsed.report, parsed.frame
    assert (report.table, report.status) == ("orders", "ok")
    assert (report.rows_read, report.rows_used, report.rows_skipped) == (69_659, 69_659, 0)
    assert len(orders) == 69_659
    assert orders["customer_id"].nunique() == 23_570
    assert orders["customer_id"].iloc[0] == "00001"  # ids stay text with their leading zeros
    assert round(orders["amount"].sum(), 2) == 2_500_315.63
    assert orders["quantity"].sum() == cdnow_export[0]["number_of_cds"].astype(int).sum()
    assert (report.date_min.isoformat(), report.date_max.isoformat()) == (
        "1997-01-01",
        "1998-06-30",
    )
    # The log repeats 255 rows exactly (same customer, day, CDs and dollars): all are data.
    same = orders.duplicated(subset=["customer_id", "ordered_at", "quantity", "amount"])
    assert int(same.sum()) == 255
    assert orders["row"].iloc[-1] == 69_660  # header on row 1
    # CDNOW (1997-98) predates JD's store (2004): the one warning says so, no row is lost.
    assert report.warnings == [
        "row 2, column '下单时间': 1997-01-01 is before 2004-01-01 (69659 such row(s)); "
        "check the dates of this file"
    ]


def test_cdnow_through_load_folder_and_order_level(cdnow_export) -> None:
    dataset = load_folder(cdnow_export[1].parent)
    assert [f.status for f in dataset.files] == ["ok"]
    orders = order_level(dataset.table("orders"))
    assert len(orders) == 69_659  # one synthesized order id per row
    assert round(orders["amount"].sum(), 2) == 2_500_315.63
    assert dataset.overlaps.empty
