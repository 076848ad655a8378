"""The size report: each artifact zipped and unzipped, each function against Lambda's limits.

Lambda takes a zip of at most 50 MB uploaded directly, and a function's code and layers may hold
at most 250 MB unzipped. Going over is an error that names the largest packages and the way out.
"""

from __future__ import annotations

from collections import defaultdict

from lambdaworks.build.artifacts import CODE, BuildResult

MB = 1024 * 1024
ZIPPED_LIMIT = 50 * MB
UNZIPPED_LIMIT = 250 * MB
TOP = 10


def human(size: int) -> str:
    for unit, scale in (("MB", MB), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def table(rows: list[tuple[str, ...]]) -> list[str]:
    """Rows as lines of left-aligned columns."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def largest_packages(result: BuildResult) -> list[tuple[str, int]]:
    sizes: dict[str, int] = defaultdict(int)
    for artifact in result.artifacts.values():
        for package, size in artifact.packages.items():
            sizes[package] = max(sizes[package], size)
    return sorted(sizes.items(), key=lambda item: (-item[1], item[0]))[:TOP]


def report(result: BuildResult) -> list[str]:
    """The report's lines: artifacts, functions, largest packages, what was left out."""
    rows: list[tuple[str, ...]] = [("ARTIFACT", "KIND", "ZIPPED", "UNZIPPED", "FILES", "")]
    for a in result.artifacts.values():
        rows.append(
            (a.name, a.kind, human(a.size), human(a.unzipped), str(a.files), "built" if a.built else "unchanged")
        )
    lines = [*table(rows), ""]
    rows = [("FUNCTION", "CODE", "LAYERS", "UNZIPPED", "OF 250 MB")]
    for f in result.functions.values():
        total = result.unzipped_total(f)
        layers = ", ".join(f.layers) or "-"
        rows.append((f.name, f.code, layers, human(total), f"{100 * total / UNZIPPED_LIMIT:.1f}%"))
    lines += table(rows)
    packages = largest_packages(result)
    if packages:
        lines += ["", "Largest packages: " + ", ".join(f"{name} {human(size)}" for name, size in packages)]
    left_out = excluded_lines(result)
    if left_out:
        lines += ["", "Left out:"] + [f"  {line}" for line in left_out]
    return lines


def excluded_lines(result: BuildResult) -> list[str]:
    """One line per reason, over every artifact, with the paths (or how many) and their size."""
    by_reason: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for a in result.artifacts.values():
        for item in a.excluded:
            where = item.path if a.kind != CODE else f"{a.name[5:-4]}/{item.path}"
            by_reason[item.reason].append((where, item.size))
    lines = []
    for reason, items in sorted(by_reason.items()):
        paths = sorted({p for p, _ in items})
        shown = ", ".join(paths[:4]) + (f" and {len(paths) - 4} more" if len(paths) > 4 else "")
        size = sum(s for _, s in items)
        lines.append(f"{reason}: {shown}" + (f" ({human(size)})" if size else ""))
    return lines


def problems(result: BuildResult) -> list[str]:
    """What is over Lambda's limits, each with what to do about it."""
    found = []
    for a in result.artifacts.values():
        if a.size > ZIPPED_LIMIT:
            advice = (
                "move its dependencies to a layer (the default; drop --no-layer) or exclude files with .lambdaignore"
                if a.kind == CODE
                else "split it into layers or trim what it installs"
            )
            found.append(f"{a.name} is {human(a.size)} zipped, over Lambda's 50 MB for a direct upload: {advice}")
    for f in result.functions.values():
        total = result.unzipped_total(f)
        if total > UNZIPPED_LIMIT:
            top = ", ".join(f"{n} {human(s)}" for n, s in largest_packages(result)[:5])
            found.append(
                f"{f.name} is {human(total)} unzipped with its layers, over Lambda's 250 MB. Largest packages: "
                f"{top or '-'}. Exclude what it does not need (.lambdaignore), drop heavy dependencies, or ship it "
                "as a container image (10 GB)."
            )
    return found
