//! Helpers shared by the benches: a seed index built once in a temporary
//! directory, and question files.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The seed corpus, `corpus/`.
pub fn seed_corpus() -> PathBuf {
    root().join("corpus")
}

/// Builds the seed corpus's index in a fresh temporary directory. The
/// directory lives as long as the returned guard.
pub fn seed_index() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("temporary directory");
    let dir = tmp.path().join("index");
    let corpus = qabot::load::load(&seed_corpus()).expect("loading the seed corpus");
    qabot::index::build(&corpus, "corpus", &dir).expect("building the seed index");
    (tmp, dir)
}

/// Questions from a file: one per line, or the `"q"` of a JSON object line
/// (the eval's `dev.jsonl`). Blank lines are skipped.
pub fn read_questions(path: &Path) -> std::io::Result<Vec<String>> {
    let text = std::fs::read_to_string(path)?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| {
            if l.starts_with('{') {
                serde_json::from_str::<serde_json::Value>(l)
                    .ok()
                    .and_then(|v| v.get("q").and_then(|q| q.as_str()).map(str::to_string))
                    .unwrap_or_else(|| l.to_string())
            } else {
                l.to_string()
            }
        })
        .collect())
}

/// Percentile (0–100) of sorted values, nearest rank.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
