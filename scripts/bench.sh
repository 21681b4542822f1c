#!/usr/bin/env bash
# Performance study: index build speed, index size, question latency, serving
# memory and cold start at 10k and 100k synthetic entries (1M with --full),
# the incremental reload of one edited file, and `qabot repl --json`
# throughput on the seed corpus next to the Python baseline. Prints one
# Markdown table at the end (progress goes to stderr).
#
# Usage: scripts/bench.sh [--full] [--sizes N,N…] [--no-phases] [--seed S] [--work DIR]
#   --full       also 1,000,000 entries (≈ 0.7 GB of Markdown; slow)
#   --sizes LIST synthetic corpus sizes instead (comma-separated entry counts)
#   --no-phases  skip the per-phase build timing (it builds each index once more)
#   --seed S     generator seed (default 1); the same seed gives the same corpora
#   --work DIR   where corpora and indexes go (default target/bench; reused when
#                generated with the same arguments)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

full=0 phases=1 seed=1 work=target/bench sizes_arg=
while [ $# -gt 0 ]; do
  case "$1" in
    --full) full=1 ;;
    --no-phases) phases=0 ;;
    --seed) seed="$2"; shift ;;
    --sizes) sizes_arg="$2"; shift ;;
    --work) work="$2"; shift ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
sizes=(10000 100000)
[ "$full" = 1 ] && sizes+=(1000000)
[ -n "$sizes_arg" ] && IFS=, read -r -a sizes <<<"$sizes_arg"
mkdir -p "$work"
work="$(cd "$work" && pwd)"
dev="$root/../shared/eval/dev.jsonl"
say() { echo "bench.sh: $*" >&2; }
now_ns() { date +%s%N; }
ms_since() { echo $(( ($(now_ns) - $1) / 1000000 )); }
json() { jq -r "$2" <<<"$1"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
mb() { awk -v b="$1" 'BEGIN {printf "%.2f", b / 1e6}'; }

say "building (release)"
cargo build --release --quiet
cargo build --release --quiet --example gen_corpus
scale_bin=$(cargo bench --no-run --bench scale --message-format=json 2>/dev/null |
  jq -r 'select(.target.name == "scale" and .executable != null) | .executable' | tail -1)
[ -x "$scale_bin" ] || { say "could not build benches/scale.rs"; exit 1; }
# Private copies: the shared target directory may be rebuilt while we measure.
mkdir -p "$work/bin"
cp target/release/qabot target/release/examples/gen_corpus "$scale_bin" "$work/bin/"
qabot="$work/bin/qabot"
gen="$work/bin/gen_corpus"
scale() { "$work/bin/$(basename "$scale_bin")" "$@"; }

cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
mem_gb="$(awk '/MemTotal/ {printf "%.1f", $2 / 1048576}' /proc/meminfo)"
machine="nproc $(nproc), ${cpu:-unknown CPU}, ${mem_gb} GiB RAM, $(uname -sr)"

# Runs a command with stdin/stdout as given; sets $wall_ms, $rss_kb and
# $cpu_s (user + system seconds).
measure() {
  local t rss_file="$work/.rss"
  t=$(now_ns)
  /usr/bin/time -f '%M %U %S' -o "$rss_file" "$@"
  wall_ms=$(ms_since "$t")
  rss_kb=$(tail -1 "$rss_file" | cut -d' ' -f1)
  cpu_s=$(tail -1 "$rss_file" | awk '{printf "%.2f", $2 + $3}')
}

# Median wall time (ms) of N runs of `qabot ask` on an index that is fresh.
cold_start() {
  local n="$1" corpus="$2" index="$3" times=()
  for _ in $(seq "$n"); do
    measure "$qabot" --corpus "$corpus" --index "$index" ask "TCP和UDP的区别是什么" >/dev/null
    times+=("$wall_ms")
  done
  printf '%s\n' "${times[@]}" | median
}

rows=()
notes=()

# ---- seed corpus ---------------------------------------------------------
say "seed corpus"
seed_index="$work/seed-index"
seed_md_bytes=$(cat corpus/*.md | wc -c)
seed_entries=$("$qabot" --corpus corpus --index "$seed_index" index 2>&1 | sed -n 's/.*indexed \([0-9]*\) entries.*/\1/p')
measure "$qabot" --corpus corpus --index "$seed_index" index 2>/dev/null
seed_build_ms=$wall_ms seed_build_rss=$rss_kb
seed_size=$(du -sb "$seed_index" | cut -f1)
seed_cold=$(cold_start 10 corpus "$seed_index")

# 20,000 questions from dev.jsonl, cycled.
q20k="$work/dev-20000.txt"
jq -r '.q' "$dev" >"$work/dev.txt"
yes "$(cat "$work/dev.txt")" 2>/dev/null | head -n 20000 >"$q20k" || true
measure "$qabot" --corpus corpus --index "$seed_index" repl --json <"$q20k" >"$work/seed-repl.out"
repl_ms=$wall_ms seed_rss=$rss_kb
[ "$(wc -l <"$work/seed-repl.out")" = 20000 ] || { say "repl --json did not answer every line"; exit 1; }
repl_qps=$(awk -v ms="$repl_ms" 'BEGIN {printf "%.0f", 20000 / (ms / 1000)}')
# Latency over distinct questions only: a repeated one comes from the cache.
cat "$dev" tests/eval/seed-holdout.jsonl >"$work/seed-questions.jsonl"
seed_lat=$(scale latency --index "$seed_index" --questions "$work/seed-questions.jsonl" \
  --k "$(wc -l <"$work/seed-questions.jsonl")")
seed_qps_cached=$(json "$(scale latency --index "$seed_index" --questions "$dev" --k 20000)" .qps)

say "Python baseline (scripts/baseline)"
py="$(scripts/baseline/setup.sh | tail -1)"
base=$("$py" scripts/baseline/throughput.py corpus "$q20k" 20000 2>/dev/null | tail -1)
base_qps=$(json "$base" .qps)
ratio=$(awk -v a="$repl_qps" -v b="$base_qps" 'BEGIN {printf "%.1f", a / b}')
inproc_ratio=$(awk -v a="$seed_qps_cached" -v b="$base_qps" 'BEGIN {printf "%.1f", a / b}')

row() { # label entries md_bytes build_ms build_rss_kb index_bytes latency_json serve_rss_kb cold_ms repl baseline ratio
  local mbps eps
  mbps=$(awk -v b="$3" -v ms="$4" 'BEGIN {printf "%.2f", b / 1e6 / (ms / 1000)}')
  eps=$(awk -v n="$2" -v ms="$4" 'BEGIN {printf "%.0f", n / (ms / 1000)}')
  rows+=("| $1 | $2 | $(mb "$3") | $(awk -v ms="$4" 'BEGIN {printf "%.2f", ms / 1000}') | $mbps | $eps | $(mb $(($5 * 1024))) \
| $(mb "$6") | $(json "$7" .p50_us) | $(json "$7" .p99_us) | $(json "$7" .qps) | $(mb $(($8 * 1024))) | $9 | ${10} | ${11} | ${12} |")
}
row "seed" "$seed_entries" "$seed_md_bytes" "$seed_build_ms" "$seed_build_rss" "$seed_size" "$seed_lat" "$seed_rss" \
  "$seed_cold" "$repl_qps" "$base_qps" "**${ratio}×** (in-process ${inproc_ratio}×)"

# ---- synthetic corpora ---------------------------------------------------
for n in "${sizes[@]}"; do
  label="$((n / 1000))k"
  [ "$n" -ge 1000000 ] && label="$((n / 1000000))M"
  corpus="$work/corpus-$label" index="$work/index-$label" questions="$work/questions-$label.txt"
  stamp="entries=$n seed=$seed gen=$(sha1sum "$gen" | cut -c1-12)"
  if [ "$(cat "$corpus/.gen" 2>/dev/null)" != "$stamp" ]; then
    say "$label: generating corpus"
    rm -rf "$corpus"
    "$gen" --entries "$n" --seed "$seed" --out "$corpus" --questions "$questions.gen" --num-questions 2000 2>/dev/null
    echo "$stamp" >"$corpus/.gen"
  fi
  cat "$questions.gen" "$work/dev.txt" >"$questions"
  md_bytes=$(cat "$corpus"/*.md | wc -c)

  say "$label: building the index"
  rm -rf "$index"
  measure "$qabot" --corpus "$corpus" --index "$index" index 2>"$work/build-$label.log"
  build_ms=$wall_ms build_rss=$rss_kb
  size=$(du -sb "$index" | cut -f1)
  notes+=("- build at $label: $cpu_s CPU-seconds, $(awk -v b="$md_bytes" -v c="$cpu_s" 'BEGIN {printf "%.2f", b / 1e6 / c}') MB \
per CPU-second; $(awk -v b="$md_bytes" -v ms="$build_ms" -v n="$(nproc)" 'BEGIN {printf "%.2f", b / 1e6 / (ms / 1000) / n}') MB/s \
per core of wall time ($(nproc) cores)")

  say "$label: latency"
  lat=$(scale latency --index "$index" --questions "$questions" --k "$(wc -l <"$questions")")

  say "$label: serving RSS and cold start"
  measure "$qabot" --corpus "$corpus" --index "$index" repl --json <"$questions" >/dev/null
  serve_rss=$rss_kb
  cold=$(cold_start 5 "$corpus" "$index")
  row "$label" "$n" "$md_bytes" "$build_ms" "$build_rss" "$size" "$lat" "$serve_rss" "$cold" "–" "–" "–"

  say "$label: reload after one edited file"
  # Edits the middle file of the corpus, then puts it back and updates again.
  reload=$(scale reload --corpus "$corpus" --index "$index" --runs 5)
  notes+=("- reload at $label: one edited file ($(json "$reload" .file_entries) entries) taken in by an incremental \
update in $(json "$reload" .update_ms) ms, plus $(json "$reload" .open_ms) ms to open the new engine (median of 5)")

  if [ "$phases" = 1 ]; then
    say "$label: build phases"
    p=$(scale phases --corpus "$corpus")
    notes+=("- build phases at $label (ms): load+parse $(json "$p" .load_ms), compact dictionary $(json "$p" .dictionary_ms), \
segmenting $(json "$p" .segmenting_ms), related topics (their terms) $(json "$p" .related_ms), \
ranking related topics + tantivy + write $(json "$p" .tantivy_ms); index::build $(json "$p" .build_ms)")
  fi
done

echo
echo "Machine: $machine"
echo
echo "| corpus | entries | Markdown MB | build s | build MB/s | build entries/s | build peak RSS MB | index MB | ask p50 µs | ask p99 µs | ask q/s (1 thread) | serving RSS MB | cold start \`qabot ask\` ms (median) | \`repl --json\` q/s (20k questions) | Python baseline q/s | ratio |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
echo "- latency: \`Engine::ask\` in-process (benches/scale.rs) over distinct questions, each asked once (no answer cache): seed: dev.jsonl + tests/eval/seed-holdout.jsonl; synthetic: 2,000 generated (verbatim, shortened, a word dropped) + dev.jsonl."
echo "- ratio: \`repl --json\` q/s over the baseline's; in-process: \`Engine::ask\` over dev.jsonl cycled to 20,000 (answers to repeated questions come from the engine's cache) over the baseline's."
echo "- \`repl --json\` q/s includes process start; the baseline's q/s excludes its start-up (scripts/baseline/throughput.py, in-process)."
echo "- serving RSS: peak of \`qabot repl --json\` answering the questions file (it also loads the corpus to check the index is fresh)."
printf '%s\n' "${notes[@]}"
