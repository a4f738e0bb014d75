"""Follow-up task board, its dialogs and the printable daily work list."""
