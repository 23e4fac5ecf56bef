"""PDF work with PyMuPDF: opening, checking, extraction, rendering.

The only package that imports ``pymupdf``; it knows nothing of Qt or of the library.
PyMuPDF is not thread-safe and holds the GIL while it works, so the app calls this
package from a separate process (see ``reader.pdf.pool`` and the render process).
"""
