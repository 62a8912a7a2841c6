"""The pages' frame and tables: one self-contained HTML file per page, styles inline."""

from __future__ import annotations

from collections.abc import Sequence

from kvmlist._html import escape

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{background:#243b53;color:#fff;padding:.6em 1.2em}
header a{color:#dbe7f3;margin-right:1.2em;text-decoration:none}
header b{margin-right:2em}
main{padding:1em 1.2em;max-width:1200px}
table{border-collapse:collapse;font-size:90%;margin:.6em 0 1.4em}
th,td{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
th{background:#eef2f6}
td.n{text-align:right;font-variant-numeric:tabular-nums}
pre{background:#fff;border:1px solid #ddd;padding:.8em;overflow-x:auto;font-size:85%}
.chart{width:100%;max-width:760px;background:#fff;border:1px solid #ddd;margin:.4em 0}
.chart-title{font-size:13px;font-weight:bold}
.axis{font-size:11px;fill:#555}
.status{padding:0 .4em;border-radius:3px;font-size:85%}
.landed{background:#c6efce}.applied{background:#d9ead3}.superseded{background:#eee;color:#777}
.reviewed{background:#fff2cc}.new{background:#fde2e1}
.note{color:#555;font-size:90%}
"""

#: (file, title) of the top-level pages, in navigation order.
PAGES = (
    ("index.html", "Overview"),
    ("series.html", "Series"),
    ("people.html", "People"),
    ("stalled.html", "Stalled"),
    ("pulls.html", "Pulls"),
    ("weeks.html", "Weeks"),
)


def page(title: str, body: str, *, list_name: str, depth: int = 0) -> str:
    """Return a whole HTML page: the navigation bar, the title and the body."""
    up = "../" * depth
    nav = "".join(f'<a href="{up}{file}">{escape(name)}</a>' for file, name in PAGES)
    name = text(list_name or "Mailing list")  # a List-Id may say it
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · {name}</title><style>{STYLE}</style></head>"
        f"<body><header><b>{name}</b>{nav}</header><main><h1>{escape(title)}</h1>"
        f"{body}</main></body></html>\n"
    )


def table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = ()
) -> str:
    """Return a table; cells are HTML already (escape text with ``text``)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{cell}</td>' if at in numeric else f"<td>{cell}</td>"
            for at, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def text(value: object) -> str:
    """Return a value as HTML text (:func:`kvmlist._html.escape`: a bidi override or control
    character written as an escape); None shows as a dash."""
    return "–" if value is None else escape(str(value))


def link(href: str, label: object) -> str:
    """Return an anchor; external links open as usual (no script, nothing loaded)."""
    return f'<a href="{escape(href)}">{text(label)}</a>' if href else text(label)
