"""Adding a paper by hand: the fields a reading-list post gives you."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
)

from reader.library import PaperFields, Status


class AddPaperDialog(QDialog):
    def __init__(self, tag_names: list[str] = (), parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add Paper")
        self.setMinimumWidth(520)
        form = QFormLayout(self)
        self.title_edit = QLineEdit()
        self.authors_edit = QLineEdit(placeholderText="First Author; Second Author")
        self.year_spin = QSpinBox()
        self.year_spin.setRange(0, 2100)
        self.year_spin.setSpecialValueText("—")
        self.year_spin.setValue(0)
        self.venue_edit = QLineEdit(placeholderText="e.g. ICLR 2021")
        self.url_edit = QLineEdit(placeholderText="https://…")
        self.code_edit = QLineEdit(placeholderText="https://github.com/…")
        self.doi_edit = QLineEdit()
        self.arxiv_edit = QLineEdit(placeholderText="e.g. 2010.11929")
        self.tags_edit = QLineEdit(placeholderText=", ".join(list(tag_names)[:3]) or "NLP, Optimization")
        self.status_combo = QComboBox()
        for status in Status:
            self.status_combo.addItem(status.label, status.value)
        self.summary_edit = QPlainTextEdit()
        self.summary_edit.setPlaceholderText("TL;DR: what the paper does and why it matters.")
        self.summary_edit.setMaximumHeight(100)
        self.summary_edit.setTabChangesFocus(True)  # Tab leaves the summary for the buttons, as in the other fields
        for label, widget in (("&Title", self.title_edit), ("A&uthors", self.authors_edit), ("&Year", self.year_spin),
                              ("&Venue", self.venue_edit), ("&Paper URL", self.url_edit),
                              ("&Code URL", self.code_edit), ("&DOI", self.doi_edit), ("ar&Xiv id", self.arxiv_edit),
                              ("Ta&gs", self.tags_edit), ("&Status", self.status_combo),
                              ("Su&mmary", self.summary_edit)):
            form.addRow(label, widget)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Add")  # Alt+A; so Authors is Alt+U
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self._ok.setEnabled(False)
        self.title_edit.textChanged.connect(lambda t: self._ok.setEnabled(bool(t.strip())))

    def _accept(self) -> None:
        if self.title_edit.text().strip():
            self.accept()

    def fields(self) -> PaperFields:
        return PaperFields(
            title=self.title_edit.text().strip(),
            authors=tuple(a.strip() for a in self.authors_edit.text().split(";") if a.strip()),
            year=self.year_spin.value() or None,
            venue=self.venue_edit.text().strip(),
            summary=self.summary_edit.toPlainText().strip(),
            doi=self.doi_edit.text().strip(),
            arxiv_id=self.arxiv_edit.text().strip(),
            url=self.url_edit.text().strip(),
            code_url=self.code_edit.text().strip(),
            status=Status(self.status_combo.currentData()),
            tags=tuple(t.strip() for t in self.tags_edit.text().split(",") if t.strip()),
        )
