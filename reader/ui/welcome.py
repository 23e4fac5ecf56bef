"""What an empty library shows: two ways to start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class WelcomePage(QWidget):
    add_pdf_requested = Signal()
    load_sample_requested = Signal()
    add_by_hand_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.title = title = QLabel("Your reading list is empty")
        title.setWordWrap(True)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        text = QLabel(
            "Add the PDFs of papers you want to read (or drop them on this window), "
            "type one in by hand, or start from a sample list of ICLR 2020 and 2021 papers, "
            "with two open-access papers you can read and mark up right away."
        )
        text.setWordWrap(True)
        # at most this wide, but narrower in a small window: it wraps onto more lines rather than being cut
        text.setMaximumWidth(480)
        text.setMinimumWidth(1)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = text
        self.add_pdf_button = add_pdf = QPushButton("Add PDF…")
        add_pdf.setDefault(True)
        add_pdf.clicked.connect(self.add_pdf_requested)
        by_hand = QPushButton("Add Paper by Hand…")
        by_hand.clicked.connect(self.add_by_hand_requested)
        self.sample_button = sample = QPushButton("Load Sample Reading List")
        sample.clicked.connect(self.load_sample_requested)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (add_pdf, by_hand, sample):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(title)
        layout.addSpacing(8)
        text_row = QHBoxLayout()
        text_row.addStretch(1)
        text_row.addWidget(text, 100)
        text_row.addStretch(1)
        layout.addLayout(text_row)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(3)
