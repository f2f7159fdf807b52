"""Build a third chartbench from the charts that the ggplot2 documentation draws.

The shared chartbench (../shared/chartbench, see its README.md) holds the charts that the plotly
documentation draws over px.data; scripts/build_chartbench_seaborn.py builds a second one from
seaborn. This script builds a third development benchmark of the same form from ggplot2 (MIT):
the R code of the examples in the roxygen blocks of `R/*.R` (the `@examples` / `@examplesIf`
sections, which `man/*.Rd` is generated from, so the Rd files are not read again) and of the
code chunks of the vignettes (`vignettes/*.Rmd`, `vignettes/*.qmd`), over the tables that
ggplot2 ships (`data/*.rda`: what `ggplot2::<name>` is). No R and no network are needed.

Output, in exactly the shared chartbench's format:
- `OUT/data/gg_<name>.csv`: the table, every column and row of `data/<name>.rda` (read by a small
  reader of R's XDR serialisation below: factors as their labels, Dates as YYYY-MM-DD, NA as an
  empty cell, doubles with R's 15 significant digits, no row names);
- `OUT/gallery.json`: `[{dataset, n_rows, columns, charts: [{sig: {mark, pos}, example}]}]`,
  `example` being the plot's R code on one line (comments dropped; a plot variable such as `p`
  in `p + geom_line()` is replaced by the code it holds).

Why `data/*.rda` and not `data-raw/*.csv`: only 7 of the 11 tables have a CSV in data-raw
(economics_long, faithfuld and luv_colours are made by R scripts there, and tx-housing.csv is
named differently), and some CSVs are raw inputs that differ from the shipped table; the .rda
files are exactly the tables that the examples plot, and the CRAN package carries them too.

How the R code is read (a tokenizer and a small precedence parser for R, no R interpreter):
- each example section (one roxygen `@examples` block; one vignette) is one namespace whose top-
  level statements are read in order; `\\dontrun{}`, `\\donttest{}` and `\\dontshow{}` are
  unwrapped; the then-branch of a top-level `if (...)` is read too; `function`, `for`, `while`
  and `repeat` bodies are not read, and every variable they assign is forgotten.
- a plot is `ggplot(<data>, aes(...))` / `ggplot(data = <data>, mapping = aes(...))` (also
  `ggplot2::ggplot`, and `<data> |> ggplot(aes(...))` or `%>%`), followed by `+ <term>`;
  `aes(a, b)` is x = a, y = b. `<data>` must be the bare name of a shipped table (or
  `ggplot2::<name>`) that the section has not reassigned: `subset(...)`, `head(...)`,
  `tbl[...]`, dplyr pipes, any other variable or expression drops the plot.
- `p <- <plot>` remembers the plot; `p + geom_x()` later is that plot plus the layer; a plot
  variable assigned anything else, or a plot changed in place (`p$data <- ...`), is forgotten,
  so an unknown variable drops the plot. A table modified in place (other than by adding a
  new `tbl$column`) is no longer that table for the rest of the section.
- a chart is drawn where a plot is printed: a top-level expression, `(p <- ...)`, `print(p)`;
  plain assignments draw nothing. `p1 + p2` (patchwork) and a `+` term that is a variable or
  something else unknown drop the plot.
- aes values: a column name (bare or backticked, `.data$col`, `.data[["col"]]`), also wrapped
  in `factor()`, `as.factor()` or `reorder()` (its first argument); `NULL` removes the channel.
  Any other value on x, y or weight (`after_stat(...)`, `..count..`, `log10(x)`, `x / y`, a
  constant, a name that is not a column of the table) drops the plot; other channels are not
  read. A layer's own `aes()` adds to or overrides the plot's (`inherit.aes = FALSE`: replaces).

Mapping to the README's signature {mark, pos} (pos = the sorted x/y fields, "*" = a count):
- geom_point, geom_jitter, geom_count -> point, [x, y];
- geom_line, geom_path, geom_step -> line, [x, y]; geom_area -> area, [x, y];
- geom_bar, geom_histogram -> bar, ["*", x] (or y; the one given); geom_freqpoly -> line,
  ["*", x]; with `aes(weight = w)` the bar sums w: ["w", x] (an aggregate keeps its field);
  with `stat = "identity"` or `"summary"` they take x and y: bar, [x, y];
- geom_col -> bar, [x, y];
- geom_boxplot, geom_violin -> boxplot, the given x and/or y;
- geom_tile, geom_raster, geom_bin2d / geom_bin_2d, geom_hex -> rect, [x, y];
- point, line, area, col and rect need both x and y; `stat = "bin"` / `"count"` on them with
  one field gives ["*", field]; any other non-default `stat` (density, ecdf, qq, ...) drops it.
- stat_<name>() layers are read as the geom they draw, their literal `geom =` or their
  default: stat_bin, stat_count -> bar (["*", x]); stat_bin_2d, stat_summary_2d -> tile and
  stat_bin_hex, stat_summary_hex -> hex (rect, [x, y]; the summarised z is a colour);
  stat_identity, stat_unique, stat_sum -> point; stat_summary / stat_summary_bin only with a
  mapped `geom =` (e.g. `geom = "bar"`: bar, [x, y], a mean keeps its field), as their
  default pointrange is skipped.
- Skipped (they draw no chart of the README's kinds, or draw a fitted/estimated curve rather
  than the table's values): geom_density (an estimate, skipped as the seaborn builder skips
  kdeplot), geom_density_2d, geom_contour, geom_smooth, geom_text/label, geom_rug, geom_abline/
  hline/vline, geom_segment/curve/spoke, geom_rect/ribbon/errorbar/crossbar/linerange/
  pointrange, geom_polygon/sf/map, geom_dotplot, geom_qq, geom_function, the other stat_*()
  layers (density, ecdf, qq, function, smooth, ellipse, ...), `qplot()`/`quickplot()`,
  `annotate()` and extension geoms.
- A plot with several layers is defined by its first layer (in code order, as
  scripts/bench_charts.py reads a layered spec by its first layer) whose geom is one of those
  mapped above and that uses the plot's data (a layer with its own `data =` draws another
  table and is ignored, unless the plot has no data); the other layers are ignored.
- colour, fill, size, shape, group, linetype, facets, scales, coords and themes are not part of
  the signature. Identical signatures per table are kept once (the first: `R/*.R` in name
  order, then the vignettes). Tables with fewer than 2 distinct charts are dropped.

Excluded tables (EXCLUDED below):
- mpg: car fuel economy (model, displ, cyl, year, cty, hwy, ...). It is not the same data as
  vega_datasets' `cars` (the 1970-82 ASA cars that seaborn's mpg is), but the same kind of
  table with overlapping columns, so it is excluded to stay clear of the Vega/Altair example
  datasets, whose charts are a held-out evaluation set that must never be tuned on. When
  vega_datasets is importable a safety net also drops any table whose name stem equals a vega
  dataset's, or that shares at least 2 and at least half of its (normalised) column names with
  a vega dataset shipped locally (at ggplot2 4.0.1 it drops nothing more).
- diamonds is kept although the seaborn chartbench has the same data (sns_diamonds): the
  ggplot2 pages draw mostly other charts of it (at 4.0.1, 2 of its 13 signatures are also in
  sns_diamonds: 2-d bin heatmaps, boxplots of price by cut, bars of cut, counts of cut x
  clarity, ... are not), and each development benchmark stands alone. The overlap is printed
  when bench_results/chartbench-seaborn/gallery.json exists.
- Not excluded but dropped for having fewer than 2 distinct charts (at 4.0.1): faithfuld and
  luv_colours (1 each), midwest, presidential, seals and txhousing (0: drawn only through
  subset()/head(), as another layer's data, or with geom_segment).

At cran/ggplot2 "version 4.0.1" (commit 273713e): 169 example sections (164 roxygen, 5
vignettes), 4 tables (diamonds, economics, economics_long, msleep), 22 distinct charts.

Commands (a bare git directory of tidyverse/ggplot2, or of its CRAN mirror cran/ggplot2 -- the
released package, which has the same R/, data/ and vignettes/; the first was over the mirror's
size limit here, so the numbers in the report were made from cran/ggplot2 "version 4.0.1"):

    mkdir -p /tmp/gg
    git --git-dir=PATH/ggplot2.git archive HEAD | tar -x -C /tmp/gg
    .venv/bin/python scripts/build_chartbench_ggplot2.py --ggplot2 /tmp/gg
    .venv/bin/python scripts/bench_charts.py --skip-lux --skip-previous \\
        --chartbench bench_results/chartbench-ggplot2 --out bench_results/charts-ggplot2.json
"""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import math
import re
import struct
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from chartbench_common import Candidate, argument_parser, choose, exclusions, write_benchmark

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench_results" / "chartbench-ggplot2"
SEABORN_GALLERY = ROOT / "bench_results" / "chartbench-seaborn" / "gallery.json"
PREFIX = "gg_"
MIN_CHARTS = 2

EXCLUDED: dict[str, str] = {
    "mpg": "car fuel economy, the kind of table vega_datasets cars is (held-out evaluation data)",
}

# geom (without "geom_") -> (mark, how): "xy" needs x and y; "count" counts one field;
# "given" takes the x and/or y given.
GEOMS: dict[str, tuple[str, str]] = {
    "point": ("point", "xy"),
    "jitter": ("point", "xy"),
    "count": ("point", "xy"),
    "line": ("line", "xy"),
    "path": ("line", "xy"),
    "step": ("line", "xy"),
    "area": ("area", "xy"),
    "bar": ("bar", "count"),
    "histogram": ("bar", "count"),
    "freqpoly": ("line", "count"),
    "col": ("bar", "xy"),
    "boxplot": ("boxplot", "given"),
    "violin": ("boxplot", "given"),
    "tile": ("rect", "xy"),
    "raster": ("rect", "xy"),
    "bin2d": ("rect", "xy"),
    "bin_2d": ("rect", "xy"),
    "hex": ("rect", "xy"),
}
# stats that keep x and y as they are (or aggregate y per x, or count/aggregate per 2-d bin)
IDENTITY_STATS = {
    "identity",
    "unique",
    "sum",
    "align",
    "boxplot",
    "ydensity",
    "summary",
    "summary_bin",
    "bin_2d",
    "bin2d",
    "bin_hex",
    "binhex",
    "summary_2d",
    "summary2d",
    "summary_hex",
}
COUNT_STATS = {"bin", "count"}
# stat_<name>() layers are read as their `geom =` (a literal) or as their default geom
STAT_GEOMS = {
    "bin": "bar",
    "count": "bar",
    "bin_2d": "tile",
    "bin2d": "tile",
    "bin_hex": "hex",
    "binhex": "hex",
    "summary_2d": "tile",
    "summary2d": "tile",
    "summary_hex": "hex",
    "identity": "point",
    "unique": "point",
    "sum": "point",
}
UNWRAP = {"factor", "as.factor", "reorder"}
POSITIONAL = ("x", "y", "weight")


# --- the tables: R's XDR serialisation (save()/usethis::use_data()), data frames only ---------
NA_INT = -(2**31)


@dataclass
class RObj:
    type: int
    value: object
    attrs: dict[str, RObj | None] = field(default_factory=dict)


class RdaReader:
    """Reads the object tree of an .rda file: vectors, lists, pairlists, symbols, attributes."""

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.pos = 0
        self.refs: list[RObj] = []

    def int(self) -> int:
        (value,) = struct.unpack_from(">i", self.raw, self.pos)
        self.pos += 4
        return value

    def length(self) -> int:
        n = self.int()
        if n == -1:  # long vector
            n = (self.int() << 32) + self.int()
        return n

    def array(self, dtype: str, n: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize
        out = np.frombuffer(self.raw, dtype, n, self.pos)
        self.pos += size * n
        return out

    def pairlist(self, obj: RObj | None) -> dict[str, RObj | None]:
        out: dict[str, RObj | None] = {}
        while obj is not None and obj.type == 2:
            tag, car, cdr = obj.value  # type: ignore[misc]
            out[str(tag)] = car
            obj = cdr
        return out

    def item(self) -> RObj | None:
        flags = self.int()
        kind = flags & 0xFF
        has_attr = bool(flags & (1 << 9))
        has_tag = bool(flags & (1 << 10))
        if kind == 254:  # NULL
            return None
        if kind in (241, 242, 250, 251, 252, 253):  # environments and markers
            return RObj(kind, None)
        if kind == 255:  # reference to an earlier symbol
            index = flags >> 8 or self.int()
            return self.refs[index - 1]
        if kind == 1:  # symbol
            name = self.item()
            obj = RObj(1, name.value if name else None)
            self.refs.append(obj)
            return obj
        if kind == 9:  # CHARSXP
            n = self.int()
            if n == -1:
                return RObj(9, None)
            text = self.raw[self.pos : self.pos + n].decode("utf-8", "replace")
            self.pos += n
            return RObj(9, text)
        if kind in (2, 3, 5, 6, 17):  # pairlist, closure, promise, call, dots
            attrs = self.pairlist(self.item()) if has_attr else {}
            tag_obj = self.item() if has_tag else None
            car, cdr = self.item(), self.item()
            return RObj(kind, (tag_obj.value if tag_obj else None, car, cdr), attrs)
        value: object
        if kind in (10, 13):  # logical, integer
            value = self.array(">i4", self.length())
        elif kind == 14:  # double
            value = self.array(">f8", self.length())
        elif kind == 16:  # character
            value = [(o.value if o else None) for o in (self.item() for _ in range(self.length()))]
        elif kind in (19, 20):  # list, expression
            value = [self.item() for _ in range(self.length())]
        else:
            raise ValueError(f"R type {kind} is not supported")
        attrs = self.pairlist(self.item()) if has_attr else {}
        return RObj(kind, value, attrs)


def read_rda(path: Path) -> dict[str, RObj | None]:
    """The objects saved in an .rda file, by name."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    elif raw[:3] == b"BZh":
        raw = bz2.decompress(raw)
    elif raw[:6] == b"\xfd7zXZ\x00":
        raw = lzma.decompress(raw)
    if raw[:5] not in (b"RDX2\n", b"RDX3\n") or raw[5:7] != b"X\n":
        raise ValueError(f"{path}: not an XDR .rda file")
    reader = RdaReader(raw)
    reader.pos = 7
    version = reader.int()
    reader.int(), reader.int()  # writer's and minimal reader's R versions
    if version == 3:
        reader.pos += reader.int()  # native encoding
    return reader.pairlist(reader.item())


def _strings(obj: RObj | None) -> list[str]:
    return [] if obj is None else [str(v) for v in obj.value]  # type: ignore[attr-defined]


def r_column(obj: RObj) -> pd.Series:
    classes = _strings(obj.attrs.get("class"))
    values = obj.value
    if obj.type == 13 and "factor" in classes:
        levels = _strings(obj.attrs.get("levels"))
        return pd.Series([None if v == NA_INT else levels[v - 1] for v in values], dtype=object)
    if obj.type == 14 and "Date" in classes:
        epoch = date(1970, 1, 1)
        return pd.Series(
            [
                None if math.isnan(v) else (epoch + timedelta(days=float(v))).isoformat()
                for v in values
            ],
            dtype=object,
        )
    if obj.type == 14 and classes:
        raise ValueError(f"double column of class {classes} is not supported")
    if obj.type == 13:
        ints = np.asarray(values, dtype="int64")
        series = pd.Series(ints)
        return series.astype("Int64").mask(series == NA_INT) if (ints == NA_INT).any() else series
    if obj.type == 10:
        return pd.Series([None if v == NA_INT else bool(v) for v in values], dtype=object)
    if obj.type == 14:
        return pd.Series(np.asarray(values, dtype="float64"))
    if obj.type == 16:
        return pd.Series(values, dtype=object)
    raise ValueError(f"column of R type {obj.type} is not supported")


def r_frame(obj: RObj) -> pd.DataFrame:
    if obj.type != 19 or "data.frame" not in _strings(obj.attrs.get("class")):
        raise ValueError("not a data frame")
    names = _strings(obj.attrs.get("names"))
    return pd.DataFrame({n: r_column(c) for n, c in zip(names, obj.value, strict=True) if c})  # type: ignore[arg-type]


@dataclass
class Table:
    name: str
    frame: pd.DataFrame

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]


def load_tables(ggplot2: Path) -> dict[str, Table]:
    tables = {}
    for path in sorted((ggplot2 / "data").glob("*.rda")):
        for name, obj in read_rda(path).items():
            if obj is not None:
                tables[name] = Table(name, r_frame(obj))
    return tables


# --- example sources ---------------------------------------------------------------------------
def unwrap_rd(code: str) -> str:
    """Remove \\dontrun{ }, \\donttest{ }, \\dontshow{ } wrappers (keeping their code), \\%."""
    while match := re.search(r"\\(dontrun|donttest|dontshow)\s*\{", code):
        depth, i, quote = 1, match.end(), ""
        while i < len(code) and depth:
            ch = code[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "\"'`":
                quote = ch
            elif ch == "#":
                i = code.find("\n", i) if "\n" in code[i:] else len(code)
                continue
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            i += 1
        code = code[: match.start()] + code[match.end() : i - 1] + code[i:]
    return code.replace("\\%", "%")


def roxygen_examples(path: Path) -> Iterator[str]:
    """The code of each @examples / @examplesIf section of a file's roxygen blocks."""
    section: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        match = re.match(r"\s*#' ?(.*)", line)
        text = match.group(1) if match else None
        tag = re.match(r"\s*@(\w+)", text) if text is not None else None
        if section is not None and (text is None or tag):
            yield unwrap_rd("\n".join(section))
            section = None
        if tag and tag.group(1) in ("examples", "examplesIf"):
            rest = text[tag.end() :] if text is not None else ""
            section = [rest] if tag.group(1) == "examples" else []
        elif section is not None and text is not None:
            section.append(text)


def vignette_code(path: Path) -> str:
    """The R code chunks of an .Rmd/.qmd vignette, in order."""
    chunks, inside = [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if not inside and re.match(r"\s*```+\s*\{r[\s,}]", line):
            inside = True
        elif inside and re.match(r"\s*```+\s*$", line):
            inside = False
        elif inside and not line.lstrip().startswith("#|"):
            chunks.append(line)
    return "\n".join(chunks)


def sources(ggplot2: Path) -> Iterator[tuple[str, str]]:
    """(label, code of one namespace): roxygen example sections, then vignettes."""
    for path in sorted((ggplot2 / "R").glob("*.R")):
        for i, code in enumerate(roxygen_examples(path), 1):
            yield f"R/{path.name}#{i}", code
    for path in sorted((ggplot2 / "vignettes").glob("*")):
        if path.suffix in (".Rmd", ".qmd"):
            yield f"vignettes/{path.name}", vignette_code(path)


# --- R tokens and a small parser ----------------------------------------------------------------
TOKEN = re.compile(
    r"""(?P<nl>\n)|(?P<ws>[ \t\r\f]+)|(?P<comment>\#[^\n]*)
    |(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')
    |(?P<name>`[^`]*`)
    |(?P<num>0[xX][0-9a-fA-F]+L?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[Li]?)
    |(?P<ident>[A-Za-z.][A-Za-z0-9._]*)
    |(?P<op>%[^%\n]*%|:=|<<-|->>|:::|\|>|<-|->|<=|>=|==|!=|&&|\|\||::|\[\[|[-+*/^~?!<>=&|$@:(){}\[\],;\\])
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass
class Tok:
    kind: str  # nl, str, name, num, op
    text: str


class ParseError(Exception):
    pass


@dataclass
class Node:
    first: int  # token span, for the one-line text
    last: int


@dataclass
class Name(Node):
    id: str


@dataclass
class Const(Node):
    text: str


@dataclass
class Arg:
    name: str | None
    value: Node | None


@dataclass
class Call(Node):
    fn: Node
    args: list[Arg]


@dataclass
class Index(Node):
    obj: Node
    args: list[Arg]
    double: bool


@dataclass
class Binary(Node):
    op: str
    left: Node
    right: Node


@dataclass
class Unary(Node):
    op: str
    operand: Node


@dataclass
class Paren(Node):
    inner: Node


@dataclass
class Block(Node):
    body: list[Node]


@dataclass
class If(Node):
    then: Node
    orelse: Node | None


@dataclass
class Opaque(Node):  # function, for, while, repeat
    kind: str
    parts: list[Node]


BINARY: dict[str, tuple[int, bool]] = {  # op -> (precedence, right-associative)
    "?": (1, False),
    "=": (2, True),
    ":=": (2, True),
    "<-": (3, True),
    "<<-": (3, True),
    "->": (4, False),
    "->>": (4, False),
    "~": (5, False),
    "||": (6, False),
    "|": (6, False),
    "&&": (7, False),
    "&": (7, False),
    "==": (9, False),
    "!=": (9, False),
    "<": (9, False),
    ">": (9, False),
    "<=": (9, False),
    ">=": (9, False),
    "+": (10, False),
    "-": (10, False),
    "*": (11, False),
    "/": (11, False),
    "|>": (12, False),
    ":": (13, False),
    "^": (15, True),
    "$": (16, False),
    "@": (16, False),
}
CONSTANTS = {"TRUE", "FALSE", "NULL", "NA", "Inf", "NaN", "NA_integer_", "NA_real_"}


def tokenize(code: str) -> list[Tok]:
    tokens, pos = [], 0
    while pos < len(code):
        match = TOKEN.match(code, pos)
        if match is None:
            raise ParseError(f"unexpected character {code[pos]!r}")
        pos = match.end()
        kind = match.lastgroup or ""
        text = match.group()
        if kind in ("ws", "comment"):
            continue
        if kind == "name":
            text = text[1:-1]
        elif kind == "ident":
            kind = "name"
        tokens.append(Tok(kind, text))
    return tokens


class Parser:
    """Precedence-climbing parser for the R that examples use; newlines end a statement unless
    inside ( ) or [ ], or after an operator, as in R."""

    def __init__(self, tokens: list[Tok]) -> None:
        self.toks = tokens
        self.i = 0
        self.skip_nl = [False]

    def peek(self) -> Tok | None:
        if self.skip_nl[-1]:
            while self.i < len(self.toks) and self.toks[self.i].kind == "nl":
                self.i += 1
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> Tok:
        tok = self.peek()
        if tok is None:
            raise ParseError("unexpected end of code")
        self.i += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.next()
        if tok.kind != "op" or tok.text != text:
            raise ParseError(f"expected {text!r}, got {tok.text!r}")

    def newlines(self) -> None:
        while self.i < len(self.toks) and self.toks[self.i].kind == "nl":
            self.i += 1

    def is_op(self, tok: Tok | None, *texts: str) -> bool:
        return tok is not None and tok.kind == "op" and tok.text in texts

    # statements
    def program(self) -> Iterator[Node | ParseError]:
        while True:
            self.newlines()
            while self.is_op(self.peek(), ";"):
                self.i += 1
                self.newlines()
            if self.peek() is None:
                return
            start = self.i
            try:
                node = self.expr(0)
                tok = self.peek()
                if tok is not None and tok.kind != "nl" and not self.is_op(tok, ";"):
                    raise ParseError(f"unexpected {tok.text!r}")
                yield node
            except ParseError as error:
                self.resync(start)
                yield error

    def resync(self, start: int) -> None:
        """Skip to the end of the statement that began at token `start`."""
        self.skip_nl = [False]
        depth, i = 0, start
        while i < len(self.toks):
            tok = self.toks[i]
            if tok.kind == "op" and tok.text in ("(", "[", "{"):
                depth += 1
            elif tok.kind == "op" and tok.text == "[[":
                depth += 2
            elif tok.kind == "op" and tok.text in (")", "]", "}"):
                depth -= 1
            elif tok.kind == "nl" and depth <= 0 and i > start:
                break
            i += 1
        self.i = max(i, start + 1)

    # expressions
    def expr(self, min_prec: int) -> Node:
        left = self.prefix()
        while True:
            tok = self.peek()
            if tok is None or tok.kind != "op":
                return left
            if tok.text in ("(", "[", "[["):
                left = self.postfix(left)
                continue
            op = tok.text
            if op.startswith("%") and len(op) > 1:
                prec, right_assoc = 12, False
            elif op in BINARY:
                prec, right_assoc = BINARY[op]
            else:
                return left
            if prec < min_prec:
                return left
            self.i += 1
            self.newlines()
            right = self.expr(prec if right_assoc else prec + 1)
            left = Binary(left.first, right.last, op, left, right)

    def postfix(self, left: Node) -> Node:
        tok = self.next()
        close = ")" if tok.text == "(" else "]"
        args = self.args(close)
        if tok.text == "[[":
            self.expect("]")
        last = self.i - 1
        if tok.text == "(":
            return Call(left.first, last, left, args)
        return Index(left.first, last, left, args, tok.text == "[[")

    def args(self, close: str) -> list[Arg]:
        self.skip_nl.append(True)
        args: list[Arg] = []
        try:
            while True:
                tok = self.peek()
                if self.is_op(tok, close):
                    self.i += 1
                    return args
                name = None
                if tok is not None and tok.kind in ("name", "str"):
                    j = self.i + 1
                    while j < len(self.toks) and self.toks[j].kind == "nl":
                        j += 1
                    after = self.toks[j : j + 1]
                    if after and after[0].kind == "op" and after[0].text == "=":
                        name = tok.text.strip("\"'") if tok.kind == "str" else tok.text
                        self.i = j + 1
                tok = self.peek()
                value = None
                if not self.is_op(tok, ",", close):
                    value = self.expr(0)
                args.append(Arg(name, value))
                tok = self.peek()
                if self.is_op(tok, ","):
                    self.i += 1
                    if self.is_op(self.peek(), close):  # trailing empty argument
                        args.append(Arg(None, None))
                elif not self.is_op(tok, close):
                    raise ParseError(f"expected ',' or {close!r} in arguments")
        finally:
            self.skip_nl.pop()

    def prefix(self) -> Node:
        first = self.i if not self.skip_nl[-1] else self._first_non_nl()
        tok = self.next()
        if tok.kind in ("str", "num"):
            return Const(first, first, tok.text)
        if tok.kind == "name":
            if tok.text in ("function",):
                return self.function(first)
            if tok.text == "if":
                return self.if_(first)
            if tok.text in ("for", "while"):
                self.expect("(")
                self.skip_nl.append(True)
                try:
                    head = [self.expr(0)]
                    if tok.text == "for":  # for (name in seq): parse `in` as a name
                        word = self.peek()
                        if word is None or word.text != "in":
                            raise ParseError("expected 'in'")
                        self.i += 1
                        head.append(self.expr(0))
                    self.expect(")")
                finally:
                    self.skip_nl.pop()
                self.newlines()
                body = self.expr(0)
                return Opaque(first, body.last, tok.text, [*head, body])
            if tok.text == "repeat":
                self.newlines()
                body = self.expr(0)
                return Opaque(first, body.last, "repeat", [body])
            if tok.text in CONSTANTS:
                return Const(first, first, tok.text)
            nxt = self.peek()
            if self.is_op(nxt, "::", ":::"):
                self.i += 1
                member = self.next()
                return Name(first, self.i - 1, f"{tok.text}::{member.text}")
            return Name(first, first, tok.text)
        if tok.kind != "op":
            raise ParseError(f"unexpected {tok.text!r}")
        if tok.text == "(":
            self.skip_nl.append(True)
            try:
                inner = self.expr(0)
                self.expect(")")
            finally:
                self.skip_nl.pop()
            return Paren(first, self.i - 1, inner)
        if tok.text == "{":
            self.skip_nl.append(False)
            body: list[Node] = []
            try:
                while True:
                    self.newlines()
                    while self.is_op(self.peek(), ";"):
                        self.i += 1
                        self.newlines()
                    if self.is_op(self.peek(), "}"):
                        self.i += 1
                        return Block(first, self.i - 1, body)
                    body.append(self.expr(0))
            finally:
                self.skip_nl.pop()
        if tok.text == "\\":
            return self.function(first)
        if tok.text in ("-", "+", "!", "~", "?"):
            prec = {"-": 14, "+": 14, "!": 8, "~": 5, "?": 1}[tok.text]
            self.newlines()
            operand = self.expr(prec)
            return Unary(first, operand.last, tok.text, operand)
        raise ParseError(f"unexpected {tok.text!r}")

    def _first_non_nl(self) -> int:
        i = self.i
        while i < len(self.toks) and self.toks[i].kind == "nl":
            i += 1
        return i

    def function(self, first: int) -> Node:
        self.expect("(")
        params = self.args(")")
        self.newlines()
        body = self.expr(0)
        return Opaque(first, body.last, "function", [a.value for a in params if a.value] + [body])

    def if_(self, first: int) -> Node:
        self.expect("(")
        self.skip_nl.append(True)
        try:
            self.expr(0)
            self.expect(")")
        finally:
            self.skip_nl.pop()
        self.newlines()
        then = self.expr(0)
        j = self.i
        while j < len(self.toks) and self.toks[j].kind == "nl":
            j += 1
        orelse = None
        if j < len(self.toks) and self.toks[j].kind == "name" and self.toks[j].text == "else":
            self.i = j + 1
            self.newlines()
            orelse = self.expr(0)
        return If(first, (orelse or then).last, then, orelse)


def one_line(tokens: list[Tok], node: Node) -> str:
    """A node's code on one line from its tokens: comments and line breaks gone."""
    parts: list[str] = []
    prev: Tok | None = None
    before_prev: Tok | None = None
    for tok in tokens[node.first : node.last + 1]:
        if tok.kind == "nl":
            continue
        text = tok.text
        if tok.kind == "name" and not re.fullmatch(r"[A-Za-z.][A-Za-z0-9._]*", text):
            text = f"`{text}`"
        if prev is not None:
            is_op = tok.kind == "op"
            prev_op = prev.kind == "op"
            postfix_open = (
                is_op
                and tok.text in ("(", "[", "[[")
                and not (prev_op and prev.text not in (")", "]"))
            )
            unary = (
                prev_op
                and prev.text in ("-", "+", "!", "~")
                and (
                    before_prev is None
                    or (before_prev.kind == "op" and before_prev.text not in (")", "]"))
                )
            )
            tight = (
                (prev_op and prev.text in ("(", "[", "[[", "::", ":::", "$", "@", ":", "^", "\\"))
                or (is_op and tok.text in (")", "]", ",", "::", ":::", "$", "@", ":", "^"))
                or postfix_open
                or unary
            )
            if not tight:
                parts.append(" ")
        parts.append(text)
        before_prev, prev = prev, tok
    return "".join(parts)


# --- evaluating the examples ----------------------------------------------------------------------
DROP = "\x00"  # prefix of a field that is not a plain column (the rest says what it is)
UNKNOWN = "\x00unknown"


@dataclass(frozen=True)
class Layer:
    geom: str  # "point", "stat_summary", "annotate", ...
    mapping: dict[str, str | None]  # channel -> column, DROP..., or None (removed)
    data: str | None  # None: the plot's data; a table name; UNKNOWN
    inherit: bool
    stat: str | None


@dataclass(frozen=True)
class Plot:
    data: str | None  # a table name, None (no data), or UNKNOWN
    mapping: dict[str, str | None]
    layers: tuple[Layer, ...]
    text: str
    taint: str | None = None  # why the plot cannot be read, if it cannot


@dataclass
class Gallery:
    charts: dict[str, dict[tuple[str, tuple[str, ...]], str]] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)


def callee(node: Node) -> str | None:
    """The name of a call's function, without a `ggplot2::` prefix."""
    if isinstance(node, Call) and isinstance(node.fn, Name):
        return node.fn.id.removeprefix("ggplot2::")
    return None


def keyword(call: Call, name: str, position: int | None = None) -> Node | None:
    for arg in call.args:
        if arg.name == name:
            return arg.value
    if position is not None:
        positional = [a.value for a in call.args if a.name is None]
        if position < len(positional):
            return positional[position]
    return None


def const_string(node: Node | None) -> str | None:
    if isinstance(node, Const) and node.text[:1] in "\"'":
        return node.text[1:-1]
    return None


def is_data_pronoun(node: Node) -> bool:
    return isinstance(node, Name) and node.id == ".data"


def aes_field(node: Node | None) -> str | None:
    """An aes value as a column name, None for NULL, or DROP + what it is."""
    if node is None:
        return DROP + "empty"
    if isinstance(node, Const):
        return None if node.text == "NULL" else DROP + "constant"
    if isinstance(node, Name):
        return DROP + "namespaced name" if "::" in node.id else node.id
    if isinstance(node, Paren):
        return aes_field(node.inner)
    if isinstance(node, Call):
        name = callee(node)
        first = keyword(node, "x", 0)
        if name in UNWRAP and first is not None:
            return aes_field(first)
        return DROP + f"{name or 'call'}()"
    if isinstance(node, Binary) and node.op == "$" and is_data_pronoun(node.left):
        return aes_field(node.right) if isinstance(node.right, Name) else DROP + ".data"
    if (
        isinstance(node, Index)
        and node.double
        and is_data_pronoun(node.obj)
        and len(node.args) == 1
    ):
        return const_string(node.args[0].value) or DROP + ".data"
    return DROP + "expression"


def aes_mapping(node: Node | None) -> dict[str, str | None] | None:
    """The channels of an aes() call; None if the node is not one."""
    if not isinstance(node, Call) or callee(node) != "aes":
        return None
    out: dict[str, str | None] = {}
    positional = iter(("x", "y"))
    for arg in node.args:
        channel = arg.name if arg.name is not None else next(positional, None)
        if channel is None:
            out["\x00extra"] = DROP + "third positional aes"
            continue
        channel = {"color": "colour"}.get(channel, channel)
        out[channel] = aes_field(arg.value)
    return out


class Section:
    """One namespace of example code: variables that hold plots, tables shadowed."""

    def __init__(self, tables: dict[str, Table], gallery: Gallery, tokens: list[Tok]) -> None:
        self.tables = tables
        self.gallery = gallery
        self.tokens = tokens
        self.env: dict[str, Plot] = {}
        self.shadowed: set[str] = set()

    # values
    def table_of(self, node: Node | None) -> str | None:
        """The shipped table a data argument is; None for no argument; UNKNOWN otherwise."""
        if node is None:
            return None
        if isinstance(node, Name):
            name = node.id.removeprefix("ggplot2::")
            if name in self.tables and (name != node.id or name not in self.shadowed):
                return name
        return UNKNOWN

    def ggplot(self, call: Call, piped: Node | None) -> Plot:
        taint = None
        if piped is not None:
            data = self.table_of(piped)
            mapping_node = keyword(call, "mapping", 0)
            if keyword(call, "data") is not None:
                taint = "piped and data="
        else:
            data = self.table_of(keyword(call, "data", 0))
            mapping_node = keyword(call, "mapping", 1)
        mapping: dict[str, str | None] = {}
        if mapping_node is not None:
            parsed = aes_mapping(mapping_node)
            if parsed is None:
                taint = "mapping is not aes()"
            else:
                mapping = parsed
        text = one_line(self.tokens, call if piped is None else Node(piped.first, call.last))
        return Plot(data, mapping, (), text, taint)

    def layer(self, call: Call, name: str) -> Layer:
        mapping_node = keyword(call, "mapping")
        data_node = keyword(call, "data")
        positional = [a.value for a in call.args if a.name is None]
        if mapping_node is None and positional and aes_mapping(positional[0]) is not None:
            mapping_node = positional.pop(0)
        if data_node is None and positional:
            data_node = positional[0]
        mapping = aes_mapping(mapping_node) if mapping_node is not None else {}
        if mapping is None:
            mapping = {"\x00mapping": DROP + "mapping is not aes()"}
        inherit = keyword(call, "inherit.aes")
        if name.startswith("stat_"):
            stat: str | None = name.removeprefix("stat_")
            geom_node = keyword(call, "geom")
            geom = const_string(geom_node) if geom_node is not None else STAT_GEOMS.get(stat or "")
            geom = geom or name
        else:
            geom = name.removeprefix("geom_")
            stat_node = keyword(call, "stat")
            stat = const_string(stat_node) if stat_node is not None else None
            if stat_node is not None and stat is None:
                stat = DROP + "non-literal"
        return Layer(
            geom=geom,
            mapping=mapping,
            data=self.table_of(data_node),
            inherit=not (isinstance(inherit, Const) and inherit.text in ("FALSE", "F")),
            stat=stat,
        )

    def value(self, node: Node) -> Plot | None:
        """The plot an expression evaluates to (performing assignments inside parentheses)."""
        if isinstance(node, Paren):
            return self.value(node.inner)
        if isinstance(node, Binary) and node.op in ("<-", "=", "<<-", "->", "->>"):
            return self.assign(node)  # (p <- ...) and print(p <- ...) draw p
        if isinstance(node, Name):
            return self.env.get(node.id)
        if isinstance(node, Call):
            name = callee(node)
            if name == "ggplot":
                return self.ggplot(node, None)
            if name in ("print", "plot") and len(node.args) == 1 and node.args[0].value:
                return self.value(node.args[0].value)
            return None
        if isinstance(node, Binary) and node.op in ("|>", "%>%"):
            if isinstance(node.right, Call) and callee(node.right) == "ggplot":
                return self.ggplot(node.right, node.left)
            return None
        if isinstance(node, Binary) and node.op == "+":
            left = self.value(node.left)
            if left is None:
                return None
            return self.add(left, node.right)
        return None

    def add(self, plot: Plot, term: Node) -> Plot:
        text = f"{plot.text} + {one_line(self.tokens, term)}"
        inner = term.inner if isinstance(term, Paren) else term
        if isinstance(inner, Call):
            name = callee(inner) or ""
            if name.startswith(("geom_", "stat_")) or name in ("annotate", "annotation_custom"):
                return replace(plot, layers=(*plot.layers, self.layer(inner, name)), text=text)
            if name == "aes":
                mapping = aes_mapping(inner) or {}
                return replace(plot, mapping={**plot.mapping, **mapping}, text=text)
            if name in ("list", "c"):
                return replace(plot, text=text, taint=plot.taint or "+ a list of components")
            return replace(plot, text=text)  # scales, coords, facets, themes, labels, ...
        if isinstance(inner, Const) and inner.text == "NULL":
            return replace(plot, text=text)
        if isinstance(inner, Name) and inner.id in self.env:
            return replace(plot, text=text, taint=plot.taint or "plot + plot (patchwork)")
        return replace(plot, text=text, taint=plot.taint or "+ a variable or expression")

    def assign(self, node: Binary) -> Plot | None:
        target, source = (
            (node.right, node.left) if node.op in ("->", "->>") else (node.left, node.right)
        )
        if isinstance(source, Binary) and source.op in ("<-", "=", "<<-"):
            plot = self.assign(source)
        else:
            plot = self.value(source)
        if isinstance(target, Name):
            self.env.pop(target.id, None)
            if plot is not None:
                self.env[target.id] = plot
            if target.id in self.tables:
                self.shadowed.add(target.id)
            return plot
        self.modified(target)
        return plot

    def modified(self, target: Node) -> None:
        """`x$col <- ...`, `x[i] <- ...`, `levels(x) <- ...`: x is no longer what it was."""
        base = target
        new_column = None
        if isinstance(base, Binary) and base.op == "$" and isinstance(base.right, Name):
            new_column = base.right.id
        while True:
            if isinstance(base, Binary) and base.op in ("$", "@"):
                base = base.left
            elif isinstance(base, Index):
                base = base.obj
            elif isinstance(base, Call) and base.args and base.args[0].value is not None:
                base = base.args[0].value
            else:
                break
        if isinstance(base, Name):
            self.env.pop(base.id, None)
            table = self.tables.get(base.id)
            adds_column = (
                table is not None and new_column is not None and new_column not in table.columns
            )
            if table is not None and not adds_column:
                self.shadowed.add(base.id)

    def forget_assigned(self, node: Node) -> None:
        """Forget every variable assigned anywhere inside a body that is not read."""
        stack: list[object] = [node]
        while stack:
            item = stack.pop()
            if isinstance(item, Binary) and item.op in ("<-", "=", "<<-", "->", "->>"):
                target = item.right if item.op in ("->", "->>") else item.left
                self.modified(target) if not isinstance(target, Name) else None
                if isinstance(target, Name):
                    self.env.pop(target.id, None)
                    if target.id in self.tables:
                        self.shadowed.add(target.id)
            if isinstance(item, Node):
                stack.extend(v for v in vars(item).values() if isinstance(v, Node | list))
            elif isinstance(item, list):
                stack.extend(x.value if isinstance(x, Arg) else x for x in item if x is not None)

    # statements
    def statement(self, node: Node, label: str) -> None:
        if isinstance(node, Binary) and node.op in ("<-", "=", "<<-", "->", "->>"):
            self.assign(node)
            return
        if isinstance(node, Block):
            for stmt in node.body:
                self.statement(stmt, label)
            return
        if isinstance(node, If):
            self.statement(node.then, label)
            if node.orelse is not None:
                self.forget_assigned(node.orelse)
            return
        if isinstance(node, Opaque):
            self.forget_assigned(node)
            return
        plot = self.value(node)
        if plot is not None:
            self.draw(plot, label)
        elif self.mentions_table(node):
            name = callee(node) if isinstance(node, Call) else None
            self.gallery.dropped[f"not a ggplot() chain ({name or type(node).__name__})"] += 1

    def mentions_table(self, node: Node) -> bool:
        names = {t.text for t in self.tokens[node.first : node.last + 1] if t.kind == "name"}
        return bool(names & set(self.tables)) and "ggplot" in names

    def draw(self, plot: Plot, label: str) -> None:
        drop = self.gallery.dropped
        result = signature(plot, self.tables)
        if isinstance(result, str):
            drop[result] += 1
            return
        table, sig = result
        self.gallery.charts.setdefault(table, {}).setdefault(sig, plot.text)
        drop["kept"] += 1


def signature(
    plot: Plot, tables: dict[str, Table]
) -> tuple[str, tuple[str, tuple[str, ...]]] | str:
    """(table, (mark, sorted positional fields)) by the mapping in the module docstring, or why
    the plot is dropped."""
    own = next((ly.data for ly in plot.layers if ly.data is not None), None)
    data = plot.data if plot.data is not None else own
    if data is None or data == UNKNOWN:
        return "data is not a shipped table (or was transformed)"
    if plot.taint:
        return f"unreadable plot ({plot.taint})"
    layer = next(
        (ly for ly in plot.layers if ly.geom in GEOMS and (ly.data is None or plot.data is None)),
        None,
    )
    if layer is None:
        geoms = sorted({ly.geom for ly in plot.layers}) or ["no layer"]
        return f"no mapped geom ({', '.join(geoms)})"
    table = layer.data if layer.data is not None else plot.data
    if table is None or table == UNKNOWN:
        return "data is not a shipped table (or was transformed)"
    mapping = {**(plot.mapping if layer.inherit else {}), **layer.mapping}
    for channel, value in mapping.items():
        if (
            (channel in POSITIONAL or channel.startswith("\x00"))
            and value
            and value.startswith(DROP)
        ):
            return f"x/y not a column ({value[1:]})"
    fields = {c: v for c in POSITIONAL if (v := mapping.get(c))}
    columns = tables[table].columns
    if any(v not in columns for v in fields.values()):
        return "x/y not a column of the table"
    mark, how = GEOMS[layer.geom]
    xy = sorted({fields[c] for c in ("x", "y") if c in fields})
    stat = layer.stat
    if stat is not None and stat not in IDENTITY_STATS | COUNT_STATS:
        return f"stat not mapped ({stat.strip(DROP)})"
    if how == "count" and stat not in (None, *COUNT_STATS):
        how = "xy"
    elif how == "xy" and stat in COUNT_STATS:
        how = "count"
    if how == "count":
        if len([c for c in ("x", "y") if c in fields]) != 1:
            return f"count geom without exactly one of x/y ({layer.geom})"
        return table, (mark, tuple(sorted({fields.get("weight", "*"), *xy})))
    if how == "xy" and len([c for c in ("x", "y") if c in fields]) < 2:
        return f"x or y missing ({layer.geom})"
    if not xy:
        return f"no x/y ({layer.geom})"
    return table, (mark, tuple(xy))


def seaborn_overlap(name: str, sigs: set[tuple[str, tuple[str, ...]]]) -> str:
    """How a table's charts compare with the seaborn chartbench's charts of the same data."""
    if name != "diamonds" or not SEABORN_GALLERY.exists():
        return ""
    for entry in json.loads(SEABORN_GALLERY.read_text()):
        if entry["dataset"] == "sns_diamonds.csv":
            theirs = {(c["sig"]["mark"], tuple(c["sig"]["pos"])) for c in entry["charts"]}
            return f"; sns_diamonds shares {len(sigs & theirs)} of these {len(sigs)} charts"
    return ""


# --- main -----------------------------------------------------------------------------------------
def build(ggplot2: Path, out: Path) -> list[dict]:
    tables = load_tables(ggplot2)
    if not tables:
        raise SystemExit(f"no data/*.rda tables under {ggplot2}")
    gallery = Gallery()
    n_sources = 0
    for label, code in sources(ggplot2):
        n_sources += 1
        try:
            tokens = tokenize(code)
        except ParseError:
            gallery.dropped["section that does not tokenize"] += 1
            continue
        section = Section(tables, gallery, tokens)
        for node in Parser(tokens).program():
            if isinstance(node, ParseError):
                gallery.dropped["statement that does not parse"] += 1
            else:
                section.statement(node, label)
    if not n_sources:
        raise SystemExit(f"no R/*.R examples or vignettes under {ggplot2}")

    excluded = exclusions(EXCLUDED, {n: t.columns for n, t in tables.items()})
    print(f"{n_sources} example sections read; plots: {dict(gallery.dropped.most_common())}")
    candidates = []
    for name, table in sorted(tables.items()):
        charts = gallery.charts.get(name, {})
        overlap = seaborn_overlap(name, set(charts))
        candidates.append(
            Candidate(
                name,
                f"{PREFIX}{name}.csv",
                len(table.frame),
                table.columns,
                charts,
                excluded.get(name),
                overlap,
            )
        )
    entries = choose(candidates, MIN_CHARTS)

    def write_table(entry: dict, path: Path) -> None:
        frame = tables[entry["dataset"][len(PREFIX) : -4]].frame
        frame.to_csv(path, index=False, float_format="%.15g")

    write_benchmark(out, PREFIX, entries, write_table)
    return entries


def main() -> None:
    parser = argument_parser(
        __doc__, {"--ggplot2": "extracted ggplot2 source (R/, data/)"}, DEFAULT_OUT
    )
    args = parser.parse_args()
    build(args.ggplot2, args.out)


if __name__ == "__main__":
    main()
