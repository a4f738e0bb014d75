"""Precinct Console: the command-room console of a police station."""

__version__ = "0.1.0"
