"""Use cases: one function per user action, permission-checked, audited, announcing its change."""
