"""The ``policy-search`` command: a thin click layer over ``indexer.api``.

Exit status: 0 success (search: with hits), 1 search without hits, 2 usage error (bad
query, missing index or path), 3 some files could not be indexed.
"""

from __future__ import annotations

import functools
import re
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from indexer.api import FACETS, INDEX_ENV, PolicyIndex, default_index_dir, open_store
from indexer.cluster.connection import AUTH_ENV
from indexer.cluster.connection import URL_ENV as OPENSEARCH_ENV
from indexer.errors import CannotRepair, PolicySearchError
from indexer.ingest.labels import FIELDS
from indexer.interface import DEFAULT_LIMIT
from indexer.output import (
    counts_table,
    format_comparison,
    format_documents,
    format_glossary,
    format_new_terms,
    format_search,
    format_targets,
    format_terms,
    format_usage,
    hits_csv,
    hits_ndjson,
    new_terms_csv,
    targets_csv,
    to_json,
    use_color,
)
from indexer.store import WORD_TABLE_DAMAGE, check_index

EXIT_NO_HITS, EXIT_USAGE, EXIT_SOME_FAILED = 1, 2, 3


class CommandError(click.ClickException):
    """One line on stderr, no traceback, exit status 2."""

    exit_code = EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--index",
    "index_dir",
    envvar=INDEX_ENV,
    default=default_index_dir,
    show_default="per-user data dir, or $POLICY_SEARCH_INDEX",
    type=click.Path(file_okay=False, path_type=Path),
    help="Index directory.",
)
@click.version_option(package_name="policy-search")
@click.pass_context
def cli(ctx: click.Context, index_dir: Path) -> None:
    """Search Chinese government policy documents: grep-level recall, ranked results."""
    ctx.obj = index_dir


def index_option(command: Any) -> Any:
    """``--index DIR`` after the subcommand as well as before it (``policy-search index
    PATHS --index DIR``, as people type a directory option: ``git -C``, Datasette): given
    there, it wins over the one before the subcommand and ``$POLICY_SEARCH_INDEX``."""
    return click.option(
        "--index",
        "index_dir",
        default=None,
        expose_value=False,
        callback=_use_index,
        type=click.Path(file_okay=False, path_type=Path),
        help="Index directory (also accepted before the subcommand).",
    )(command)


def _use_index(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.obj = value  # this subcommand's context: the group's stays as it was


def opensearch_option(command: Any) -> Any:
    """``--opensearch URL`` (or ``$POLICY_SEARCH_OPENSEARCH``): an OpenSearch cluster
    instead of the local index (``indexer.cluster``)."""
    return click.option(
        "--opensearch",
        metavar="URL",
        envvar=OPENSEARCH_ENV,
        help="An OpenSearch cluster (http(s)://host:port, several comma-separated) instead "
        f"of the local index; credentials from ${AUTH_ENV} (user:password).",
    )(command)


def one_line_errors(command: Any) -> Any:
    """Our errors as one line on stderr and exit status 2 (``CommandError``), never a
    traceback, wherever in the command they are raised."""

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PolicySearchError as exc:
            raise CommandError(str(exc)) from None

    return run


def table_format_option(row: str) -> Any:
    """``--format text|json|csv`` for a command whose answer is a table of ``row``s."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["text", "json", "csv"]),
        default="text",
        help=f"Output format (csv: one row per {row}, with a byte-order mark).",
    )


def echo_table(fmt: str, data: dict[str, Any], csv: Any, text: Callable[[], str]) -> None:
    """A table's answer as ``fmt`` says: JSON of ``data``, the ``csv`` lines, or ``text()``."""
    if fmt == "json":
        click.echo(to_json(data))
    elif fmt == "csv":
        for line in csv:
            click.echo(line, nl=False)
    else:
        click.echo(text())


def json_option(what: str) -> Any:
    """``--json``: print ``what`` as JSON instead of text."""
    return click.option("--json", "as_json", is_flag=True, help=f"Print {what} as JSON.")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--rebuild", is_flag=True, help="Start a fresh index (swapped in when done).")
@click.option("--prune", is_flag=True, help="Drop documents whose source file is gone.")
@click.option(
    "--meta",
    "meta_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help='JSON {"file name": {"title": …, "region": …, "year": …}}: supply or correct metadata.',
)
@json_option("the report")
@opensearch_option
@click.option("--shards", type=click.IntRange(1, 1024), help="With --opensearch: primary shards.")
@click.option("--replicas", type=click.IntRange(0, 16), help="With --opensearch: copies of each.")
@index_option
@click.pass_context
@one_line_errors
def index(
    ctx: click.Context,
    paths: tuple[Path, ...],
    rebuild: bool,
    prune: bool,
    meta_file: Path | None,
    as_json: bool,
    opensearch: str | None,
    shards: int | None,
    replicas: int | None,
) -> None:
    """Index files and folders; unchanged files are skipped.

    A sidecar NAME.meta.json next to a file supplies or corrects its metadata too. With
    --opensearch, the local index is the workspace and the cluster then serves its state
    as a new generation (the previous one answers until the switch).
    """
    if (shards or replicas is not None) and not opensearch:
        raise CommandError("--shards and --replicas go with --opensearch URL")
    from indexer.ingest.overrides import load_meta_file  # metadata's extractor: indexing only

    try:
        meta = load_meta_file(meta_file) if meta_file else {}
        report = PolicyIndex.update(ctx.obj, list(paths), rebuild=rebuild, prune=prune, meta=meta)
        published = None
        if opensearch:
            from indexer.cluster.publish import publish_to

            published = publish_to(
                ctx.obj, opensearch, shards=shards, replicas=replicas, rebuild=rebuild
            )
    except KeyboardInterrupt:
        raise CommandError("interrupted; the index keeps its last committed state") from None
    for path, reason in report.failed:
        click.echo(f"skipped: {path}: {reason}", err=True)
    if as_json:
        data = {"index": str(ctx.obj), **report.as_dict()}
        if published is not None:
            data["opensearch"] = published.as_dict()
        click.echo(to_json(data))
    click.echo(report.summary(), err=as_json)
    if published is not None:
        click.echo(published.summary(), err=as_json)
    if report.failed:
        sys.exit(EXIT_SOME_FAILED)


# "-优化" or "-pm2.5" is a query term (NOT …), not an option: no short options here.
@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]})
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=DEFAULT_LIMIT, show_default=True, type=click.IntRange(1))
@click.option("--offset", default=0, type=click.IntRange(0), help="Skip this many hits.")
@click.option("--all", "show_all", is_flag=True, help="Return every hit.")
@click.option("--literal", is_flag=True, help="Search the whole query as one literal string.")
@click.option(
    "--exact",
    is_flag=True,
    help="Only paragraphs holding the query as written (no related paragraphs, no fillers).",
)
@click.option("--region", help="Only this region, e.g. 新华区.")
@click.option("--year", help="Only this year or range, e.g. 2022 or 2021-2023.")
@click.option("--doc", help="Only this document (file name or its prefix).")
@json_option("the result (--format json)")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv", "ndjson"]),
    default="text",
    help="Hits as text, JSON, CSV (UTF-8 with BOM) or NDJSON; with --all, streamed.",
)
@click.option(
    "--counts",
    type=click.Choice(FACETS),
    help="Print the exact number of matching paragraphs per year, region or doc instead.",
)
@click.option(
    "--show-query",
    is_flag=True,
    help="Print how the query is looked up (posting lists, key checks), on stderr.",
)
@opensearch_option
@index_option
@click.pass_context
@one_line_errors
def search(
    ctx: click.Context,
    query: tuple[str, ...],
    limit: int,
    offset: int,
    show_all: bool,
    literal: bool,
    exact: bool,
    region: str | None,
    year: str | None,
    doc: str | None,
    as_json: bool,
    fmt: str,
    counts: str | None,
    show_query: bool,
    opensearch: str | None,
) -> None:
    """Search paragraphs, best matches first.

    Words are AND-ed; use "exact phrase", OR, NOT word or -word, parentheses, and
    region:新华区, year:2022, doc:FILE. Every word matches as a literal string, like grep;
    headings come as sections, a text printed twice as one hit naming its copies, and
    paragraphs holding a term's words apart as related hits, never counted (--exact: none).
    """
    fmt = "json" if as_json else fmt
    export = fmt in ("csv", "ndjson") or counts is not None
    with open_store(ctx.obj, opensearch) as ix:
        result = ix.search(
            " ".join(query),
            limit=1 if counts else None if show_all else limit,
            offset=offset,
            literal=literal,
            filters={"region": region, "year": year, "doc": doc},
            facets=fmt == "json" or counts is not None,  # the terminal shows none
            stream=export,
            related=not exact,
        )
        if show_query:
            click.echo(result.parsed, err=True)
        if counts is not None:
            lines = counts_table(result.facets.get(counts, {}), counts, fmt)
        elif fmt == "csv":
            lines = hits_csv(result.every_paragraph())
        elif fmt == "ndjson":
            lines = hits_ndjson(result.every_paragraph())
        elif fmt == "json":
            lines = iter([to_json(result.as_dict()) + "\n"])
        else:
            lines = iter([format_search(result, use_color(sys.stdout)) + "\n"])
        for line in lines:  # streamed hits are read from the index as they are written
            click.echo(line, nl=False)
    if not result.total:
        sys.exit(EXIT_NO_HITS)


@cli.command()
@json_option("the documents")
@opensearch_option
@index_option
@click.pass_context
@one_line_errors
def docs(ctx: click.Context, as_json: bool, opensearch: str | None) -> None:
    """List the indexed documents with their metadata."""
    with open_store(ctx.obj, opensearch) as ix:
        documents = ix.documents()
    if as_json:
        keys = ("doc", *FIELDS, "paragraphs", "path")
        click.echo(to_json({"documents": [{k: d.get(k) for k in keys} for d in documents]}))
    else:
        click.echo(format_documents(documents))


@cli.command()
@click.argument("term", required=False)
@click.option(
    "--list", "list_terms", is_flag=True, help="List every term, with its use in the corpus."
)
@click.option("--usage", is_flag=True, help="Also show where the term is used.")
@json_option("the result")
@opensearch_option
@index_option
@click.pass_context
@one_line_errors
def glossary(
    ctx: click.Context,
    term: str | None,
    list_terms: bool,
    usage: bool,
    as_json: bool,
    opensearch: str | None,
) -> None:
    """Look up what a term means, in every report that defines it.

    Quote marks, full-width forms and case do not matter, and a number finds the terms
    built on it: `glossary 13710` finds “13710”工作法 and 13710工作制度. Abbreviations
    no report defines are explained by the lists of the corpus they stand for (六稳:
    稳就业、稳金融、…). A term nothing explains shows where it is used; exits 1, with the
    closest terms, only when the corpus does not hold TERM at all.
    """
    if list_terms == bool(term):
        raise CommandError("give a TERM to look up, or --list")
    color = use_color(sys.stdout)
    with open_store(ctx.obj, opensearch) as ix:
        if list_terms:
            terms = ix.glossary_terms()
            click.echo(to_json({"terms": terms}) if as_json else format_terms(terms))
            return
        result = ix.glossary(term or "")
        # Usage when asked for, and where nothing explains the term: it is the answer then.
        where = ix.usage(term or "") if usage or not result.entries else None
    used = where is not None and where.occurrences > 0
    hint = f"; closest: {'、'.join(result.suggestions)}" if result.suggestions else ""
    if as_json:
        data = result.as_dict()
        if where is not None and (usage or used):
            data["usage"] = where.as_dict()
        click.echo(to_json(data))
    else:
        if result.entries:
            click.echo(format_glossary(result, color))
        elif used:
            click.echo(f"nothing in the corpus explains {term}; where it is used:")
        if where is not None and (usage or used):
            click.echo(("\n" if result.entries else "") + format_usage(where, color))
        if used and not result.entries:
            typed = term if re.fullmatch(r"[\w+.%-]+", term or "") else shlex.quote(term or "")
            click.echo(f"\nsearch every use: policy-search search {typed}{hint}")
    if not result.entries and not used:
        click.echo(f"no glossary entry for {term}, nor any use of it{hint}", err=True)
        sys.exit(EXIT_NO_HITS)


@cli.command("new-terms")
@click.option("--year", required=True, type=click.IntRange(1), help="The year, e.g. 2023.")
@click.option("--region", help="Compare with this region's earlier reports only.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@json_option("the terms")
@table_format_option("term")
@index_option
@click.pass_context
@one_line_errors
def new_terms(
    ctx: click.Context, year: int, region: str | None, limit: int, as_json: bool, fmt: str
) -> None:
    """What the reports of a year say that no earlier report did.

    A listed term occurs in a report of YEAR (of --region) and in no report of an
    earlier year (of that region; of the whole index otherwise), under the same literal
    matching as search: `search TERM --year 1000-<YEAR-1>` finds nothing. Most salient first
    (repeated, quoted, in headings or the glossary, used later and by other regions).
    Exit status 1 when nothing is new or there is nothing earlier to compare with.
    """
    fmt = "json" if as_json else fmt
    with PolicyIndex.open(ctx.obj) as ix:
        found = ix.new_terms(year, region=region, limit=limit)
    text = functools.partial(format_new_terms, found, use_color(sys.stdout))
    echo_table(fmt, found.as_dict(), new_terms_csv(found), text)
    if not found.terms:
        sys.exit(EXIT_NO_HITS)


@cli.command()
@click.argument("doc_a")
@click.argument("doc_b")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1))
@json_option("the comparison")
@index_option
@click.pass_context
@one_line_errors
def compare(ctx: click.Context, doc_a: str, doc_b: str, limit: int, as_json: bool) -> None:
    """Report DOC_B against report DOC_A (document ids, as `docs` lists them).

    `added`: terms B uses and A never does; `dropped`: the reverse — exact, like
    new-terms, ranked as it ranks them, each with where it stands; then both reports'
    targets side by side by indicator (the values as printed, `-` where one has none).
    """
    with PolicyIndex.open(ctx.obj) as ix:
        found = ix.compare(doc_a, doc_b, limit=limit)
    if as_json:
        click.echo(to_json(found.as_dict()))
    else:
        click.echo(format_comparison(found, use_color(sys.stdout)))


@cli.command()
@click.option("--year", help="Only this year or range, e.g. 2022 or 2021-2023.")
@click.option("--region", help="Only this region, e.g. 新华区.")
@click.option("--doc", help="Only this document (file name or its prefix).")
@click.option("--indicator", help="Only indicators holding this text, e.g. 生产总值.")
@json_option("the table")
@table_format_option("target")
@index_option
@click.pass_context
@one_line_errors
def targets(
    ctx: click.Context,
    year: str | None,
    region: str | None,
    doc: str | None,
    indicator: str | None,
    as_json: bool,
    fmt: str,
) -> None:
    """The targets each report states for its year (its 主要预期目标), one row per
    indicator: the value as printed, its numbers, unit and modifier (左右, 以上, 以内).
    Last year's results, quoted in the same words, are not targets. Exit status 1 when
    no report states one."""
    fmt = "json" if as_json else fmt
    with PolicyIndex.open(ctx.obj) as ix:
        table = ix.targets(year=year, region=region, doc=doc, indicator=indicator)
    echo_table(fmt, table.as_dict(), targets_csv(table), functools.partial(format_targets, table))
    if not table.targets:
        sys.exit(EXIT_NO_HITS)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads per server process.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Server processes: more than 1 runs gunicorn (Linux), one per core is a good start.",
)
@click.option(
    "--result-cache",
    default=512,
    show_default=True,
    type=click.IntRange(0),
    help="Result pages kept in memory for repeated queries (0: none).",
)
@click.option(
    "--get",
    "get_path",
    metavar="PATH",
    help="Answer one request (e.g. '/api/search?q=六稳') and exit.",
)
@opensearch_option
@index_option
@click.pass_context
@one_line_errors
def serve(
    ctx: click.Context,
    host: str,
    port: int,
    threads: int,
    workers: int,
    result_cache: int,
    get_path: str | None,
    opensearch: str | None,
) -> None:
    """Serve the search site and its JSON API (waitress, or gunicorn with --workers;
    Ctrl-C or SIGTERM stops it)."""
    from search_web import create_app
    from search_web.server import prefork_unavailable, run, run_workers

    if workers > 1 and get_path is None and (reason := prefork_unavailable()):
        raise CommandError(f"--workers {workers} needs gunicorn on Linux: {reason}")
    # Forked workers share a lexicon read before the fork; one process answers searches
    # at once and reads the lexicon (seconds at 1 GB) when a request first needs it.
    lexicon = "start" if workers > 1 or get_path is not None else "first use"
    app = create_app(
        {
            "INDEX_DIR": str(ctx.obj),
            "OPENSEARCH": opensearch,
            "RESULT_CACHE": result_cache,
            "LEXICON": lexicon,
        }
    )
    if get_path is not None:
        response = app.test_client().get(get_path)
        click.echo(response.get_data(as_text=True))
        sys.exit(0 if response.status_code < 400 else EXIT_USAGE)
    if workers > 1:
        run_workers(app, host, port, threads, workers)
    else:
        run(app, host, port, threads)


@cli.command()
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--format", "fmt", type=click.Choice(["opensearch"]), default="opensearch", show_default=True
)
@index_option
@click.pass_context
@one_line_errors
def export(ctx: click.Context, out: Path, fmt: str) -> None:
    """Write the index for Elasticsearch/OpenSearch: mapping.json and bulk NDJSON files
    with our segmentation, n-grams, glossary and pinyin lexicon."""
    from indexer.export import export as write_export

    with PolicyIndex.open(ctx.obj) as ix:
        counts = write_export(ix, out)
    click.echo(", ".join(f"{n} {name}" for name, n in counts.items()) + f" written to {out}")


@cli.command()
@click.option(
    "--repair",
    is_flag=True,
    help="Re-index the reports of damaged segments from their source files.",
)
@json_option("the report")
@index_option
@click.pass_context
@one_line_errors
def check(ctx: click.Context, repair: bool, as_json: bool) -> None:
    """Read every posting list, record and match key of the index, as `git fsck` reads
    every object. Exits 2, with one line per damaged segment naming its files, if any
    cannot be read. --repair re-indexes the reports those segments hold from their
    source files and drops the segments, then checks again."""
    problems, read = check_index(ctx.obj)
    if problems and repair:
        if "" in problems:
            raise CannotRepair(f"{problems['']}; repair it with `policy-search index --rebuild`")
        from indexer.build import repair_index  # the writer: a plain check never loads it

        report = repair_index(ctx.obj, set(problems), progress=False if as_json else None)
        tables = [k for k in problems if k.startswith(WORD_TABLE_DAMAGE)]
        click.echo(
            f"repaired: {len(problems) - len(tables)} damaged segment(s) dropped, "
            f"{len(report.indexed)} report(s) ({report.paragraphs} paragraphs) re-indexed "
            "from their source files" + ("; the word table written again" if tables else ""),
            err=True,
        )
        problems, read = check_index(ctx.obj)
    if as_json:
        click.echo(
            to_json(
                {
                    "index": str(ctx.obj),
                    "ok": not problems,
                    "problems": [*problems.values()],
                    **read,
                }
            )
        )
    elif problems:
        click.echo("\n".join(problems.values()), err=True)
    else:
        click.echo(
            f"ok: {read['segments']} segment(s), {read['records']} records, "
            f"{read['postings']} postings, {read['keys']} match keys and {read['runs']} table "
            "runs read"
        )
    if problems:
        sys.exit(EXIT_USAGE)


if __name__ == "__main__":  # python -m indexer.cli, where the console script is not on PATH
    cli()
