"""Cache commands: where the cache is, and clearing it."""

from __future__ import annotations

import typer

from positions.cli.app import ListFormat, app, echo

cache_app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    help="Show or clear the cache of parsed corpus files, statement embeddings and scores of large source pairs.",
)
app.add_typer(cache_app, name="cache")


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


@cache_app.command("info")
def cache_info(fmt: ListFormat = typer.Option(ListFormat.table, "--format", help="table or json.")) -> None:
    """Show the cache folder, its files and their size.

    The folder is $POSITIONS_CACHE_DIR if set, else the platform's user cache folder.

    Example: positions cache info
    """
    from positions.cache import cache_dir, cache_files

    folder = cache_dir()
    files = cache_files(folder)
    sizes = [p.stat().st_size for p in files]
    if fmt is ListFormat.json:
        from positions.render.json import to_json

        entries = [{"name": p.name, "bytes": n} for p, n in zip(files, sizes, strict=True)]
        echo(to_json({"folder": str(folder), "files": entries, "bytes": sum(sizes)}))
        return
    lines = [f"cache folder: {folder}"]
    lines += [f"  {p.name}  {_size(n)}" for p, n in zip(files, sizes, strict=True)]
    lines.append(f"{len(files)} file{'s' if len(files) != 1 else ''}, {_size(sum(sizes))}")
    echo("\n".join(lines) + "\n")


@cache_app.command("clear")
def cache_clear() -> None:
    """Delete the cached parsed files, embeddings and scores (rebuilt when next needed).

    Only files positions wrote are removed; anything else in the folder is left alone.

    Example: positions cache clear
    """
    from positions.cache import clear_cache

    folder, removed, size = clear_cache()
    echo(f"removed {removed} cache file{'s' if removed != 1 else ''} ({_size(size)}) from {folder}\n")
