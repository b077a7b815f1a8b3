"""Charts (グラフ) of the published tables, drawn server-side with matplotlib and the IPAex Gothic font that the
japanize-matplotlib package carries, so Japanese labels never fall back to tofu boxes. They show only what the
tables publish: a suppressed cell is drawn as 秘匿, never as its value."""

from __future__ import annotations

import io
import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import matplotlib

matplotlib.use("Agg")

import japanize_matplotlib
from matplotlib import font_manager
from matplotlib.figure import Figure

from analytics.tables.disclosure import TOTAL

ChartFormat = Literal["png", "svg"]
FONT_FAMILY = "IPAexGothic"
_drawing = threading.Lock()  # matplotlib's font cache and rcParams are process-wide


RENDERED_KEPT = 128
"""Charts kept drawn: the same figures ask for the same image, and matplotlib takes 100–300 ms to draw one."""
_rendered: OrderedDict[str, bytes] = OrderedDict()
_rendered_lock = threading.Lock()


def rendered(draw: Callable[..., bytes], *arguments: Any) -> bytes:
    """`draw(*arguments)`, or the image it drew before for the same arguments (titles, labels and every value —
    new figures, a different suppression or another year make another key)."""
    key = f"{draw.__name__}:{arguments!r}"
    with _rendered_lock:
        if (image := _rendered.get(key)) is not None:
            _rendered.move_to_end(key)
            return image
    image = draw(*arguments)
    with _rendered_lock:
        _rendered[key] = image
        while len(_rendered) > RENDERED_KEPT:
            _rendered.popitem(last=False)
    return image


def japanese_font_path() -> str:
    """The font file matplotlib uses for Japanese text; raises if the IPAex font is missing."""
    path: str = font_manager.findfont(FONT_FAMILY, fallback_to_default=False)
    return path


def _new_figure(width: float, height: float) -> Figure:
    figure = Figure(figsize=(width, height), dpi=100)
    return figure


def _save(figure: Figure, fmt: ChartFormat) -> bytes:
    buffer = io.BytesIO()
    # svg.fonttype "none" keeps the Japanese as text in the SVG (searchable, and checkable in tests).
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": FONT_FAMILY}):
        figure.savefig(buffer, format=fmt, bbox_inches="tight")
    return buffer.getvalue()


def heat_map(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    suppressed: Sequence[Sequence[bool]],
    colorbar_label: str,
    fmt: ChartFormat,
) -> bytes:
    with _drawing, matplotlib.rc_context({"font.family": FONT_FAMILY}):
        figure = _new_figure(8, 4.8)
        axes = figure.add_subplot()
        grid = [[math.nan if value is None else value for value in row] for row in values]
        image = axes.imshow(grid, cmap="YlGnBu", aspect="auto")
        axes.set_xticks(range(len(columns)), labels=list(columns))
        axes.set_yticks(range(len(rows)), labels=list(rows))
        shown = [value for row in values for value in row if value is not None]
        middle = (min(shown) + max(shown)) / 2 if shown else 0.0
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                text = "秘匿" if suppressed[i][j] else ("—" if value is None else f"{value:g}")
                color = "white" if value is not None and value > middle else "black"
                axes.text(j, i, text, ha="center", va="center", color=color, fontsize=10)
        axes.set_title(title)
        figure.colorbar(image, ax=axes, label=colorbar_label)
        return _save(figure, fmt)


def bar_chart(
    title: str, labels: Sequence[str], values: Sequence[float | None], value_label: str, fmt: ChartFormat
) -> bytes:
    with _drawing, matplotlib.rc_context({"font.family": FONT_FAMILY}):
        figure = _new_figure(8, 4.8)
        axes = figure.add_subplot()
        shown = [0.0 if value is None else value for value in values]
        bars = axes.barh(list(labels), shown, color="#3b7dd8")
        for bar, value in zip(bars, values, strict=True):
            note = "秘匿または該当なし" if value is None else f"{value:g}"
            axes.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f" {note}", va="center", fontsize=9)
        axes.invert_yaxis()
        axes.set_xlabel(value_label)
        axes.set_title(title)
        return _save(figure, fmt)


def line_chart(
    title: str,
    x_labels: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    value_label: str,
    fmt: ChartFormat,
) -> bytes:
    with _drawing, matplotlib.rc_context({"font.family": FONT_FAMILY}):
        figure = _new_figure(8, 4.8)
        axes = figure.add_subplot()
        for name, values in series.items():
            axes.plot(list(x_labels), [math.nan if v is None else v for v in values], marker="o", label=name)
        axes.set_ylabel(value_label)
        axes.set_title(title)
        if series:
            axes.legend()
        axes.grid(alpha=0.3)
        return _save(figure, fmt)


def pick(rows: Sequence[dict[str, Any]], **dims: str | int) -> dict[str, Any] | None:
    for row in rows:
        if all(row.get(name) == value for name, value in dims.items()):
            return row
    return None


__all__ = ["TOTAL", "bar_chart", "heat_map", "japanese_font_path", "japanize_matplotlib", "line_chart", "pick"]
