"""Build a second chartbench from the charts that the seaborn documentation draws.

The shared chartbench (../shared/chartbench, see its README.md) holds the charts that the plotly
documentation draws over px.data. This script builds an independent development benchmark of the
same form from seaborn (BSD-3-Clause): the `sns.<function>(...)` calls in the API pages'
notebooks (`doc/_docstrings/*.ipynb`, code cells in order, one namespace per notebook) and in the
example gallery (`examples/*.py`), over the tables of seaborn-data (`<name>.csv`, what
`sns.load_dataset("<name>")` reads). Output, in exactly the shared chartbench's format:

- `OUT/data/sns_<name>.csv`: the table, copied byte for byte from seaborn-data;
- `OUT/gallery.json`: `[{dataset, n_rows, columns, charts: [{sig: {mark, pos}, example}]}]`,
  `example` being the seaborn call's source text on one line.

Which calls are read (anything else is dropped; dropping beats guessing):
- the data is a variable bound to `sns.load_dataset("<name>")` with no other arguments (or that
  call inline), optionally followed by row-only methods that keep every column
  (`.query(...)`, `.sort_values(...)`, `.dropna(...)`, `.copy()`), by keyword `data=` or as the
  only positional argument; a variable reassigned to anything else is forgotten, and so is a
  table whose existing column is overwritten (`t["col"] = ...`), that is mutated in place
  (`.pop`, `.insert`, `inplace=True`) or whose `.columns`/`.index` is set;
- `x=` and `y=` are string literals naming columns of that table, or `t["col"]` of such a table;
  any other value (an array, a derived Series, a column made in the notebook) drops the call,
  as does a second positional argument, a non-literal `kind=`, or no table at all (wide form).
- Code inside `def`/`class` bodies and calls mapped over grids (`FacetGrid.map`,
  `PairGrid.map`, `JointGrid.plot*`) are not read: their fields come from another call.

Mapping to the README's signature {mark, pos} (pos = the sorted x/y fields, "*" = a count):
- scatterplot, relplot (kind scatter or default), regplot, lmplot, jointplot (default, scatter,
  reg) -> point, [x, y]; regplot/lmplot with `scatter=False` draw only the fit -> line;
- lineplot, relplot(kind="line") -> line, [x, y]; pointplot, catplot(kind="point") -> line;
- histplot, displot (default or kind="hist"), jointplot(kind="hist"): x or y alone -> bar,
  ["*", field]; x and y -> rect, [x, y];
- countplot, catplot(kind="count") -> bar, ["*", field];
- barplot, catplot(kind="bar") -> bar; boxplot, violinplot, boxenplot, catplot(kind box, violin,
  boxen) -> boxplot; stripplot, swarmplot, catplot (default strip, or swarm) -> tick; these take
  the given x and/or y;
- point and line charts need both x and y; the others need at least one.
- Skipped: heatmap and clustermap (a pivoted matrix, not columns), kdeplot, ecdfplot, rugplot,
  residplot, pairplot, displot/jointplot of other kinds (kde, ecdf, hex, resid) and the objects
  interface (`so.Plot`).
- hue, size, style, units, col/row facets and every other argument are not part of the
  signature. Identical signatures per table are kept once (the first: notebooks in name order,
  then the gallery). Tables with fewer than 2 distinct charts are dropped.
- `--tutorials` also reads the user guide's notebooks (`doc/_tutorial/*.ipynb`) after those;
  off by default (at seaborn f04b6cd it adds 10 charts to the same 4 tables).

Excluded tables (EXCLUDED below):
- in the Vega/Altair example datasets, whose charts are a held-out evaluation set that must never
  be tuned on: iris, anscombe, penguins, mpg (vega's `cars`), flights (its name is vega's
  `flights-*`, though the data differ), dowjones (a date/price series: vega's `sp500`, `stocks`),
  healthexp (year/country/life expectancy: vega's `gapminder`). When vega_datasets is importable
  a safety net also drops any table whose name stem equals a vega dataset's, or that shares at
  least 2 and at least half of its (normalised) column names with a vega dataset shipped locally;
- tips: already in the first chartbench;
- brain_networks: a three-level header, not a plain table.

Commands (the repositories as bare git dirs, e.g. from a mirror or `git clone --bare`):

    mkdir -p /tmp/sns/seaborn /tmp/sns/seaborn-data
    git --git-dir=PATH/seaborn.git archive HEAD | tar -x -C /tmp/sns/seaborn
    git --git-dir=PATH/seaborn-data.git archive HEAD | tar -x -C /tmp/sns/seaborn-data
    .venv/bin/python scripts/build_chartbench_seaborn.py \\
        --seaborn /tmp/sns/seaborn --seaborn-data /tmp/sns/seaborn-data
    .venv/bin/python scripts/bench_charts.py --skip-lux --skip-previous \\
        --chartbench bench_results/chartbench-seaborn --out bench_results/charts-seaborn.json
"""

from __future__ import annotations

import ast
import json
import re
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from chartbench_common import Candidate, argument_parser, choose, exclusions, write_benchmark

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "bench_results" / "chartbench-seaborn"
PREFIX = "sns_"
MIN_CHARTS = 2

EXCLUDED: dict[str, str] = {
    "iris": "vega_datasets iris (held-out evaluation data)",
    "anscombe": "vega_datasets anscombe (held-out evaluation data)",
    "penguins": "vega-datasets penguins (held-out evaluation data)",
    "mpg": "the ASA cars data: vega_datasets cars (held-out evaluation data)",
    "flights": "name of vega_datasets flights-* (held-out evaluation data; other data)",
    "dowjones": "a date/price stock series: vega_datasets sp500, stocks (held-out)",
    "healthexp": "year/country/life expectancy: vega_datasets gapminder (held-out)",
    "tips": "already in the first chartbench (px_tips)",
    "brain_networks": "a three-level header, not a plain table",
}
ROW_METHODS = {"query", "sort_values", "dropna", "copy"}
MUTATORS = {"pop", "insert"}

# function -> how it draws: "rel" (point/line by kind), "reg", "joint", "hist", "dist",
# "count", or a fixed mark for the categorical functions.
FUNCTIONS: dict[str, str] = {
    "scatterplot": "point",
    "lineplot": "line",
    "relplot": "rel",
    "regplot": "reg",
    "lmplot": "reg",
    "jointplot": "joint",
    "histplot": "hist",
    "displot": "dist",
    "countplot": "count",
    "catplot": "cat",
    "barplot": "bar",
    "boxplot": "boxplot",
    "violinplot": "boxplot",
    "boxenplot": "boxplot",
    "stripplot": "tick",
    "swarmplot": "tick",
    "pointplot": "line",
}
CATPLOT_KINDS = {
    None: "tick",
    "strip": "tick",
    "swarm": "tick",
    "box": "boxplot",
    "violin": "boxplot",
    "boxen": "boxplot",
    "bar": "bar",
    "point": "line",
    "count": "count",
}
NEEDS_BOTH = {"point", "line"}
SKIPPED = {"heatmap", "clustermap", "kdeplot", "ecdfplot", "rugplot", "residplot", "pairplot"}


@dataclass
class Table:
    name: str
    path: Path
    columns: list[str]
    n_rows: int


@dataclass
class Gallery:
    charts: dict[str, dict[tuple[str, tuple[str, ...]], str]] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)


# --- sources -----------------------------------------------------------------------------
def notebook_cells(path: Path) -> list[str]:
    """The code cells of a notebook, IPython magics and shell lines removed."""
    cells = []
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = cell["source"]
        text = "".join(source) if isinstance(source, list) else source
        lines = [ln for ln in text.splitlines() if not ln.lstrip().startswith(("%", "!"))]
        cells.append("\n".join(lines))
    return cells


def sources(seaborn: Path, tutorials: bool = False) -> Iterator[tuple[str, list[str]]]:
    """(label, code units sharing one namespace): the API notebooks, the gallery, [tutorials]."""
    for path in sorted((seaborn / "doc" / "_docstrings").glob("*.ipynb")):
        yield f"doc/_docstrings/{path.name}", notebook_cells(path)
    for path in sorted((seaborn / "examples").glob("*.py")):
        yield f"examples/{path.name}", [path.read_text()]
    if tutorials:
        for path in sorted((seaborn / "doc" / "_tutorial").glob("*.ipynb")):
            yield f"doc/_tutorial/{path.name}", notebook_cells(path)


def one_line(text: str) -> str:
    """A call's source on one line: lines stripped and joined, no space inside brackets."""
    out = ""
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        if out and not out.endswith(("(", "[", "{")) and not line.startswith((")", "]", "}")):
            out += " "
        out += line
    return re.sub(r",\s*([)\]}])", r"\1", out)


# --- reading the calls --------------------------------------------------------------------
class Reader:
    """Walks one source's statements in order, tracking which variable holds which table."""

    def __init__(self, tables: dict[str, Table], gallery: Gallery) -> None:
        self.tables = tables
        self.gallery = gallery
        self.sns: set[str] = set()  # names bound to the seaborn module
        self.loaders: set[str] = set()  # names bound to seaborn.load_dataset
        self.env: dict[str, str] = {}  # variable -> table name

    # tables
    def table_of(self, node: ast.expr) -> str | None:
        """The table an expression evaluates to, with every column of the CSV; or None."""
        if isinstance(node, ast.Name):
            return self.env.get(node.id)
        if not isinstance(node, ast.Call):
            return None
        func = node.func
        is_loader = (isinstance(func, ast.Name) and func.id in self.loaders) or (
            isinstance(func, ast.Attribute)
            and func.attr == "load_dataset"
            and isinstance(func.value, ast.Name)
            and func.value.id in self.sns
        )
        if is_loader:
            if (
                len(node.args) == 1
                and not node.keywords
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                return node.args[0].value
            return None
        if isinstance(func, ast.Attribute) and func.attr in ROW_METHODS:
            if any(k.arg == "inplace" for k in node.keywords):
                return None
            return self.table_of(func.value)
        return None

    def forget(self, node: ast.expr) -> None:
        """A variable (or the variable a subscript/attribute hangs on) no longer holds a table."""
        while isinstance(node, ast.Subscript | ast.Attribute):
            node = node.value
        if isinstance(node, ast.Name):
            self.env.pop(node.id, None)

    def assign(self, target: ast.expr, value: ast.expr | None) -> None:
        if isinstance(target, ast.Name):
            table = self.table_of(value) if value is not None else None
            if table is None:
                self.env.pop(target.id, None)
            else:
                self.env[target.id] = table
        elif isinstance(target, ast.Tuple | ast.List | ast.Starred):
            for name in ast.walk(target):
                if isinstance(name, ast.Name):
                    self.env.pop(name.id, None)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            held = self.tables.get(self.env.get(target.value.id, ""))
            key = target.slice
            new_column = (
                held is not None
                and isinstance(key, ast.Constant)
                and isinstance(key.value, str)
                and key.value not in held.columns
            )
            if not new_column:  # overwriting a column (or an unknown key): values differ
                self.forget(target)
        else:
            self.forget(target)

    # statements
    def run(self, code: str, label: str) -> None:
        try:
            tree = ast.parse(code)
        except SyntaxError:
            self.gallery.dropped["cell that does not parse"] += 1
            return
        self.statements(tree.body, code, label)

    def statements(self, body: list[ast.stmt], code: str, label: str) -> None:
        for stmt in body:
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if isinstance(stmt, ast.Import):
                for alias in stmt.names:
                    if alias.name == "seaborn":
                        self.sns.add(alias.asname or "seaborn")
                continue
            if isinstance(stmt, ast.ImportFrom):
                for alias in stmt.names:
                    if stmt.module == "seaborn" and alias.name == "load_dataset":
                        self.loaders.add(alias.asname or alias.name)
                continue
            nested = [
                getattr(stmt, attr)
                for attr in ("body", "orelse", "finalbody", "handlers")
                if isinstance(getattr(stmt, attr, None), list)
            ]
            if nested:  # for / while / if / with / try: their own statements, in order
                for part in nested:
                    for item in part:
                        if isinstance(item, ast.ExceptHandler):
                            self.statements(item.body, code, label)
                    self.statements([s for s in part if isinstance(s, ast.stmt)], code, label)
                if isinstance(stmt, ast.For | ast.AsyncFor):
                    self.assign(stmt.target, None)
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call):
                    self.call(node, code, label)
            self.mutations(stmt)
            if isinstance(stmt, ast.Assign):
                for target in stmt.targets:
                    self.assign(target, stmt.value)
            elif isinstance(stmt, ast.AnnAssign):
                self.assign(stmt.target, stmt.value)
            elif isinstance(stmt, ast.AugAssign):
                self.forget(stmt.target)

    def mutations(self, stmt: ast.stmt) -> None:
        """Forget tables changed in place by a method call (.pop, .insert, inplace=True)."""
        for node in ast.walk(stmt):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                inplace = any(
                    k.arg == "inplace"
                    and not (isinstance(k.value, ast.Constant) and not k.value.value)
                    for k in node.keywords
                )
                if node.func.attr in MUTATORS or inplace:
                    self.forget(node.func.value)

    # calls
    def function_name(self, call: ast.Call) -> str | None:
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id in self.sns
        ):
            return func.attr
        return None

    def call(self, call: ast.Call, code: str, label: str) -> None:
        name = self.function_name(call)
        if name is None or name == "load_dataset":
            return
        if name not in FUNCTIONS:
            if name in SKIPPED or name.endswith("Grid"):
                self.gallery.dropped[f"skipped function ({name})"] += 1
            return
        drop = self.gallery.dropped
        keywords = {k.arg: k.value for k in call.keywords if k.arg is not None}
        if len(call.args) > 1 or any(k.arg is None for k in call.keywords):
            drop["positional x/y or **kwargs"] += 1
            return
        data = keywords.get("data", call.args[0] if call.args else None)
        table = None
        if data is not None:
            table = self.table_of(data)
            if table is None:
                drop["data is not a load_dataset table"] += 1
                return
        fields: dict[str, str] = {}
        for channel in ("x", "y"):
            value = keywords.get(channel)
            if value is None or (isinstance(value, ast.Constant) and value.value is None):
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                fields[channel] = value.value
                continue
            if (
                isinstance(value, ast.Subscript)
                and isinstance(value.slice, ast.Constant)
                and isinstance(value.slice.value, str)
            ):
                owner = self.table_of(value.value)
                if owner is not None and (table is None or table == owner):
                    table = owner
                    fields[channel] = value.slice.value
                    continue
            drop["x/y not a column name"] += 1
            return
        if table is None:
            drop["no table (wide form or arrays)"] += 1
            return
        if table not in self.tables:
            drop[f"table not in seaborn-data ({table})"] += 1
            return
        if any(f not in self.tables[table].columns for f in fields.values()):
            drop["x/y not a column of the CSV"] += 1
            return
        kind_node = keywords.get("kind")
        if kind_node is not None and not (
            isinstance(kind_node, ast.Constant) and isinstance(kind_node.value, str)
        ):
            drop["kind not a literal"] += 1
            return
        kind = (
            kind_node.value
            if isinstance(kind_node, ast.Constant) and isinstance(kind_node.value, str)
            else None
        )
        scatter = keywords.get("scatter")
        fit_only = isinstance(scatter, ast.Constant) and scatter.value is False
        sig = signature(FUNCTIONS[name], kind, fields, fit_only)
        if sig is None:
            drop[f"kind or fields not mapped ({name}, kind={kind})"] += 1
            return
        segment = ast.get_source_segment(code, call) or ""
        charts = self.gallery.charts.setdefault(table, {})
        charts.setdefault(sig, one_line(segment))
        drop["kept"] += 1


def signature(
    how: str, kind: str | None, fields: dict[str, str], fit_only: bool = False
) -> tuple[str, tuple[str, ...]] | None:
    """(mark, sorted positional fields) by the mapping in the module docstring; None = skip."""
    if how == "rel":
        how = {None: "point", "scatter": "point", "line": "line"}.get(kind, "")
    elif how == "reg":
        how = "line" if fit_only else "point"
    elif how == "joint":
        how = {None: "point", "scatter": "point", "reg": "point", "hist": "hist"}.get(kind, "")
    elif how == "dist":
        how = {None: "hist", "hist": "hist"}.get(kind, "")
    elif how == "cat":
        how = CATPLOT_KINDS.get(kind, "")
    if not how or not fields:
        return None
    values = sorted(set(fields.values()))
    if how in ("hist", "count"):
        if len(fields) == 1:
            return "bar", tuple(sorted(["*", *values]))
        return ("rect", tuple(values)) if how == "hist" else None
    if how in NEEDS_BOTH and len(fields) < 2:
        return None
    return how, tuple(values)


# --- main -------------------------------------------------------------------------------------
def load_tables(seaborn_data: Path) -> dict[str, Table]:
    tables = {}
    for path in sorted(seaborn_data.glob("*.csv")):
        frame = pd.read_csv(path)
        tables[path.stem] = Table(path.stem, path, [str(c) for c in frame.columns], len(frame))
    return tables


def build(seaborn: Path, seaborn_data: Path, out: Path, tutorials: bool = False) -> list[dict]:
    tables = load_tables(seaborn_data)
    if not tables:
        raise SystemExit(f"no CSV files in {seaborn_data}")
    gallery = Gallery()
    n_sources = 0
    for label, units in sources(seaborn, tutorials):
        n_sources += 1
        reader = Reader(tables, gallery)
        for code in units:
            reader.run(code, label)
    if not n_sources:
        raise SystemExit(f"no doc/_docstrings/*.ipynb or examples/*.py under {seaborn}")

    excluded = exclusions(EXCLUDED, {n: t.columns for n, t in tables.items()})
    print(f"{n_sources} sources read; calls: {dict(gallery.dropped.most_common())}")
    entries = choose(
        (
            Candidate(
                name,
                f"{PREFIX}{name}.csv",
                tables[name].n_rows,
                tables[name].columns,
                gallery.charts[name],
                excluded.get(name),
            )
            for name in sorted(gallery.charts)
        ),
        MIN_CHARTS,
    )
    write_benchmark(
        out,
        PREFIX,
        entries,
        lambda entry, path: shutil.copyfile(tables[entry["dataset"][len(PREFIX) : -4]].path, path),
    )
    return entries


def main() -> None:
    parser = argument_parser(
        __doc__,
        {
            "--seaborn": "extracted seaborn source",
            "--seaborn-data": "extracted seaborn-data checkout",
        },
        DEFAULT_OUT,
    )
    parser.add_argument(
        "--tutorials",
        action="store_true",
        help="also read doc/_tutorial/*.ipynb (after the default sources; off by default)",
    )
    args = parser.parse_args()
    build(args.seaborn, args.seaborn_data, args.out, args.tutorials)


if __name__ == "__main__":
    main()
