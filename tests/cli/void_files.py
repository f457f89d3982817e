"""Small .void files for the command's tests, written the way Voiden writes them."""

from __future__ import annotations

from pathlib import Path

from wsblock.document import Document


def block(node_yaml: str) -> str:
    return f"```void\n---\n{node_yaml.strip()}\n---\n```\n"


def request(url: str, title: str = "A request") -> str:
    return f"""## {title}

{
        block(f'''
type: socket-request
attrs:
  uid: req-{abs(hash((url, title))) % 10**8}
content:
  - type: smethod
    attrs:
      uid: m-1
      method: WSS
    content: WSS
  - type: surl
    attrs:
      uid: u-1
    content: "{url}"
''')
    }"""


def table(kind: str, rows: list[list[str]], extra_attrs: str = "") -> str:
    body = "\n".join(
        "      - attrs:\n          disabled: false\n        row:\n"
        + "\n".join(f"          - '{c}'" for c in r)
        for r in rows
    )
    return block(f"""
type: {kind}
attrs:
  uid: {kind}-{abs(hash(str(rows))) % 10**8}{extra_attrs}
content:
  - type: table
    rows:
{body}
""")


def messages(*items: str) -> str:
    return block("type: socket-messages\nattrs:\n  uid: msgs\ncontent:\n" + "\n".join(items))


def message(name: str, fmt: str, content: str) -> str:
    if "\n" in content:
        body = "|-\n" + "\n".join("      " + line for line in content.split("\n"))
    else:
        body = "'" + content.replace("'", "''") + "'"
    return f"""  - type: socket-message
    attrs:
      uid: msg-{name}
      name: {name}
      format: {fmt}
      disabled: false
    content: {body}"""


def expect(name: str, rows: list[list[str]], timeout: float = 3) -> str:
    body = "\n".join(
        "          - attrs:\n              disabled: false\n            row:\n"
        + "\n".join(f"              - '{c}'" for c in r)
        for r in rows
    )
    return f"""  - type: socket-expect
    attrs:
      uid: exp-{name}
      name: {name}
      timeout: {timeout}
    content:
      - type: table
        rows:
{body}"""


def write(path: Path, *parts: str) -> Path:
    path.write_text("---\nversion: 0.20.1\ngeneratedBy: Voiden app\n---\n\n" + "\n".join(parts))
    Document.load(path)  # the test's own file must parse
    return path


def ack_rule(content: str, *, ack_reply: str = "true", rows: str = "") -> str:
    """A ``socket-on`` rule that answers the server's ``ask`` with ``content``."""
    return f"""  - type: socket-on
    attrs:
      uid: on-ask
      name: answer asks
      disabled: false
    content:
      - type: table
        rows:
          - attrs:
              disabled: false
            row:
              - an ask
              - body.event
              - equals
              - ask{rows}
      - type: socket-message
        attrs:
          uid: msg-answer
          name: answer
          format: socket.io
          ack-reply: {ack_reply}
        content: '{content}'"""
