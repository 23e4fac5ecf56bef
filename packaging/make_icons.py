"""Regenerate the app icon rasters from the SVG masters in resources/icons/.

Run from the repository root:  python packaging/make_icons.py

The PNG sizes are rendered by Qt, the same renderer the app uses, so what ships
matches what the window shows. Pillow is needed only for the .ico/.icns
containers; it is a tool for this script, never a runtime dependency of the app.
Sizes up to SMALL_MAX use a simplified master because a detailed page turns to
mush at 16 px.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "resources" / "icons"
NAME = "reading-list"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)
SMALL_MAX = 16


def render(size: int) -> QImage:
    master = ICONS / (f"{NAME}-small.svg" if size <= SMALL_MAX else f"{NAME}.svg")
    renderer = QSvgRenderer(str(master))
    if not renderer.isValid():
        raise SystemExit(f"cannot parse {master}")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    rendered: dict[int, bytes] = {}
    for size in sorted(set(SIZES) | set(ICO_SIZES) | set(ICNS_SIZES)):
        rendered[size] = png_bytes(render(size))
    for size in SIZES:
        target = ICONS / "hicolor" / f"{size}x{size}" / "apps" / f"{NAME}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(rendered[size])
        print(target.relative_to(ROOT))

    try:
        from PIL import Image
    except ImportError:
        print("Pillow not installed: skipped .ico/.icns (pip install Pillow to make them)", file=sys.stderr)
        return 0

    def pil(size: int) -> Image.Image:
        return Image.open(io.BytesIO(rendered[size])).convert("RGBA")

    ico = ICONS / f"{NAME}.ico"
    largest = pil(max(ICO_SIZES))
    largest.save(ico, format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                 append_images=[pil(s) for s in ICO_SIZES if s != max(ICO_SIZES)])
    print(ico.relative_to(ROOT))

    icns = ICONS / f"{NAME}.icns"
    pil(max(ICNS_SIZES)).save(icns, format="ICNS",
                              append_images=[pil(s) for s in ICNS_SIZES if s != max(ICNS_SIZES)])
    print(icns.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
