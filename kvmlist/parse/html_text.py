"""The text a browser shows of an HTML mail part, for a mail that holds no text/plain part.

Tags are dropped, entities unescaped, whitespace runs read as one space; ``<br>`` ends a line
and a block (``<p>``, ``<div>``, ...) stands on lines of its own; ``<pre>`` text is kept as
written; a ``<blockquote>`` (a quoted mail) is quoted ``> `` as a plain-text reply quotes it;
comments, ``<style>`` and ``<script>`` are dropped. One pass of regex searches that each end
at the next ``<`` or at a literal end: linear on any markup (the stdlib's html.parser takes
minutes on 300 kB of ``<a `` on Python 3.11).
"""

from __future__ import annotations

import html
import re

# <div class="x">  </P>  <br/>   (a tag: its name then a blank, "/" or ">": "<bob@x.org>" is text)
RE_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]{0,30})(?=[\s/>])[^<>]*>|<[!?][^<>]*>")
# </style >   (the end of an element whose content is no text)
RE_RAW_END = {
    name: re.compile(rf"</{name}\s*>", re.IGNORECASE) for name in ("style", "script", "title")
}
# "  \n\t "   (a whitespace run outside <pre>: one space)
RE_BLANKS = re.compile(r"[ \t\r\n\f]+")

#: Elements that stand on lines of their own.
BLOCKS = frozenset(
    [
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "pre",
        "blockquote",
        "body",
    ]
)

#: Quotes nested deeper than this are quoted this deep (the marks of a line stay short).
MAX_QUOTE = 20


class _Text:
    """The lines read so far, and the line being read."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.line: list[str] = []
        self.quote = 0  # <blockquote> depth
        self.verbatim = False  # the line holds <pre> text: its blanks are kept

    def write(self, text: str, pre: bool) -> None:
        if pre:
            first, *rest = text.split("\n")
            self.line.append(first)
            self.verbatim = self.verbatim or bool(first)
            for part in rest:
                self.end_line(blank=True)
                self.line.append(part)
                self.verbatim = True
        elif text:
            self.line.append(text)

    def end_line(self, blank: bool = False) -> None:
        """End the line; an empty one only when blank (a ``<br>``, a ``<pre>`` line)."""
        text = "".join(self.line)
        if not self.verbatim:  # entities after the blanks: "&nbsp;" stays a space
            text = RE_BLANKS.sub(" ", text).strip(" ")
        text = html.unescape(text).replace("\xa0", " ")
        self.line, self.verbatim = [], False
        if text or blank:
            marks = ">" * self.quote
            self.lines.append(f"{marks} {text}" if marks and text else marks + text)

    def block(self) -> None:
        """Start or end a block: the line ends, and one blank line parts paragraphs."""
        self.end_line()
        if self.lines and self.lines[-1] != ">" * self.quote:
            self.lines.append(">" * self.quote)


def html_text(markup: str) -> str:
    """Return the text a browser shows of an HTML part (see the module docstring)."""
    out = _Text()
    pre = 0
    pos = 0
    while (at := markup.find("<", pos)) >= 0:
        out.write(markup[pos:at], pre > 0)
        if markup.startswith("<!--", at):
            end = markup.find("-->", at + 4)
            pos = len(markup) if end < 0 else end + 3
            continue
        tag = RE_TAG.match(markup, at)
        if tag is None:  # a "<" that opens no tag: text
            out.write("<", pre > 0)
            pos = at + 1
            continue
        pos = tag.end()
        closing, name = tag.group(1), (tag.group(2) or "").lower()
        if name in RE_RAW_END and not closing:
            raw_end = RE_RAW_END[name].search(markup, pos)
            pos = len(markup) if raw_end is None else raw_end.end()
        elif name == "br":
            out.end_line(blank=True)
        elif name in BLOCKS:
            out.end_line()
            if name == "blockquote" and closing:
                out.quote = max(out.quote - 1, 0)
            if name in ("p", "blockquote"):
                out.block()  # at the quote depth outside the quote
            if name == "blockquote" and not closing:
                out.quote = min(out.quote + 1, MAX_QUOTE)
            elif name == "pre":
                pre = max(pre - 1, 0) if closing else pre + 1
    out.write(markup[pos:], pre > 0)
    out.end_line()
    return "\n".join(out.lines).strip("\n")
