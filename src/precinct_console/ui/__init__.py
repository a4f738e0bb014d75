"""Qt user interface: main window, panels, dialogs; talks to services only."""
