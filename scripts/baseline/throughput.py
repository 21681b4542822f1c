#!/usr/bin/env python3
"""Throughput of the jieba + rank_bm25 baseline, measured in-process.

Usage: throughput.py CORPUS_DIR QUESTIONS_FILE N
  QUESTIONS_FILE holds one question per line; a line that is a JSON object
  (as in the eval's dev.jsonl) contributes its "q" field. N questions are
  answered, cycling over the file. Prints one JSON line:
  {"startup_s": ..., "questions": N, "seconds": ..., "qps": ...}
"""
import itertools
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bm25_baseline import Bm25Engine  # noqa: E402


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    corpus, qfile, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    lines = [l.strip() for l in open(qfile, encoding="utf-8", errors="replace")]
    questions = [json.loads(l)["q"] if l.startswith("{") else l for l in lines if l]
    if not questions:
        sys.exit(f"no questions in {qfile}")
    engine = Bm25Engine(corpus)
    t0 = time.perf_counter()
    for q in itertools.islice(itertools.cycle(questions), n):
        engine.ask(q)
    secs = time.perf_counter() - t0
    print(json.dumps({"startup_s": round(engine.startup_s, 3), "questions": n,
                      "seconds": round(secs, 3), "qps": round(n / secs, 1) if secs else None}))


if __name__ == "__main__":
    main()
