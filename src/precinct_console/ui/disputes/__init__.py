"""Dispute register panel (矛盾纠纷): table, detail with notes, registration and follow-up actions."""
