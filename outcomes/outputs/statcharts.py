"""Charts for signal and noise (plotly, no Streamlit): the SPC chart, the caterpillar chart of a
comparator group, and the funnel plot. The same figures serve the pages and the pack.

Special causes are marked by symbol as well as colour (improvement a filled triangle, concern
a filled square, neither a diamond, common cause a small grey circle), so the chart reads in
black and white.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from outcomes.outputs.charts import base_layout, time_axis
from outcomes.rules import compare, spc, wording
from outcomes.rules.wording import format_value

INK = "#1F2328"
MEAN_COLOUR = "#1F2328"
LIMIT_COLOUR = "#6B6B6B"
CAUSES = {  # special cause -> (legend words, marker symbol, colour); MDC's palette
    spc.IMPROVEMENT: ("Special cause: improvement", "triangle-up", "#0072B2"),
    spc.CONCERN: ("Special cause: concern", "square", "#D55E00"),
    spc.NEITHER: ("Special cause (no judgement)", "diamond", spc.PURPLE),
    None: ("Common cause", "circle", "#8C8C8C"),
}
COMPARED_STYLE = {  # Fingertips' judgement -> (marker symbol, colour)
    compare.BETTER: ("triangle-up", "#0072B2"),
    compare.SIMILAR: ("circle", "#8C8C8C"),
    compare.WORSE: ("square", "#D55E00"),
    compare.HIGHER: ("triangle-up", spc.PURPLE),
    compare.LOWER: ("triangle-down", spc.PURPLE),
    compare.NOT_COMPARED: ("x-thin-open", "#8C8C8C"),
}


def _label(period: str) -> str:
    try:
        return wording.period_tick(period)
    except Exception:  # series periods without a short form keep their code
        return period


def spc_chart(
    chart: spc.Chart, unit: str = "count", decimals: int = 1, *, height: int = 380,
    font_size: int = 15,
) -> go.Figure:  # fmt: skip
    """The XmR chart: figures joined by a line, the mean, the process limits (dashed) and the
    two-sigma lines (dotted), special causes marked; ghosted figures drawn hollow."""
    fig = go.Figure()
    x = [_label(p.period) for p in chart.points]
    values = [p.value for p in chart.points]

    def line(attr: str, name: str, style: dict, hover: bool = True, legend: bool = True) -> None:
        ys = [getattr(p, attr) for p in chart.points]
        if all(y is None for y in ys):
            return
        fig.add_trace(go.Scatter(
            x=x, y=ys, mode="lines", name=name, line={"shape": "hv", **style},
            hovertemplate=f"{name} %{{y:.{decimals}f}}<extra></extra>" if hover else None,
            hoverinfo=None if hover else "skip", connectgaps=False, showlegend=legend,
        ))  # fmt: skip

    line("upper_limit", "Process limits", {"color": LIMIT_COLOUR, "width": 2, "dash": "dash"})
    line("lower_limit", "Lower process limit", {"color": LIMIT_COLOUR, "width": 2, "dash": "dash"},
         legend=False)  # fmt: skip
    line("upper_two_sigma", "Two sigma", {"color": LIMIT_COLOUR, "width": 1, "dash": "dot"}, False)
    line("lower_two_sigma", "Lower two sigma", {"color": LIMIT_COLOUR, "width": 1, "dash": "dot"},
         False, legend=False)  # fmt: skip
    line("mean", "Mean", {"color": MEAN_COLOUR, "width": 2})
    if chart.target is not None and chart.polarity in ("higher", "lower"):
        # Each period's own target, stepping where a trajectory changes it, as the trend chart
        # draws it; a chart whose points carry none draws the latest target flat.
        targets = [p.target for p in chart.points]
        if all(t is None for t in targets):
            targets = [chart.target] * len(x)
        fig.add_trace(go.Scatter(
            x=x, y=targets, mode="lines", name="Target",
            line={"color": "#004488", "width": 2, "dash": "longdash", "shape": "hv"},
            hovertemplate=f"Target %{{y:.{decimals}f}}<extra></extra>", connectgaps=False,
        ))  # fmt: skip
    fig.add_trace(go.Scatter(
        x=x, y=values, mode="lines", line={"color": INK, "width": 1.5}, showlegend=False,
        hoverinfo="skip", connectgaps=False,
    ))  # fmt: skip
    for cause, (words, symbol, colour) in CAUSES.items():
        pts = [
            (lab, p) for lab, p in zip(x, chart.points, strict=True)
            if p.value is not None and not p.ghosted and p.special_cause == cause
        ]  # fmt: skip
        if not pts:
            continue
        hover = [
            f"{lab}: {format_value(p.value, unit, decimals)}<br>{words}"
            + ("".join(f"<br>· {spc.RULE_WORDS[r]}" for r in p.rules))
            for lab, p in pts
        ]
        fig.add_trace(go.Scatter(
            x=[lab for lab, _ in pts], y=[p.value for _, p in pts], mode="markers", name=words,
            marker={"symbol": symbol, "size": 12 if cause else 8, "color": colour,
                    "line": {"color": INK, "width": 1 if cause else 0}},
            hovertext=hover, hoverinfo="text",
        ))  # fmt: skip
    ghosts = [(lab, p) for lab, p in zip(x, chart.points, strict=True) if p.ghosted]
    if ghosts:
        fig.add_trace(go.Scatter(
            x=[lab for lab, _ in ghosts], y=[p.value for _, p in ghosts], mode="markers",
            name="Left out of the calculation",
            marker={"symbol": "circle-open", "size": 12, "color": INK, "line": {"width": 2}},
            hovertext=[f"{lab}: left out: {p.ghosted}" for lab, p in ghosts], hoverinfo="text",
        ))  # fmt: skip
    for lab, p in zip(x, chart.points, strict=True):
        if p.recalculated:
            fig.add_vline(x=lab, line={"color": LIMIT_COLOUR, "width": 1, "dash": "dot"})
    fig.update_layout(
        **base_layout(height, font_size),
        xaxis=time_axis(x),
        yaxis={"gridcolor": "#E5E7EB", "zeroline": False,
               "ticksuffix": "%" if unit == "percent" else ""},
    )  # fmt: skip
    return fig


def caterpillar(result, *, height: int | None = None, font_size: int = 14) -> go.Figure:
    """Each area's figure with its 95% (thick) and 99.8% (thin) intervals, sorted, beside the
    benchmark (and the group's pooled figure); our area in bold."""
    rows = sorted((r for r in result.rows if r.value is not None), key=lambda r: r.value)
    names = [f"<b>{r.name}</b>" if r.area == result.us else r.name for r in rows]
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=[r.value for r in rows], y=names, mode="markers", showlegend=False, hoverinfo="skip",
        error_x={"type": "data", "symmetric": False, "thickness": 1, "width": 0,
                 "color": LIMIT_COLOUR,
                 "array": [r.upper_998 - r.value for r in rows],
                 "arrayminus": [r.value - r.lower_998 for r in rows]},
        marker={"size": 1, "color": LIMIT_COLOUR},
    ))  # fmt: skip
    for verdict, (symbol, colour) in COMPARED_STYLE.items():
        own = [(n, r) for n, r in zip(names, rows, strict=True) if r.compared == verdict]
        if not own:
            continue
        fig.add_trace(go.Scatter(
            x=[r.value for _, r in own], y=[n for n, _ in own], mode="markers",
            name=compare.COMPARED_WORDS[verdict],
            error_x={"type": "data", "symmetric": False, "thickness": 4, "width": 0,
                     "color": colour,
                     "array": [r.upper_95 - r.value for _, r in own],
                     "arrayminus": [r.value - r.lower_95 for _, r in own]},
            marker={"symbol": symbol, "size": 12, "color": colour,
                    "line": {"color": INK, "width": 1}},
            hovertext=[f"{r.name}: {r.value:,.1f} (95% {r.lower_95:,.1f} to {r.upper_95:,.1f};"
                       f" 99.8% {r.lower_998:,.1f} to {r.upper_998:,.1f})<br>"
                       f"{compare.COMPARED_WORDS[r.compared]} than {result.benchmark_name}"
                       for _, r in own],
            hoverinfo="text",
        ))  # fmt: skip
    if result.benchmark_value is not None:
        fig.add_vline(x=result.benchmark_value, line={"color": INK, "width": 2, "dash": "dash"},
                      annotation_text=f"{result.benchmark_name} {result.benchmark_value:,.1f}",
                      annotation_position="top")  # fmt: skip
    if result.group_value is not None and result.benchmark_name != "All areas":
        fig.add_vline(x=result.group_value, line={"color": "#004488", "width": 2, "dash": "dot"},
                      annotation_text=f"Group {result.group_value:,.1f}",
                      annotation_position="bottom")  # fmt: skip
    layout = base_layout(height or max(280, 34 * len(rows) + 120), font_size)
    # The legend goes underneath: above, it collides with the benchmark's label.
    layout["legend"].update({"y": -0.14, "yanchor": "top"})
    layout["margin"].update({"t": 30, "b": 60})
    fig.update_layout(**layout, yaxis={"automargin": True},
                      xaxis={"gridcolor": "#E5E7EB", "zeroline": False})  # fmt: skip
    return fig


def funnel_plot(result, limits: pd.DataFrame, *, height: int = 420, font_size: int = 14
                ) -> go.Figure:  # fmt: skip
    """Each area's figure against its denominator, inside the funnel of 95% and 99.8% limits
    around the benchmark: a point outside the funnel is unlikely to be chance."""
    fig = go.Figure()
    if not limits.empty:
        for tag, dash, words in (("998", "dash", "99.8% limits"), ("95", "dot", "95% limits")):
            for side in ("upper", "lower"):
                fig.add_trace(go.Scatter(
                    x=limits["denominator"], y=limits[f"{side}_{tag}"], mode="lines",
                    name=words, showlegend=side == "upper", legendgroup=tag, hoverinfo="skip",
                    line={"color": LIMIT_COLOUR, "dash": dash, "width": 1.5},
                ))  # fmt: skip
        fig.add_trace(go.Scatter(
            x=limits["denominator"], y=[result.benchmark_value] * len(limits), mode="lines",
            name=f"{result.benchmark_name} {result.benchmark_value:,.1f}", hoverinfo="skip",
            line={"color": INK, "width": 2},
        ))  # fmt: skip
    rows = [r for r in result.rows if r.value is not None and r.denominator]
    for verdict, (symbol, colour) in COMPARED_STYLE.items():
        own = [r for r in rows if r.compared == verdict]
        if not own:
            continue
        fig.add_trace(go.Scatter(
            x=[r.denominator for r in own], y=[r.value for r in own], mode="markers",
            name=compare.COMPARED_WORDS[verdict],
            marker={"symbol": symbol, "size": [15 if r.area == result.us else 10 for r in own],
                    "color": colour, "line": {"color": INK, "width": 1}},
            hovertext=[f"{r.name}: {r.value:,.1f} (denominator {r.denominator:,.0f})"
                       for r in own],
            hoverinfo="text",
        ))  # fmt: skip
    fig.update_layout(**base_layout(height, font_size),
                      xaxis={"title": "Denominator (size of the area)", "type": "log",
                             "gridcolor": "#E5E7EB"},
                      yaxis={"gridcolor": "#E5E7EB", "zeroline": False})  # fmt: skip
    return fig
