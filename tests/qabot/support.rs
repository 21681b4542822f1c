//! Shared fixtures: the bundled corpus indexed once per test run.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use qabot::Engine;

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn bundled_corpus() -> PathBuf {
    repo().join("corpus")
}

/// The third-party corpora shipped beside the repository (read, never copied).
pub fn shared_corpora() -> PathBuf {
    repo().join("../shared/corpora")
}

pub fn seed_text() -> String {
    std::fs::read_to_string(repo().join("corpus/network-and-concurrency.md")).unwrap()
}

/// An engine over the bundled corpus, built once into a temporary directory.
pub fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let index = dir.path().join("index");
            qabot::index::ensure_fresh(&bundled_corpus(), &index, &qabot::progress::Silent).unwrap();
            let engine = Engine::open(&index).unwrap();
            (dir, engine)
        })
        .1
}

/// Writes files into a fresh temporary corpus directory.
pub fn corpus_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// An engine over a corpus of these files (kept alive by the returned directory).
pub fn engine_over(files: &[(&str, &str)]) -> (tempfile::TempDir, Engine) {
    let corpus = corpus_with(files);
    let index = corpus.path().join("index");
    qabot::index::ensure_fresh(corpus.path(), &index, &qabot::progress::Silent).unwrap();
    let engine = Engine::open(&index).unwrap();
    (corpus, engine)
}
