"""Translations without Qt, shared by the window and the command line: the user's language, the
compiled .qm catalogue read in plain Python, and the catalogue of known errors."""
