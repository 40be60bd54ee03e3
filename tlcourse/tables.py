"""One table, three renderings: aligned text for ``print``, HTML for Jupyter, Markdown for files.

Every table the course prints goes through :class:`Table`: the reports of the package
(``trainable_report``, ``layer_transferability``, ``SeedResults``, ``datasets_table``), the
benchmarks' Markdown files, and the comparison tables that notebooks 05 and 08 show with
``IPython.display.Markdown(table.markdown())``. The cells are text: the caller formats its
numbers (``f"{n:,}"``, ``f"{acc:.3f}"``), the table only lines them up.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Table"]

_ALIGN = {"l": str.ljust, "r": str.rjust, "c": str.center}
_MARKDOWN_RULE = {"l": "---", "r": "---:", "c": ":---:"}


@dataclass(frozen=True, repr=False)
class Table:
    """A table of text cells: ``print(table)`` aligns it, Jupyter shows it as HTML.

    ``columns`` are the headers; ``rows`` and ``footer`` (rows below a second rule, such as a
    mean and an sd) hold one cell per column, turned into ``str``. ``align`` has one letter per
    column, ``l``, ``r`` or ``c`` (default: all left). ``title`` is the line above the text
    table (the HTML caption); ``note`` the line below it (such as totals). ``dim_rows`` are the
    indices of rows HTML shows in grey (frozen layers). :meth:`markdown` gives a Markdown table
    for files and ``IPython.display.Markdown`` (cells may hold Markdown: code, links).

    Example (``05_comparing_the_three_ways``):
        >>> print(Table(["approach", "accuracy"], [["scratch", "0.91"], ["transfer", "0.97"]], align="lr"))
        approach  accuracy
        ------------------
        scratch       0.91
        transfer      0.97
    """

    columns: Sequence[str]
    rows: Sequence[Sequence[Any]] = ()
    align: str = ""
    title: str = ""
    note: str = ""
    footer: Sequence[Sequence[Any]] = ()
    dim_rows: Sequence[int] = field(default=())

    def __post_init__(self) -> None:
        n = len(self.columns)
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        for part in ("rows", "footer"):
            cells = tuple(tuple(str(c) for c in row) for row in getattr(self, part))
            wrong = [i for i, row in enumerate(cells) if len(row) != n]
            if wrong:
                raise ValueError(f"Table(): {part}[{wrong[0]}] has {len(cells[wrong[0]])} cells, but there are "
                                 f"{n} columns {list(self.columns)}: give one cell per column.")
            object.__setattr__(self, part, cells)
        align = self.align or "l" * n
        if len(align) != n or set(align) - set(_ALIGN):
            raise ValueError(f"Table(): align={self.align!r} should be one letter per column ({n}), each "
                             "'l' (left), 'r' (right) or 'c' (centre), e.g. " + repr("l" + "r" * (n - 1)) + ".")
        object.__setattr__(self, "align", align)

    def text(self) -> str:
        """The aligned plain-text table: title, header, rows, footer and note between rules.

        Returns:
            The lines joined by newlines, trailing spaces removed; ready to ``print``.

        Example (``05_comparing_the_three_ways``):
            >>> Table(["a", "b"], [["1", "2"]]).text().splitlines()[1]
            '----'
        """
        every = [self.columns, *self.rows, *self.footer]
        widths = [max(len(row[i]) for row in every) for i in range(len(self.columns))]

        def line(row: Sequence[str]) -> str:
            return "  ".join(_ALIGN[a](c, w) for a, c, w in zip(self.align, row, widths)).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        lines = [self.title, rule] if self.title else []
        lines += [line(self.columns), rule, *map(line, self.rows)]
        if self.footer:
            lines += [rule, *map(line, self.footer)]
        if self.note:
            lines += [rule, self.note]
        return "\n".join(lines)

    def markdown(self) -> str:
        """The table in Markdown (GitHub's pipe tables): header, alignment row, rows, footer.

        Title and note are left out: a Markdown file says them in its own words.

        Returns:
            The lines joined by newlines, no newline at the end.

        Example (``05_comparing_the_three_ways``):
            >>> print(Table(["", ""], [["CPU cores", "2"]]).markdown())
            | | |
            |---|---|
            | CPU cores | 2 |
        """
        def line(row: Sequence[str]) -> str:  # a pipe inside a cell would end it: escape it
            return "|" + "|".join(" " + c.replace("|", "\\|") + " " if c else " " for c in row) + "|"

        rule = "|" + "|".join(_MARKDOWN_RULE[a] for a in self.align) + "|"
        return "\n".join([line(self.columns), rule, *map(line, self.rows), *map(line, self.footer)])

    def html(self) -> str:
        """The table in HTML, every cell escaped: title and note in the caption, footer in ``<tfoot>``.

        Returns:
            One ``<table>`` element.

        Example (``05_comparing_the_three_ways``):
            >>> Table(["a"], [["<1>"]]).html()
            '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>&lt;1&gt;</td></tr></tbody></table>'
        """
        def cells(row: Sequence[str], tag: str = "td") -> str:
            return "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in row)

        caption = "<br>".join(html.escape(t) for t in (self.title, self.note) if t)
        dim = ' style="color:#888"'
        body = "".join(f"<tr{dim if i in self.dim_rows else ''}>{cells(row)}</tr>" for i, row in enumerate(self.rows))
        foot = "".join(f"<tr>{cells(row)}</tr>" for row in self.footer)
        return ("<table>" + (f"<caption>{caption}</caption>" if caption else "")
                + f"<thead><tr>{cells(self.columns, 'th')}</tr></thead><tbody>{body}</tbody>"
                + (f"<tfoot>{foot}</tfoot>" if foot else "") + "</table>")

    def __str__(self) -> str:
        return self.text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self.html()
