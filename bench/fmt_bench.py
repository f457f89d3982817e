"""``wsblock fmt`` on files of many blocks: the time must grow linearly with the blocks.

    .venv/bin/python bench/fmt_bench.py                   # 4,000 and 20,000 blocks
    .venv/bin/python bench/fmt_bench.py -n 1000 -n 8000

For each size it writes a file of that many blocks (each one re-emitted by ``fmt``:
it is not in Voiden's style), then times, in this process, ``Document.parse`` alone
(the reference: linear) and the whole of ``fmt`` (parse, ``set_node`` on every block,
``dump``). It prints seconds, microseconds per block, and the ratio of fmt to parse:
a ratio that stays flat as the size grows means fmt is linear (it was quadratic:
4,000 blocks took 7.7 s, 20,000 over 90 s).
"""

from __future__ import annotations

import argparse
import time

from wsblock.document import Document

BLOCK = (
    "```void\n---\ntype: socket-request\nattrs:\n  uid: 'u{n}'\ncontent:\n"
    "  - type: surl\n    content:   'ws://127.0.0.1/{n}'\n---\n```\n\nSome prose {n}.\n\n"
)


def make(n: int) -> str:
    return "".join(BLOCK.format(n=i) for i in range(n))


def fmt(text: str) -> str:
    doc = Document.parse(text)
    for block in doc.blocks:
        block.set_node(block.node)
    return doc.dump()


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("-n", type=int, action="append", help="block counts (default 4000 and 20000)")
    sizes = ap.parse_args().n or [4000, 20000]
    print(f"{'blocks':>8} {'parse s':>9} {'fmt s':>9} {'fmt us/block':>13} {'fmt/parse':>10}")
    for n in sizes:
        text = make(n)
        t0 = time.perf_counter()
        Document.parse(text)
        t1 = time.perf_counter()
        out = fmt(text)
        t2 = time.perf_counter()
        assert out != text and Document.parse(out).blocks[-1].uid == f"u{n - 1}"
        parse, whole = t1 - t0, t2 - t1
        print(f"{n:>8} {parse:>9.2f} {whole:>9.2f} {whole / n * 1e6:>13.0f} {whole / parse:>10.2f}")


if __name__ == "__main__":
    main()
