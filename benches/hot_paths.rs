//! Criterion benches of the hot paths on the seed corpus: segmentation,
//! answering (keyword, English, typo, off-topic questions), related topics,
//! and what a start-up costs (loading the corpus, opening the index).
//!
//! `cargo bench --bench hot_paths` (2 s of measurement per bench).

mod common;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use qabot::analysis::{EntryWords, Vocabulary};
use qabot::progress::Silent;
use qabot::segment::Segmenter;

/// A paragraph of a typical answer.
const ANSWER: &str = "所谓三次握手（Three-Way Handshake）即建立TCP连接，就是指建立一个TCP连接时，需要客户端和服务端总共\
                      发送3个包以确认连接的建立。在socket编程中，这一过程由客户端执行connect来触发。TCP为提高传输效率，发送方\
                      往往要收集到足够多的数据后才发送一包数据，threading.local 与 asyncio 的协程不同。";

const QUESTIONS: &[(&str, &str)] = &[
    ("keyword", "TCP和UDP的区别是什么"),
    ("english", "what is the GIL"),
    ("typo", "epol和selcet有什么不同"),
    ("typo_homophone", "三次我手"),
    ("off_topic", "今天天气怎么样"),
];

fn benches(c: &mut Criterion) {
    let (_tmp, index_dir) = common::seed_index();
    let dict = std::fs::read(index_dir.join("words.txt")).expect("words.txt");
    let segmenter = Segmenter::from_dictionary(dict.as_slice()).expect("dictionary");

    let mut group = c.benchmark_group("segment");
    group.bench_function("words/question", |b| b.iter(|| segmenter.words(black_box("tcp跟udp有啥不一样"))));
    group.bench_function("words/answer_paragraph", |b| b.iter(|| segmenter.words(black_box(ANSWER))));
    group.bench_function("index_words/answer_paragraph", |b| b.iter(|| segmenter.index_words(black_box(ANSWER))));
    group.finish();

    let engine = qabot::Engine::open(&index_dir).expect("opening the seed index");
    let mut group = c.benchmark_group("ask");
    for (kind, question) in QUESTIONS {
        group.bench_function(*kind, |b| b.iter(|| engine.ask(black_box(question))));
    }
    group.finish();

    let corpus = qabot::load::load(&common::seed_corpus()).expect("seed corpus");
    let mut group = c.benchmark_group("index_time");
    group.sample_size(10);
    let mut vocabulary = Vocabulary::default();
    let words: Vec<EntryWords> =
        corpus.entries.iter().map(|e| EntryWords::of(e, &segmenter, &corpus.glossary, &mut vocabulary)).collect();
    group.bench_function("related::compute/seed", |b| {
        b.iter(|| qabot::related::compute(black_box(&corpus.entries), &words, &vocabulary, &Silent))
    });
    group.bench_function("load/seed", |b| b.iter(|| qabot::load::load(black_box(&common::seed_corpus()))));
    group.finish();

    let mut group = c.benchmark_group("startup");
    group.sample_size(10);
    group.bench_function("Engine::open/seed", |b| b.iter(|| qabot::Engine::open(black_box(&index_dir))));
    group.finish();
}

fn config() -> Criterion {
    Criterion::default().warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = hot_paths;
    config = config();
    targets = benches
}
criterion_main!(hot_paths);
