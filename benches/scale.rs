//! Scale study (harness = false), used by `scripts/bench.sh`:
//!
//! ```sh
//! cargo bench --bench scale -- latency --index DIR --questions FILE [--k 5000] [--warmup 200]
//! cargo bench --bench scale -- phases --corpus DIR
//! cargo bench --bench scale -- reload --corpus DIR --index DIR [--runs 5]
//! ```
//!
//! `latency` times `Engine::ask` per question on one thread (K questions,
//! cycling over the file; a question asked again is answered from the
//! engine's cache, so K no larger than the file measures searches) and
//! prints p50/p90/p99 in µs and questions/s.
//! `phases` times loading the corpus, then one `index::build` stage by stage
//! as it reports them: reading words (the compact dictionary), segmenting
//! (every text once, for related topics and tantivy alike), related topics
//! (what ranking them needs), and indexing (ranking each entry's related
//! topics while tantivy indexes the entries before, its merge, and writing
//! the index's files). `reload` edits one Markdown file (the middle
//! one; an answer gains a line) and times the incremental update plus
//! opening the new engine, as watch mode does; it edits the corpus and index
//! it is given, so give it copies. All print a human summary on stderr and one
//! JSON line on stdout. Without a mode (plain `cargo bench`) it runs
//! `latency` on the seed corpus with `../shared/eval/dev.jsonl`.

mod common;

use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use serde_json::json;

#[derive(Debug, Parser)]
struct Args {
    #[command(subcommand)]
    mode: Option<Mode>,
}

#[derive(Debug, Subcommand)]
enum Mode {
    /// Per-question latency of `Engine::ask`.
    Latency {
        #[arg(long)]
        index: PathBuf,
        /// One question per line, or JSON lines with a "q" field.
        #[arg(long)]
        questions: PathBuf,
        /// Questions to time (cycling over the file).
        #[arg(long, default_value_t = 5000)]
        k: usize,
        /// Questions asked first, untimed.
        #[arg(long, default_value_t = 200)]
        warmup: usize,
    },
    /// Time of each phase of an index build.
    Phases {
        #[arg(long)]
        corpus: PathBuf,
    },
    /// Time to take in one edited file (edits the corpus given).
    Reload {
        #[arg(long)]
        corpus: PathBuf,
        #[arg(long)]
        index: PathBuf,
        #[arg(long, default_value_t = 5)]
        runs: usize,
    },
}

fn main() -> Result<()> {
    // `cargo bench` passes `--bench` to every bench binary.
    let args = Args::parse_from(std::env::args().filter(|a| a != "--bench"));
    match args.mode {
        Some(Mode::Latency { index, questions, k, warmup }) => latency(&index, &questions, k, warmup),
        Some(Mode::Phases { corpus }) => phases(&corpus),
        Some(Mode::Reload { corpus, index, runs }) => reload(&corpus, &index, runs),
        None => {
            let (_tmp, index) = common::seed_index();
            latency(&index, &common::root().join("../shared/eval/dev.jsonl"), 2000, 200)
        }
    }
}

fn latency(index: &std::path::Path, questions: &std::path::Path, k: usize, warmup: usize) -> Result<()> {
    let questions = common::read_questions(questions).with_context(|| format!("reading {}", questions.display()))?;
    if questions.is_empty() || k == 0 {
        bail!("no questions to ask");
    }
    let open_engine = || qabot::Engine::open(index).with_context(|| format!("opening {}", index.display()));
    let started = Instant::now();
    let engine = open_engine()?;
    let open = started.elapsed();
    for question in questions.iter().rev().cycle().take(warmup) {
        std::hint::black_box(engine.ask(question));
    }
    // A fresh engine, so that no warm-up answer is served from its cache
    // (the index's pages stay warm).
    let engine = open_engine()?;
    let mut micros = Vec::with_capacity(k);
    let mut answered = 0usize;
    let total = Instant::now();
    for question in questions.iter().cycle().take(k) {
        let t = Instant::now();
        let answer = engine.ask(question);
        micros.push(t.elapsed().as_secs_f64() * 1e6);
        answered += usize::from(answer.best.is_some());
    }
    let total = total.elapsed();
    let mut slowest: Vec<(f64, &String)> = micros.iter().copied().zip(questions.iter().cycle()).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    for (us, question) in slowest.iter().take(5) {
        eprintln!("  slow: {us:.0} µs {question:?}");
    }
    micros.sort_by(f64::total_cmp);
    let p = |q| common::percentile(&micros, q);
    let qps = k as f64 / total.as_secs_f64();
    eprintln!(
        "latency: {} entries, {k} questions ({} distinct): p50 {:.0} µs, p90 {:.0} µs, p99 {:.0} µs, max {:.0} µs; \
         {qps:.0} questions/s on one thread; {answered} answered; Engine::open {:.1} ms",
        engine.len(),
        questions.len(),
        p(50.0),
        p(90.0),
        p(99.0),
        p(100.0),
        ms(open)
    );
    println!(
        "{}",
        json!({
            "entries": engine.len(), "questions": k, "distinct": questions.len(),
            "p50_us": p(50.0).round(), "p90_us": p(90.0).round(), "p99_us": p(99.0).round(), "max_us": p(100.0).round(),
            "qps": qps.round(), "answered": answered, "open_ms": round1(ms(open)),
        })
    );
    Ok(())
}

fn phases(corpus_dir: &std::path::Path) -> Result<()> {
    let t = Instant::now();
    let corpus = qabot::load::load(corpus_dir)?;
    let load = t.elapsed();
    let bytes: usize = corpus.entries.iter().flat_map(|e| e.texts()).map(str::len).sum();

    // The build's own stages, timed as it reports them: one build, no phase
    // run again on the side.
    let tmp = tempfile::tempdir()?;
    let clock = StageClock::default();
    let t = Instant::now();
    qabot::index::build_reporting(&corpus, &corpus_dir.to_string_lossy(), &tmp.path().join("index"), &clock)?;
    let build = t.elapsed();
    let stages = clock.durations(t + build);
    let stage = |name: &str| stages.iter().find(|(n, _)| *n == name).map_or(0.0, |(_, d)| ms(*d));

    let entries = corpus.entries.len();
    eprintln!(
        "phases: {entries} entries, {:.1} MB of text\n  load+parse         {:>9.1} ms",
        bytes as f64 / 1e6,
        ms(load)
    );
    for (name, duration) in &stages {
        eprintln!("  {name:<18} {:>9.1} ms", ms(*duration));
    }
    eprintln!("  index::build total {:>9.1} ms", ms(build));
    println!(
        "{}",
        json!({
            "entries": entries, "text_bytes": bytes, "load_ms": round1(ms(load)),
            "dictionary_ms": round1(stage("reading words")), "segmenting_ms": round1(stage("segmenting")),
            "related_ms": round1(stage("related topics")), "tantivy_ms": round1(stage("indexing")),
            "build_ms": round1(ms(build)),
        })
    );
    Ok(())
}

/// When each stage of a build started.
#[derive(Default)]
struct StageClock(Mutex<Vec<(&'static str, Instant)>>);

impl qabot::progress::Progress for StageClock {
    fn stage(&self, name: &'static str, _: u64) {
        self.0.lock().unwrap().push((name, Instant::now()));
    }

    fn advance(&self, _: u64) {}
}

impl StageClock {
    /// Each stage's name and how long it lasted, the last one until `end`.
    fn durations(&self, end: Instant) -> Vec<(&'static str, Duration)> {
        let starts = self.0.lock().unwrap();
        let ends = starts.iter().skip(1).map(|(_, t)| *t).chain([end]);
        starts.iter().zip(ends).map(|((name, start), end)| (*name, end - *start)).collect()
    }
}

fn reload(corpus: &std::path::Path, index: &std::path::Path, runs: usize) -> Result<()> {
    qabot::index::ensure_fresh(corpus, index, &qabot::progress::Silent)?;
    let files = qabot::load::load(corpus)?.files;
    let Some(file) = files.get(files.len() / 2) else { bail!("{} has no Markdown files", corpus.display()) };
    let path = corpus.join(&file.file);
    let original = std::fs::read_to_string(&path)?;
    let (mut update_ms, mut open_ms) = (Vec::new(), Vec::new());
    for run in 1..=runs.max(1) {
        std::fs::write(&path, format!("{original}\n第 {run} 次修改：补充一句说明。\n"))?;
        let t = Instant::now();
        let report = qabot::update::update(corpus, index)?;
        update_ms.push(ms(t.elapsed()));
        if report.updated_files != Some(1) {
            bail!("the update re-indexed {:?} files, not one", report.updated_files);
        }
        let t = Instant::now();
        std::hint::black_box(qabot::Engine::open(index)?);
        open_ms.push(ms(t.elapsed()));
    }
    std::fs::write(&path, original)?;
    qabot::update::update(corpus, index)?;
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        common::percentile(v, 50.0)
    };
    let (update, open) = (median(&mut update_ms), median(&mut open_ms));
    eprintln!(
        "reload: one edited file ({}, {} entries) of {} files: update {update:.1} ms + open {open:.1} ms \
         (median of {runs})",
        file.file,
        file.entries,
        files.len(),
    );
    println!(
        "{}",
        json!({"file_entries": file.entries, "update_ms": round1(update), "open_ms": round1(open), "reload_ms": round1(update + open)})
    );
    Ok(())
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
