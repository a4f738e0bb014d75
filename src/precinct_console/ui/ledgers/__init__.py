"""Ledger export panel and the seat's export scheduler."""
