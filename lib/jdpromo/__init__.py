"""jdpromo: promotion analytics for JD.com shops (京东推广) — ingestion, metrics, reports."""

__version__ = "0.1.0"
