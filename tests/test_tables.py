"""tlcourse.tables: the one table renderer (text, Markdown, HTML) behind every table the course shows."""

from __future__ import annotations

import pytest

from tlcourse.tables import Table


def test_text_aligns_each_column_and_frames_title_footer_and_note():
    table = Table(["seed", "accuracy"], [[0, "0.9"], [11, "0.95"]], align="rl", title="Runs",
                  footer=[["mean", "0.925"]], note="2 seeds")
    assert str(table) == repr(table) == "\n".join([
        "Runs", "--------------", "seed  accuracy", "--------------", "   0  0.9", "  11  0.95",
        "--------------", "mean  0.925", "--------------", "2 seeds"])


def test_text_without_a_title_starts_with_the_header():
    lines = Table(["a", "bb"], [["xyz", "1"]], align="cr").text().splitlines()
    assert lines == [" a   bb", "-------", "xyz   1"]


def test_markdown_is_a_pipe_table_with_alignment_and_escaped_pipes():
    table = Table(["", "value"], [["CPU cores", 2], ["a|b", "`code`"]], align="lr")
    assert table.markdown() == "| | value |\n|---|---:|\n| CPU cores | 2 |\n| a\\|b | `code` |"
    assert Table(["x"], align="c").markdown() == "| x |\n|:---:|"


def test_html_escapes_cells_and_puts_title_note_footer_and_dimmed_rows_in_place():
    page = Table(["layer", "frozen"], [["<conv>", "yes"], ["dense", "no"]], title="Model: m", note="2 & 2",
                 footer=[["all", "1 of 2"]], dim_rows=[0])._repr_html_()
    assert page.startswith("<table><caption>Model: m<br>2 &amp; 2</caption><thead><tr><th>layer</th>")
    assert '<tr style="color:#888"><td>&lt;conv&gt;</td>' in page and "<tr><td>dense</td>" in page
    assert page.endswith("<tfoot><tr><td>all</td><td>1 of 2</td></tr></tfoot></table>")


@pytest.mark.parametrize("kwargs, message", [
    ({"rows": [["1"]]}, r"rows\[0\] has 1 cells, but there are 2 columns \['a', 'b'\]"),
    ({"footer": [["1", "2", "3"]]}, r"footer\[0\] has 3 cells"),
    ({"align": "r"}, "align='r' should be one letter per column \\(2\\)"),
    ({"align": "lx"}, "'l' \\(left\\), 'r' \\(right\\) or 'c' \\(centre\\), e.g. 'lr'"),
])
def test_bad_shapes_say_what_would_be_right(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Table(["a", "b"], **kwargs)
