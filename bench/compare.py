"""Two runs of bench/pages.py side by side (issue 14): before and after a change.

    .venv/bin/python bench/compare.py BEFORE.json AFTER.json
    .venv/bin/python bench/compare.py b1.json,b2.json,b3.json a1.json,a2.json,a3.json

Each file is an artifacts/bench-pages.json written by bench/pages.py (run it on each version
of the code, on the same machine, and copy the file away between the runs). A side may be
several runs, comma-separated (best alternated, before and after in turn): each page's
in-process figures are then those of its lowest median among them, the run least disturbed
by whatever else the machine was doing; the load figures are the first file's. Prints one
markdown table per database for the in-process figures (median ms and SQL statements, and
whether the page meets the goal: median under 15 ms, at most 10 statements) and one for the
load run (req/s, p99 and the share of the hello world measured in the same run).
"""

import json
import sys
from pathlib import Path

GOAL_MS, GOAL_STATEMENTS = 15.0, 10
LOAD_GOAL_LOGIN, LOAD_GOAL_PUBLIC = 0.15, 0.35


def _pages(result: dict) -> dict[tuple[str, str], dict]:
    return {(p["role"], p["name"]): p for p in result["pages"]}


def _met(page: dict | None) -> bool:
    return page is not None and page["median_ms"] < GOAL_MS and page["statements"] <= GOAL_STATEMENTS


def in_process(before: dict, after: dict, database: str) -> str:
    old, new = _pages(before["in_process"][database]), _pages(after["in_process"][database])
    lines = [
        f"#### In-process, {database}: median ms (SQL statements), before → after",
        "",
        "| role | page | before | after | goal met before → after |",
        "|---|---|---|---|---|",
    ]
    met = [0, 0]
    for key, page in new.items():
        was = old.get(key)
        if key[0] != "-":
            met[0] += _met(was)
            met[1] += _met(page)
        before_text = f"{was['median_ms']:.1f} ({was['statements']})" if was else "-"
        goal = "" if key[0] == "-" else f"{'yes' if _met(was) else 'no'} → {'yes' if _met(page) else 'no'}"
        lines.append(
            f"| {key[0]} | {key[1]} | {before_text} | {page['median_ms']:.1f} ({page['statements']}) | {goal} |"
        )
    pages = sum(1 for key in new if key[0] != "-")
    lines += ["", f"Goal met: {met[0]} of {pages} pages before, {met[1]} of {pages} after.", ""]
    return "\n".join(lines)


def load(before: dict, after: dict) -> str:
    old, new = _pages(before["load"]), _pages(after["load"])
    lines = [
        "#### Under load: gunicorn -w 2, PostgreSQL, "
        f"{after['load']['connections']} connections (hello world before: {before['load']['hello_rps']:.0f} "
        f"req/s, after: {after['load']['hello_rps']:.0f} req/s, each the mean of its own run)",
        "",
        "| role | page | req/s before → after | p99 ms before → after | share of hello world before → after |",
        "|---|---|---|---|---|",
    ]
    for key, page in new.items():
        was = old.get(key, {})
        lines.append(
            f"| {key[0]} | {key[1]} | {was.get('rps', 0):.0f} → {page['rps']:.0f} "
            f"| {was.get('p99_ms', 0):.0f} → {page.get('p99_ms', 0):.0f} "
            f"| {was.get('share', 0):.0%} → {page['share']:.0%} |"
        )
    return "\n".join(lines) + "\n"


def best_of(names: str) -> dict:
    """The runs named (comma-separated) as one: each page's row from the run where its median
    was lowest."""
    runs = [json.loads(Path(name).read_text()) for name in names.split(",")]
    merged = runs[0]
    for database, result in merged.get("in_process", {}).items():
        others = [
            _pages(run["in_process"][database]) for run in runs if database in run.get("in_process", {})
        ]
        result["pages"] = [
            min((found[key] for found in others if key in found), key=lambda row: row["median_ms"])
            for key in _pages(result)
        ]
    return merged


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    before, after = (best_of(names) for names in sys.argv[1:])
    for database in after.get("in_process", {}):
        if database in before.get("in_process", {}):
            print(in_process(before, after, database))
    if "load" in before and "load" in after:
        print(load(before, after))


if __name__ == "__main__":
    main()
