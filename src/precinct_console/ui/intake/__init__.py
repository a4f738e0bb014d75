"""Incident intake (接警): the keyboard-first form, category search, address completion, repeat warning."""
