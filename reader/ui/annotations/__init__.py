"""Annotating a paper in its viewer tab: marks on the page, the marks panel, undo, annotated copies."""
