#!/usr/bin/env python3
"""The "textbook" baseline that qabot is measured against: jieba + rank_bm25.

It exists so that qabot's answer quality and speed can be compared with the
obvious approach anyone would try first. It speaks qabot's JSON-lines protocol,
so /work/shared/eval/score.py can drive either one.

Usage: bm25_baseline.py CORPUS_DIR
  Reads every *.md under CORPUS_DIR, splits entries at question headings (the
  deepest heading level used in each file, ignoring fenced code), then reads one
  question per stdin line and writes one JSON object per line to stdout:
  {"query": q, "answer": {"id", "question", "score"} | null,
   "related": [up to 5 {"id", "question", "score"}], "suggestions": []}

Import `Bm25Engine` to use it in-process (see throughput.py).
"""
import json
import logging
import pathlib
import re
import sys
import time

import jieba
from rank_bm25 import BM25Okapi

HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
NUMBER = re.compile(r"^\s*\d+\s*[.、．]\s*")  # "18." / "1、" / "4.并发"
RELATED = 5


def tokens(text):
    """jieba search-mode tokens, lower-cased, without whitespace/punctuation tokens."""
    return [t for t in jieba.lcut_for_search(text.lower()) if any(c.isalnum() for c in t)]


def split_entries(text):
    """Return [(title, body)] for the deepest heading level used outside fenced code."""
    heads, fence = [], None  # heads: (line index, level, text)
    lines = text.splitlines()
    for i, line in enumerate(lines):
        f = FENCE.match(line)
        if f:
            mark = f.group(1)
            if fence is None:
                fence = mark
            elif mark[0] == fence[0] and len(mark) >= len(fence) and not line.strip(" `~"):
                fence = None
            continue
        m = fence is None and HEADING.match(line)
        if m:
            heads.append((i, len(m.group(1)), m.group(2).strip()))
    if not heads:
        return []
    level = max(h[1] for h in heads)
    out = []
    # Every heading is of the same or a higher level than `level`, so each one ends an entry.
    for (i, lv, title), nxt in zip(heads, heads[1:] + [(len(lines), 0, "")]):
        if lv == level:
            out.append((NUMBER.sub("", title, count=1).strip(), "\n".join(lines[i + 1 : nxt[0]]).strip()))
    return out


class Bm25Engine:
    def __init__(self, corpus_dir):
        t0 = time.perf_counter()
        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()  # load the dictionary now, so it counts as start-up
        root = pathlib.Path(corpus_dir)
        self.entries, docs = [], []  # entries: (id, title)
        for path in sorted(root.rglob("*.md")):
            rel = path.relative_to(root).as_posix()
            text = path.read_text(encoding="utf-8", errors="replace")
            for n, (title, body) in enumerate(split_entries(text), 1):
                self.entries.append((f"{rel}#{n}", title))
                title_toks = tokens(title)
                docs.append(title_toks + title_toks + tokens(body))
        self.bm25 = BM25Okapi(docs) if docs else None
        self.startup_s = time.perf_counter() - t0

    def hit(self, i, score):
        return {"id": self.entries[i][0], "question": self.entries[i][1], "score": round(float(score), 4)}

    def ask(self, q):
        reply = {"query": q, "answer": None, "related": [], "suggestions": []}
        toks = tokens(q) if q.strip() else []
        if not toks or self.bm25 is None:
            return reply
        scores = self.bm25.get_scores(toks)
        best = [i for i in scores.argsort()[::-1][: RELATED + 1] if scores[i] > 0]
        if best:
            reply["answer"] = self.hit(best[0], scores[best[0]])
            reply["related"] = [self.hit(i, scores[i]) for i in best[1:]]
        return reply


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    engine = Bm25Engine(sys.argv[1])
    print(f"bm25_baseline: {len(engine.entries)} entries loaded in {engine.startup_s:.3f}s", file=sys.stderr, flush=True)
    out = sys.stdout.buffer
    for raw in iter(sys.stdin.buffer.readline, b""):
        q = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        out.write(json.dumps(engine.ask(q), ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()


if __name__ == "__main__":
    main()
