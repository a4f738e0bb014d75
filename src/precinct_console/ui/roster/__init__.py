"""Roster calendar panel: who is on which shift, week or month, with rule violations named."""
