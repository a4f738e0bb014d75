"""Statistics panel: incident charts (pyqtgraph), each exportable as PNG."""
