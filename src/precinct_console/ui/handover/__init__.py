"""Shift handover (交接班): compile, review, sign by outgoing and incoming officers, print or save as PDF."""
