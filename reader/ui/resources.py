"""Icons shipped in ``resources/``, with the platform theme as fallback."""

from __future__ import annotations

from PySide6.QtGui import QIcon

from reader.paths import resources_dir


def app_icon() -> QIcon:
    icons = resources_dir() / "icons"
    icon = QIcon()
    for png in sorted((icons / "hicolor").glob("*/apps/reading-list.png")):
        icon.addFile(str(png))
    svg = icons / "reading-list.svg"
    if icon.isNull() and svg.exists():
        icon.addFile(str(svg))
    return icon if not icon.isNull() else QIcon.fromTheme("accessories-dictionary")
