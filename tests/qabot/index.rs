//! Building, opening and refreshing the index.

use qabot::Engine;
use qabot::index::{self, Status};
use qabot::load;

use super::support::corpus_with;

const TWO_QUESTIONS: &str = "## 1. 什么是 TCP？\nTCP 是传输控制协议。\n\n## 2. 什么是 UDP？\nUDP 是用户数据报协议。\n";

#[test]
fn build_then_open_then_detect_staleness() {
    let corpus = corpus_with(&[("net.md", TWO_QUESTIONS)]);
    let index_dir = corpus.path().join("index");
    let loaded = load::load(corpus.path()).unwrap();
    assert_eq!(index::status(&index_dir, &loaded), Status::Missing);
    let report = index::build(&loaded, "corpus", &index_dir).unwrap();
    assert_eq!(report.entries, 2);
    assert_eq!(index::status(&index_dir, &loaded), Status::Fresh);
    assert_eq!(load::fingerprint(corpus.path()).unwrap(), loaded.fingerprint, "the quick fingerprint agrees");

    let engine = Engine::open(&index_dir).unwrap();
    assert_eq!(engine.len(), 2);
    let best = engine.ask("什么是udp").best.unwrap();
    assert_eq!(best.id, "net#2");
    assert_eq!(best.source, "corpus/net.md:4");

    std::fs::write(corpus.path().join("net.md"), TWO_QUESTIONS.replace("UDP 是", "UDP 不是")).unwrap();
    let edited = load::load(corpus.path()).unwrap();
    assert_eq!(index::status(&index_dir, &edited), Status::Stale);
    assert!(
        index::ensure_fresh(corpus.path(), &index_dir, &qabot::progress::Silent).unwrap().is_some(),
        "a stale index is rebuilt"
    );
    assert!(
        index::ensure_fresh(corpus.path(), &index_dir, &qabot::progress::Silent).unwrap().is_none(),
        "a fresh one is not"
    );
}

#[test]
fn rebuilding_keeps_ids_and_an_open_engine_keeps_answering() {
    let corpus = corpus_with(&[("net.md", TWO_QUESTIONS)]);
    let index_dir = corpus.path().join("index");
    let loaded = load::load(corpus.path()).unwrap();
    index::build(&loaded, "corpus", &index_dir).unwrap();
    let engine = Engine::open(&index_dir).unwrap();
    let before: Vec<String> = engine.entries().into_iter().map(|h| h.id).collect();
    index::build(&loaded, "corpus", &index_dir).unwrap();
    assert_eq!(engine.ask("什么是tcp").best.unwrap().id, "net#1", "the old engine still answers after a swap");
    let after: Vec<String> = Engine::open(&index_dir).unwrap().entries().into_iter().map(|h| h.id).collect();
    assert_eq!(before, after);
    let leftovers: Vec<_> =
        std::fs::read_dir(corpus.path()).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "no staging directories are left behind: {leftovers:?}");
}

#[test]
fn a_corpus_with_errors_is_refused_and_the_old_index_kept() {
    let corpus = corpus_with(&[("net.md", TWO_QUESTIONS)]);
    let index_dir = corpus.path().join("index");
    index::build(&load::load(corpus.path()).unwrap(), "corpus", &index_dir).unwrap();
    std::fs::write(corpus.path().join("bad.md"), "---\ntitle: [oops\n---\n## 1. q?\na\n").unwrap();
    let broken = load::load(corpus.path()).unwrap();
    let err = index::build(&broken, "corpus", &index_dir).unwrap_err().to_string();
    assert!(err.contains("bad.md:") && err.contains("front matter"), "{err}");
    assert_eq!(Engine::open(&index_dir).unwrap().len(), 2);
}

#[test]
fn garbage_in_the_index_is_reported_as_corrupt() {
    let corpus = corpus_with(&[("net.md", TWO_QUESTIONS)]);
    let index_dir = corpus.path().join("index");
    index::build(&load::load(corpus.path()).unwrap(), "corpus", &index_dir).unwrap();
    std::fs::write(index_dir.join("meta.json"), "not json").unwrap();
    assert!(matches!(Engine::open(&index_dir), Err(qabot::Error::CorruptIndex(..))));
    let missing = corpus.path().join("nowhere");
    assert!(matches!(Engine::open(&missing), Err(qabot::Error::MissingIndex(..))));
}

#[test]
fn a_missing_corpus_says_how_to_fix_it() {
    let err = load::load(std::path::Path::new("/no/such/corpus")).unwrap_err().to_string();
    assert!(err.contains("/no/such/corpus") && err.contains("--corpus"), "{err}");
}

/// Records each stage with the steps reported for it.
#[derive(Default)]
struct Recorded(std::sync::Mutex<Vec<(&'static str, u64, u64)>>);

impl qabot::progress::Progress for Recorded {
    fn stage(&self, name: &'static str, total: u64) {
        self.0.lock().unwrap().push((name, total, 0));
    }

    fn advance(&self, steps: u64) {
        self.0.lock().unwrap().last_mut().expect("a step outside any stage").2 += steps;
    }
}

#[test]
fn a_build_reports_every_stage_to_its_end() {
    let corpus = corpus_with(&[("net.md", TWO_QUESTIONS)]);
    let progress = Recorded::default();
    let loaded = load::load(corpus.path()).unwrap();
    index::build_reporting(&loaded, "corpus", &corpus.path().join("index"), &progress).unwrap();
    let stages = progress.0.into_inner().unwrap();
    assert_eq!(stages, [("reading words", 2, 2), ("segmenting", 2, 2), ("related topics", 2, 2), ("indexing", 2, 2)]);
}

/// The ids of an index's documents, in the order of their document ids, and
/// each document's stored fields; the index must have one segment.
fn documents_in_order(index_dir: &std::path::Path) -> Vec<(String, String)> {
    use tantivy::schema::document::Value;
    use tantivy::{Document, TantivyDocument};
    let index = tantivy::Index::open_in_dir(index_dir).unwrap();
    let searcher = index.reader().unwrap().searcher();
    assert_eq!(searcher.segment_readers().len(), 1, "one segment");
    let id = index.schema().get_field("id").unwrap();
    (0..searcher.num_docs() as u32)
        .map(|doc| {
            let stored: TantivyDocument = searcher.doc(tantivy::DocAddress::new(0, doc)).unwrap();
            let id = stored.get_first(id).and_then(|v| v.as_str()).unwrap().to_string();
            (id, stored.to_json(&index.schema()))
        })
        .collect()
}

#[test]
fn an_index_built_in_parts_on_several_threads_keeps_the_corpus_order() {
    // More entries than two batches of related topics, so that a build on
    // several threads indexes them in parts. Each question is asked twice,
    // in two files, so that the order decides between equal scores.
    let count = 2100;
    let entries = |first: usize| -> String {
        (0..count)
            .map(|i| {
                format!(
                    "## {}. 第{i}号模块 m{i} 怎么配置？\n配置 m{i} 时参考 m{} 的做法。\n\n",
                    first + i,
                    (i * 7) % count
                )
            })
            .collect()
    };
    let (a, b) = (entries(1), entries(count + 1));
    let c = "## 1. 如何安装插件？\n在设置里添加插件。\n\n## 2. 如何卸载插件？\n在设置里删除插件。\n";
    let corpus = corpus_with(&[("a.md", &a), ("b.md", &b), ("c.md", c)]);
    let loaded = load::load(corpus.path()).unwrap();
    let build_on = |threads: usize, name: &str| {
        let index_dir = corpus.path().join(name);
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| index::build(&loaded, "corpus", &index_dir)).unwrap();
        index_dir
    };
    let whole = documents_in_order(&build_on(1, "whole"));
    let in_parts = documents_in_order(&build_on(3, "parts"));
    let corpus_order: Vec<&str> = loaded.entries.iter().map(|e| e.id.as_str()).collect();
    for docs in [&whole, &in_parts] {
        let first_out_of_order = docs.iter().zip(&corpus_order).position(|((id, _), expected)| id != expected);
        assert_eq!((docs.len(), first_out_of_order), (corpus_order.len(), None), "the corpus order");
    }
    assert!(whole == in_parts, "the same documents, stored the same");
    assert_eq!(
        Engine::open(&corpus.path().join("parts")).unwrap().ask("第2000号模块 m2000 怎么配置").best.unwrap().id,
        "a#2001",
        "of two equal questions, the first in the corpus answers"
    );
    let leftovers = std::fs::read_dir(corpus.path().join("parts")).unwrap().filter_map(|e| e.ok());
    assert!(leftovers.map(|e| e.file_name()).all(|name| name != "parts"), "the parts are removed");

    // The merged index takes an incremental update like any other.
    std::fs::write(corpus.path().join("c.md"), c.replace("插件", "扩展")).unwrap();
    let (status, report) =
        index::ensure_fresh(corpus.path(), &corpus.path().join("parts"), &qabot::progress::Silent).unwrap().unwrap();
    assert_eq!((status, report.updated_files), (Status::Stale, Some(1)));
    let engine = Engine::open(&corpus.path().join("parts")).unwrap();
    assert_eq!(engine.len(), corpus_order.len());
    assert_eq!(engine.ask("如何卸载扩展").best.unwrap().question, "如何卸载扩展？");
}
