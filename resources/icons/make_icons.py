"""Draw Workbench's icons with Qt: the app icon and the project-file (.wbproj) icon.

Run from the repository root (offscreen is fine): ``python resources/icons/make_icons.py``.
Writes ``workbench.png``/``workbench.ico`` (the app) and ``project.png``/``project.ico`` (a
document with the app's mark) beside this script. The ``.ico`` files hold PNG images at the
sizes Windows asks for (16-256 px); they are written by hand so no imaging library is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPainterPath, QPen

HERE = Path(__file__).resolve().parent
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
BLUE = QColor("#1f5fa8")
GREEN = QColor("#2e9d5b")
ORANGE = QColor("#f0a030")
PAPER = QColor("#ffffff")
FOLD = QColor("#c9d6e6")


def _draw_mark(p: QPainter, box: QRectF) -> None:
    """Three rising bars and a trend line: data turned into an improvement."""
    w, h = box.width(), box.height()
    bar_w = w * 0.2
    gap = w * 0.1
    heights = (0.35, 0.55, 0.8)
    colours = (BLUE.lighter(150), BLUE.lighter(120), GREEN)
    for i, (frac, colour) in enumerate(zip(heights, colours, strict=True)):
        x = box.left() + gap + i * (bar_w + gap)
        p.fillRect(QRectF(x, box.bottom() - h * frac, bar_w, h * frac), colour)
    pen = QPen(ORANGE, max(1.0, w * 0.07), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    p.setPen(pen)
    p.drawLine(
        QPointF(box.left() + gap, box.bottom() - h * 0.45),
        QPointF(box.right() - gap * 0.5, box.top() + h * 0.08),
    )


def draw_app(size: int) -> QImage:
    """The app icon: the mark on a rounded blue tile."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    m = size * 0.04
    tile = QRectF(m, m, size - 2 * m, size - 2 * m)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(BLUE)
    p.drawRoundedRect(tile, size * 0.18, size * 0.18)
    inner = tile.adjusted(size * 0.14, size * 0.16, -size * 0.14, -size * 0.14)
    p.setBrush(PAPER)
    p.drawRoundedRect(inner.adjusted(-size * 0.04, -size * 0.04, size * 0.04, size * 0.04), 4, 4)
    _draw_mark(p, inner)
    p.end()
    return img


def draw_project(size: int) -> QImage:
    """The project-file icon: a page with a folded corner carrying the mark."""
    img = QImage(size, size, QImage.Format.Format_ARGB32)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    left, top, right, bottom = size * 0.14, size * 0.04, size * 0.86, size * 0.96
    fold = size * 0.2
    page = QPainterPath()
    page.moveTo(left, top)
    page.lineTo(right - fold, top)
    page.lineTo(right, top + fold)
    page.lineTo(right, bottom)
    page.lineTo(left, bottom)
    page.closeSubpath()
    p.setPen(QPen(BLUE, max(1.0, size / 32)))
    p.setBrush(PAPER)
    p.drawPath(page)
    corner = QPainterPath()
    corner.moveTo(right - fold, top)
    corner.lineTo(right - fold, top + fold)
    corner.lineTo(right, top + fold)
    corner.closeSubpath()
    p.setBrush(FOLD)
    p.drawPath(corner)
    p.setPen(Qt.PenStyle.NoPen)
    _draw_mark(
        p, QRectF(left + size * 0.08, top + size * 0.3, right - left - size * 0.16, size * 0.5)
    )
    p.end()
    return img


def png_bytes(img: QImage) -> bytes:
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    return bytes(data.data())


def write_ico(
    path: Path, draw: Callable[[int], QImage], sizes: tuple[int, ...] = ICO_SIZES
) -> None:
    """An .ico of PNG images (ICONDIR + one ICONDIRENTRY per size + the PNG data)."""
    images = [png_bytes(draw(s)) for s in sizes]
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(images)
    entries = b""
    for size, data in zip(sizes, images, strict=True):
        dim = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    path.write_bytes(header + entries + b"".join(images))


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    for name, draw in (("workbench", draw_app), ("project", draw_project)):
        draw(256).save(str(HERE / f"{name}.png"), "PNG")
        write_ico(HERE / f"{name}.ico", draw)
        print(f"wrote {name}.png and {name}.ico")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
