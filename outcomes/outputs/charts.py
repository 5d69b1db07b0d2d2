"""Trend charts (plotly figures, no Streamlit): the same figure serves the page and the pack.

A reader must be able to tell the status of every point without colour: each status has its
own marker shape and its word in the legend and the hover text.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go

from outcomes.rules import status, wording
from outcomes.rules.wording import format_value

INK = "#1F2328"
TARGET_COLOUR = "#004488"
BASELINE_COLOUR = "#6B6B6B"
BAND_FILL = "rgba(240, 176, 0, 0.22)"
AREA_COLOURS = ("#004488", "#BB5566", "#DDAA33", "#000000", "#6699CC")


def _band_edges(targets: pd.Series, indicator: dict[str, Any]) -> pd.Series:
    """Where amber ends: the tolerance band sits on the worse side of the target."""
    widths = [
        None
        if pd.isna(t)
        else status.tolerance_band(
            float(t), _opt(indicator.get("tolerance")), indicator["tolerance_kind"]
        )
        for t in targets
    ]
    sign = -1 if indicator["polarity"] == "higher" else 1
    return pd.Series(
        [None if w is None else t + sign * w for t, w in zip(targets, widths, strict=True)],
        index=targets.index,
    )


def _marker(state: str) -> dict[str, Any]:
    style = status.style(state)
    if state == status.NOT_RATED:
        # An open circle is drawn in its marker colour, so it needs a dark one to show.
        return {
            "symbol": style.marker,
            "size": 13,
            "color": BASELINE_COLOUR,
            "line": {"width": 2.5},
        }
    return {
        "symbol": style.marker,
        "size": 13,
        "color": style.colour,
        "line": {"color": INK, "width": 1.2},
    }


def base_layout(height: int, font_size: int) -> dict[str, Any]:
    """What every chart shares (these and the SPC ones): white ground, large type, legend on top."""
    return {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 10, "b": 10},
        "font": {"size": font_size, "color": INK},
        "plot_bgcolor": "#FFFFFF",
        "paper_bgcolor": "#FFFFFF",
        "legend": {
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.02,
            "xanchor": "left",
            "x": 0,
            "font": {"size": font_size - 2},
        },
        "hovermode": "closest",
    }


def time_axis(x: list[str]) -> dict[str, Any]:
    """The periods along the bottom: a few level labels ("Q3 22/23") that a board member reads
    at a glance; where the chart is too narrow for them side by side (a phone), plotly stands
    them on end rather than running them together."""
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": x,
        "showgrid": False,
        "autotickangles": [0, 90],
        "nticks": 6,
        "automargin": True,
    }


def _layout(height: int, font_size: int, x: list[str]) -> dict[str, Any]:
    return {**base_layout(height, font_size), "xaxis": time_axis(x)}


def _line(fig: go.Figure, x, y, name: str, line: dict[str, Any], **more: Any) -> None:
    fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line=line, name=name, **more))


def _opt(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def trend(
    history: pd.DataFrame, indicator: dict[str, Any], *, height: int = 380, font_size: int = 15
) -> go.Figure:
    """An indicator's history: values marked by status, target with its amber band, baseline."""
    unit, decimals = indicator["unit"], int(indicator.get("decimals") or 0)
    fig = go.Figure()
    x = list(history["label"]) if not history.empty else []
    has_target = (
        indicator["status_method"] == "target" and history["target"].notna().any()
        if not history.empty
        else False
    )
    if has_target and indicator["polarity"] != "none":
        edges = _band_edges(history["target"], indicator)
        target = {"color": TARGET_COLOUR, "width": 2.5, "dash": "dash", "shape": "hv"}
        _line(
            fig, x, history["target"], "Target", target, hovertemplate="Target %{y}<extra></extra>"
        )
        _line(
            fig, x, edges, "Amber tolerance band", {"width": 0, "shape": "hv"},
            fill="tonexty", fillcolor=BAND_FILL, hoverinfo="skip",
        )  # fmt: skip
    elif has_target:
        _line(fig, x, history["target"], "Target", {"color": TARGET_COLOUR, "dash": "dash"})
    baseline = _opt(indicator.get("baseline_value"))
    if baseline is not None and x:
        label = f"Baseline {format_value(baseline, unit, decimals)}"
        if indicator.get("baseline_period"):
            label += f" ({wording.period_short(indicator['baseline_period'])})"
        style = {"color": BASELINE_COLOUR, "width": 2, "dash": "dot"}
        _line(fig, [x[0], x[-1]], [baseline, baseline], label, style, hoverinfo="skip")
    if x:
        _line(
            fig, x, history["value"], "Figure", {"color": INK, "width": 2},
            showlegend=False, hoverinfo="skip", connectgaps=False,
        )  # fmt: skip
    for st_name in status.STATUSES:
        points = history[history["status"] == st_name] if not history.empty else history
        if points.empty or points["value"].isna().all():
            continue
        style = status.style(st_name)
        hover = [
            f"{lab}: {format_value(v, unit, decimals)}<br>{style.symbol} {style.word}: {reason}"
            for lab, v, reason in zip(
                points["label"], points["value"], points["reason"], strict=True
            )
        ]
        fig.add_trace(
            go.Scatter(
                x=list(points["label"]),
                y=points["value"],
                mode="markers",
                name=f"{style.symbol} {style.word}",
                marker=_marker(st_name),
                hovertext=hover,
                hoverinfo="text",
            )
        )
    suffix = "%" if unit == "percent" else ""
    fig.update_layout(
        **_layout(height, font_size, x),
        yaxis={
            "gridcolor": "#E5E7EB",
            "zeroline": False,
            "ticksuffix": suffix,
            "rangemode": "tozero" if unit == "count" else "normal",
        },
    )
    return fig


def areas(
    area_history: pd.DataFrame, indicator: dict[str, Any], *, height: int = 340, font_size: int = 15
) -> go.Figure:
    """One line per area, each with its own dash pattern as well as colour."""
    fig = go.Figure()
    dashes = ("solid", "dash", "dot", "dashdot", "longdash")
    for i, (name, rows) in enumerate(area_history.groupby("area", sort=False)):
        fig.add_trace(
            go.Scatter(
                x=rows["label"],
                y=rows["value"],
                mode="lines+markers",
                name=name,
                line={
                    "color": AREA_COLOURS[i % len(AREA_COLOURS)],
                    "dash": dashes[i % len(dashes)],
                    "width": 2.5,
                },
            )
        )
    x = list(dict.fromkeys(area_history["label"]))
    fig.update_layout(
        **_layout(height, font_size, x), yaxis={"gridcolor": "#E5E7EB", "rangemode": "tozero"}
    )
    return fig
