#!/usr/bin/env bash
# Answer quality on every labelled set: the dev set and our own sets in
# tests/eval/, on the bundled corpus and on the JavaGuide docs (with the
# bundled glossary). Prints one Markdown table, a row per set and a column
# per kind of question; each set's misses are in WORK/NAME.txt.
#
# Usage: scripts/eval.sh [--bin QABOT] [--work DIR]
#   --bin QABOT  the binary to score (default target/release/qabot, built if missing)
#   --work DIR   where the JavaGuide corpus, the indexes and the reports go
#                (default target/eval)
set -euo pipefail
cd "$(dirname "$0")/.."

bin=target/release/qabot work=target/eval
while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin="$2"; shift ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "eval.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
[ -x "$bin" ] || cargo build --release --quiet
shared=../shared
docs="$shared/corpora/Snailclimb__JavaGuide/docs"
[ -d "$docs" ] || { echo "eval.sh: $docs is missing" >&2; exit 1; }

mkdir -p "$work"
javaguide="$work/javaguide"
rm -rf "$javaguide"
cp -r "$docs" "$javaguide"
cp corpus/glossary.toml "$javaguide/"

kinds=(keyword typo body ood english paraphrase synonym semantic)
echo "| set | all |$(printf ' %s |' "${kinds[@]}")"
echo "|---|---:|$(printf -- '---:|%.0s' "${kinds[@]}")"

# score NAME CORPUS QUESTIONS TOPICS: one row of the table.
score() {
  local name=$1 corpus=$2 questions=$3 topics=$4
  "$bin" --corpus "$corpus" --index "$work/index-$(basename "$corpus")" eval "$questions" --topics "$topics" \
    >"$work/$name.txt" 2>/dev/null || true
  awk -v name="$name" -v kinds="${kinds[*]}" '
    $2 ~ /^[0-9]+\/[0-9]+$/ { k = ($1 == "off-topic") ? "ood" : $1; share[k] = $3; total[k] = $2 }
    END {
      row = "| " name " (" substr(total["overall"], index(total["overall"], "/") + 1) ") | " total["overall"] " |"
      n = split(kinds, ks, " ")
      for (i = 1; i <= n; i++) row = row " " (ks[i] in share ? share[ks[i]] : "") " |"
      print row
    }' "$work/$name.txt"
}

seed_topics="$shared/eval/topics.json"
score dev corpus "$shared/eval/dev.jsonl" "$seed_topics"
for set in holdout fresh fresh2 fresh3 fresh4 tune tune2; do
  score "seed-$set" corpus "tests/eval/seed-$set.jsonl" "$seed_topics"
done
score seed-off-topic corpus tests/eval/off-topic-probes.jsonl "$seed_topics"
score seed-surface corpus tests/eval/surface-probes.jsonl "$seed_topics"
jg_topics=tests/eval/javaguide-topics.json
for set in holdout fresh tune tune2; do
  score "javaguide-$set" "$javaguide" "tests/eval/javaguide-$set.jsonl" "$jg_topics"
done
score javaguide-fresh2 "$javaguide" tests/eval/javaguide-fresh2.jsonl tests/eval/javaguide-fresh2-topics.json
score javaguide-off-topic "$javaguide" tests/eval/off-topic-probes.jsonl "$jg_topics"
score javaguide-surface "$javaguide" tests/eval/surface-probes.jsonl "$jg_topics"
