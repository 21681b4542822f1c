//! A question of any text against an index of the repository's corpus: no panic. Run with `-timeout=2` so
//! that a question taking over 2 s counts as a failure.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use qabot::Engine;

/// The index is built once per process, into a temporary directory.
fn engine() -> &'static Engine {
    static ENGINE: OnceLock<(tempfile::TempDir, Engine)> = OnceLock::new();
    &ENGINE
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../corpus");
            let index = dir.path().join("index");
            qabot::index::ensure_fresh(&corpus, &index).unwrap();
            let engine = Engine::open(&index).unwrap();
            (dir, engine)
        })
        .1
}

fuzz_target!(|data: &[u8]| {
    let question = String::from_utf8_lossy(data);
    let answer = engine().ask(&question);
    assert!(answer.best.is_none() || answer.suggestions.is_empty(), "{answer:?}");
    assert!(engine().search(&question, 10).len() <= 10);
});
