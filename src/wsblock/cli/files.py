"""``wsblock check`` and ``wsblock fmt``: files, without the network."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import click

from wsblock.cli.common import EXIT_BAD_INPUT, EXIT_OK, env_options, guarded
from wsblock.conversation.request import Expect, Options, Request, Rule, Timer
from wsblock.conversation.workspace import BadInput, EnvChoice, Workspace, expand_paths
from wsblock.document import Document, DocumentError
from wsblock.document.readfile import read_text
from wsblock.document.views import HttpRequest, SocketRequest, view
from wsblock.engine.choice import describe_choice
from wsblock.variables.masking import Masker

_DEFAULTS = Options()


def _options(opts: Options) -> list[str]:
    out = []
    for name in opts.__dataclass_fields__:
        value = getattr(opts, name)
        if value != getattr(_DEFAULTS, name):
            if isinstance(value, tuple):
                value = ", ".join(value)
            row = "socket.io-path" if name == "socketio_path" else name.replace("_", "-")
            out.append(f"{row} {value if value is not None else 'off'}")
    return out


def describe_request(req: Request, masker: Masker) -> list[str]:
    """The lines ``check`` prints under a request."""
    m = masker.mask
    parts = urlsplit(req.url)
    lines = [f"    URL      {m(req.url)}"]
    for k, v in req.headers:
        lines.append(f"    header   {k}: {m(v)}")
    for k, v in parse_qsl(parts.query, keep_blank_values=True):
        lines.append(f"    query    {k}={m(v)}")
    for o in _options(req.options):
        lines.append(f"    option   {m(o)}")
    for cap in req.captures:
        lines.append(f"    capture  {cap.name} = {m(cap.template)} (handshake)")
    for step in req.steps:
        if isinstance(step, Expect):
            rows = "; ".join(f"{c.field} {c.operator} {m(c.expected)}" for c in step.checks)
            reply = f", reply to {step.reply_to}" if step.reply_to else ""
            lines.append(f"    expect   {step.name} (within {step.timeout:g} s{reply}: {rows})")
            for cap in step.captures:
                lines.append(f"    capture  {cap.name} = {m(cap.template)}")
        elif isinstance(step, Rule):
            rows = "; ".join(f"{c.field} {c.operator} {m(c.expected)}" for c in step.checks)
            does = [f"capture {', '.join(c.name for c in step.captures)}"] if step.captures else []
            does += [f"answer {step.answer.name}"] if step.answer is not None else []
            lines.append(f"    on       {step.name} (when {rows}: {' and '.join(does)})")
        elif isinstance(step, Timer):
            lines.append(f"    every    {step.name} ({m(step.interval)}: send {step.message.name})")
        else:
            size = len(step.data) if isinstance(step.data, bytes) else len(step.data.encode())
            fmt = step.format if step.written is None else f"json sent as {req.options.encode}"
            fmt += ", ack" if step.ack else ""
            fmt += f", operation {step.operation}" if step.operation else ""
            fmt += f", variables {m(step.variables)}" if step.variables else ""
            lines.append(f"    message  {step.name} ({fmt}, {size} bytes)")
    for c in req.assertions:
        lines.append(f"    assert   {c.description}: {c.field} {c.operator} {m(c.expected)}")
    return lines


@click.command()
@click.argument("files", nargs=-1, required=True)
@env_options
@guarded
def check(files: tuple[str, ...], env: EnvChoice) -> None:
    """Parse FILES, resolve links and variables, validate messages; print each request.

    \b
    Example:
      wsblock check echo.void -e .env.example

    Exit code 0 when every request is fine, 2 when something is wrong (each problem
    is named with its file, line and row).
    """
    problems = 0
    for path in expand_paths(list(files)):
        try:
            ws = Workspace.open(path, env)
        except BadInput as e:
            click.echo(f"✖ {e}")
            problems += 1
            continue
        click.echo(str(path))
        specs = ws.requests()
        if not specs:
            click.echo("  (no requests: no block of this file is a runnable request)")
        for spec in specs:
            if spec.kind != "wss":
                try:
                    head = view(ws.linked(spec).head)
                except BadInput as e:
                    click.echo(f"  {spec.index} {spec.name}  ✖ {e}")
                    problems += 1
                    continue
                if isinstance(head, HttpRequest):
                    click.echo(
                        f"  {spec.index} {spec.name}  HTTP {head.method} {head.url}"
                        "  (skipped: HTTP requests run in Voiden)"
                    )
                elif isinstance(head, SocketRequest):
                    click.echo(
                        f"  {spec.index} {spec.name}  {head.method} {head.url}"
                        f"  (skipped: {head.method} requests are not supported)"
                    )
                else:
                    click.echo(f"  {spec.index} {spec.name}  {spec.kind}  (skipped)")
                continue
            try:
                req = ws.resolve(spec)
            except BadInput as e:
                click.echo(f"  {spec.index} {spec.name}  ✖ {e}")
                problems += 1
                continue
            masker = Masker(req.secrets)
            click.echo(f"  {spec.index} {spec.name}  WSS {masker.mask(req.url)}")
            for warning in spec.warnings:  # e.g. two requests in one section (issue 10 item 4)
                click.echo(f"    warning  {warning}")
            for line in describe_request(req, masker):
                click.echo(line)
            click.echo("    " + describe_choice(req.options.compression, req.options.proxy))
    raise SystemExit(EXIT_BAD_INPUT if problems else EXIT_OK)


@click.command()
@click.option("--check", "check_only", is_flag=True, help="Only report files that would change.")
@click.argument("files", nargs=-1, required=True)
@guarded
def fmt(files: tuple[str, ...], check_only: bool) -> None:
    """Rewrite FILES with every block in Voiden's own style (prose is never touched).

    \b
    Example:
      wsblock fmt --check requests/

    With --check nothing is written; exit code 1 when a file would change.
    """
    changed = bad = 0
    for path in expand_paths(list(files)):
        try:
            original = read_text(path)  # a regular UTF-8 file only, with a size limit
            doc = Document.parse(original, path=path)
        except (OSError, DocumentError) as e:
            shown = (
                e
                if isinstance(e, DocumentError)
                else f"{path}: {getattr(e, 'strerror', None) or e}"
            )
            click.echo(f"✖ {shown}", err=True)
            bad += 1
            continue
        for block in doc.blocks:
            block.set_node(block.node)
        text = doc.dump()
        if text == original:
            continue
        changed += 1
        if check_only:
            click.echo(f"would reformat {path}")
        else:
            Path(path).write_text(text, encoding="utf-8", newline="")
            click.echo(f"reformatted {path}")
    if bad:
        raise SystemExit(EXIT_BAD_INPUT)
    raise SystemExit(1 if (check_only and changed) else EXIT_OK)
