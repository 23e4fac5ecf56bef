"""The viewer tab's toolbar: page box, zoom, side panel, find and dark-page switches.

A mixin of :class:`~reader.ui.viewer.viewer_tab.ViewerTab`, apart so the tab module
stays about opening a document and what the tab shows. The actions are the tab's
own, with shortcuts that work anywhere inside the tab (several tabs, several sets).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSizePolicy, QSpinBox, QStyle, QToolBar, QWidget

from reader.pdf.geometry import ZOOM_STEPS

FIT_WIDTH, FIT_PAGE = "Fit width", "Fit page"


class ViewerToolbar:
    """Needs from its host: ``view``, ``back``, ``show_find``, ``current_page``, ``zoom``, ``_jump``, ``_show_side``."""

    def _action(self, text: str, icon: QIcon | None, shortcuts: list, slot, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(icon)
        elif text.startswith("Zoom"):
            action.setIconText("−" if text.endswith("out") else "+")
        sequences = {QKeySequence(s).toString(): QKeySequence(s) for s in shortcuts}
        action.setShortcuts([seq for text, seq in sequences.items() if text])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        if shortcuts:
            action.setToolTip(f"{text} ({QKeySequence(shortcuts[0]).toString(QKeySequence.SequenceFormat.NativeText)})")
        self.addAction(action)
        return action

    def _build_toolbar(self) -> QWidget:
        bar = QToolBar(self)
        bar.setIconSize(QSize(18, 18))
        sp = QStyle.StandardPixmap
        self.sidebar_action = self._action("Side panel", _icon(self, "sidebar-show", sp.SP_FileDialogListView), ["F9"],
                                           self._show_side, checkable=True)
        self.back_action = self._action("Back", _icon(self, "go-previous", sp.SP_ArrowBack), ["Alt+Left"], self.back)
        previous = self._action("Previous page", _icon(self, "go-up", sp.SP_ArrowUp), [], lambda: self._jump(self.current_page() - 1, None, False))
        following = self._action("Next page", _icon(self, "go-down", sp.SP_ArrowDown), [], lambda: self._jump(self.current_page() + 1, None, False))
        self.page_box = QSpinBox(self, minimum=1, maximum=1, keyboardTracking=False)
        self.page_box.setButtonSymbols(QSpinBox.ButtonSymbols.NoButtons)
        self.page_box.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.page_box.setFixedWidth(52)
        self.page_box.valueChanged.connect(lambda value: self._jump(value - 1, None))
        self.page_total = QLabel(" / 0 ", self)
        self._action("Go to page", None, ["Ctrl+G", "Ctrl+L"], self.focus_page_box)  # Okular's and Evince's keys
        zoom_out = self._action("Zoom out", _icon(self, "zoom-out", None),
                                ["Ctrl+-", QKeySequence.StandardKey.ZoomOut], self.view.zoom_out)
        zoom_in = self._action("Zoom in", _icon(self, "zoom-in", None),
                               ["Ctrl++", QKeySequence.StandardKey.ZoomIn, "Ctrl+="], self.view.zoom_in)
        self._action("Actual size", None, ["Ctrl+0"], lambda: self.view.set_zoom(1.0))
        self.zoom_box = QComboBox(self, editable=True)
        self.zoom_box.addItems([FIT_WIDTH, FIT_PAGE] + [f"{round(z * 100)}%" for z in ZOOM_STEPS])
        self.zoom_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.zoom_box.setMinimumContentsLength(8)
        self.zoom_box.textActivated.connect(self._zoom_text)
        self.find_action = self._action("Find", _icon(self, "edit-find", sp.SP_FileDialogContentsView),
                                        [QKeySequence.StandardKey.Find], self.show_find)
        self.dark_action = self._action("Dark pages", _icon(self, "weather-clear-night", None), [],
                                        self.view.set_dark, checkable=True)
        self.dark_action.setToolTip("Dark reading mode: dark pages, light text, figures unchanged")
        for item in (self.sidebar_action, None, self.back_action, previous, following, self.page_box, self.page_total,
                     None, zoom_out, self.zoom_box, zoom_in):
            if item is None:
                bar.addSeparator()
            elif isinstance(item, QAction):
                bar.addAction(item)
            else:
                bar.addWidget(item)
        self.right_toolbar = right = QToolBar(self)
        right.setIconSize(bar.iconSize())
        right.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        right.addAction(self.find_action)
        right.addAction(self.dark_action)
        # the page box and zoom never go behind the toolbar's "»": the tools on the right give way first
        bar.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        right.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Preferred)
        strip = QWidget(self)
        row = QHBoxLayout(strip)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(bar)
        row.addStretch(1)
        row.addWidget(right)
        return strip

    def _on_page_changed(self, page: int) -> None:
        self.page_box.blockSignals(True)
        self.page_box.setValue(page + 1)
        self.page_box.blockSignals(False)

    def _on_zoom_changed(self, zoom: float) -> None:
        mode = {"width": FIT_WIDTH, "page": FIT_PAGE}.get(self.view.fit_mode or "")
        self.zoom_box.setEditText(mode or f"{round(zoom * 100)}%")

    def _zoom_text(self, text: str) -> None:
        if text == FIT_WIDTH:
            self.view.set_fit_mode("width")
        elif text == FIT_PAGE:
            self.view.set_fit_mode("page")
        else:
            try:
                self.view.set_zoom(float(text.strip().rstrip("%")) / 100)
            except ValueError:
                self._on_zoom_changed(self.zoom())
        self.view.setFocus()

    def focus_page_box(self) -> None:
        self.page_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.page_box.selectAll()


_ICONS: dict[tuple[str, str], QIcon | None] = {}  # looked up once, not for every tab (a new tab's first page waits)


def _icon(widget: QWidget, theme: str, fallback: QStyle.StandardPixmap | None) -> QIcon | None:
    """The desktop theme's icon; else Qt's closest standard one; else none (the action shows its text)."""
    key = (theme, widget.style().name())
    if key not in _ICONS:
        if QIcon.hasThemeIcon(theme):
            _ICONS[key] = QIcon.fromTheme(theme)
        else:
            _ICONS[key] = widget.style().standardIcon(fallback) if fallback is not None else None
    return _ICONS[key]
