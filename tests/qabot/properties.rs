//! Properties over generated input: the corpus parser survives any Markdown-ish text and numbers its entries
//! sensibly; a question of any text, however hostile, gets an answer quickly and without a panic.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::support::engine;

/// 64 cases a property keep the suite fast; `PROPTEST_CASES=5000` goes further, as do the targets in `fuzz/`.
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() { default.cases } else { 64 };
    ProptestConfig { cases, ..default }
}

/// Any characters at all, control characters included.
fn any_text(max: usize) -> impl Strategy<Value = String> {
    vec(any::<char>(), 0..max).prop_map(String::from_iter)
}

/// Text for a heading: question-like or not, numbered or decorated, sometimes a link or empty.
fn heading_text() -> impl Strategy<Value = String> {
    prop_oneof![
        select(vec![
            "什么是粘包？",
            "18. 简述GIL",
            "1、TCP 和 UDP 的区别",
            "⭐️ 什么是 AOP？",
            "Q3: what is a deadlock?",
            "How does epoll work",
            "[目录](#toc)",
            "`code` 为什么",
            "",
            "⭐️",
            "1.",
        ])
        .prop_map(String::from),
        "\\PC{0,30}",
        any_text(12),
    ]
}

/// One line of a Markdown file as people write them, or something stranger.
fn markdown_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (1..=7usize, " {0,4}", heading_text()).prop_map(|(n, indent, text)| format!("{indent}{} {text}", "#".repeat(n))),
        1 => heading_text().prop_map(|text| format!("{text}\n===")),
        2 => select(vec![
            "```", "```python", "~~~", "````", "<details>", "<details open>", "</details>", "<summary>答案</summary>",
            "</DETAILS>", "<!--", "-->", "<!-- # 注释里的标题？ -->", "---", "...", "title: 网络", "category: 并发",
            "tags: [a, b]", "tag: x", "qabot: {question_level: 3}", "qabot: {question_level: 0}",
            "qabot: {question_level: 300}", "qabot: [", "key: &a [*a, *a]", "| a | b |", "|---|---|", "- 列表项",
            "  - 嵌套", "1. 第一", "> 引用", "", "   ", "\t",
        ])
        .prop_map(String::from),
        3 => "\\PC{0,40}",
        1 => any_text(20),
        1 => ("[a-z]{1,3}|[\u{4e00}-\u{4e20}]", 50..2000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

/// A Markdown-ish file: lines joined with `\n`, `\r\n` or a lone `\r`.
fn markdown_file() -> impl Strategy<Value = String> {
    (vec(markdown_line(), 0..50), select(vec!["\n", "\r\n", "\r"])).prop_map(|(lines, eol)| lines.join(eol))
}

/// Pieces of hostile input: control characters, bidirectional overrides, zero-width characters, emoji
/// sequences, combining marks, full-width forms, case folds that change length, query syntax, and long runs.
fn hostile_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<char>().prop_map(String::from),
        "[\\x00-\\x1f\\x7f\u{80}-\u{9f}]{1,5}",
        "[\u{200b}-\u{200f}\u{202a}-\u{202e}\u{2066}-\u{2069}\u{2060}\u{feff}]{1,6}",
        "[\u{0590}-\u{05ff}\u{0600}-\u{06ff}]{1,20}",
        "[\u{1f300}-\u{1faff}\u{fe0f}\u{200d}]{1,8}",
        "[a-z\u{4e00}-\u{9fa5}][\u{0300}-\u{036f}]{1,12}",
        "[\u{ff01}-\u{ff5e}\u{3000}]{1,10}",
        select(vec![
            "İ",
            "ß",
            "ﬁ",
            "ΐ",
            "👨‍👩‍👧‍👦",
            "🇨🇳",
            "\u{fffd}",
            "\u{10ffff}",
            "tcp",
            "UDP",
            "粘包",
            "三次握手",
            "携程",
            "什么是",
            "的区别",
            "GIL",
            "epol",
            "selcet",
            "AND",
            "OR",
            "NOT",
            "(",
            ")",
            "title:",
            "*",
            "\"",
            "~2",
            "^3",
            "[a TO z]",
            "你好",
            "thanks",
            " ",
            "\n",
            "\t",
        ])
        .prop_map(String::from),
        (any::<char>(), 1..5000usize).prop_map(|(c, n)| c.to_string().repeat(n)),
        ("[a-z]{1,4}|[\u{4e00}-\u{9fa5}]{1,3}|[0-9]{1,3}|[a-z]+ ", 1..3000usize).prop_map(|(s, n)| s.repeat(n)),
    ]
}

fn hostile_question() -> impl Strategy<Value = String> {
    vec(hostile_piece(), 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn the_parser_never_panics_and_numbers_entries_within_the_file(text in markdown_file()) {
        let parsed = qabot::corpus::parse(&text, "f.md", None);
        // CommonMark's line endings: \n, \r\n, and a \r on its own.
        let lines = text.replace("\r\n", "\n").replace('\r', "\n").lines().count();
        let mut ids = HashSet::new();
        for entry in &parsed.entries {
            prop_assert!((1..=lines).contains(&entry.line), "line {} of {lines}: {entry:?}", entry.line);
            prop_assert!(ids.insert(entry.id.clone()), "id {} twice", entry.id);
            prop_assert!(!entry.question.is_empty(), "{entry:?}");
        }
        for problem in &parsed.problems {
            prop_assert!((1..=lines.max(1)).contains(&problem.line), "{problem:?} in {lines} lines");
        }
    }

    #[test]
    fn any_question_is_answered_quickly_without_a_panic(question in hostile_question()) {
        let started = Instant::now();
        let answer = engine().ask(&question);
        let asked = started.elapsed();
        let hits = engine().search(&question, 10);
        let searched = started.elapsed() - asked;
        prop_assert!(asked < Duration::from_secs(2), "ask took {asked:?} for {} chars", question.chars().count());
        prop_assert!(searched < Duration::from_secs(2), "search took {searched:?}");
        prop_assert!(answer.best.is_none() || answer.suggestions.is_empty(), "{answer:?}");
        prop_assert!(hits.len() <= 10);
        if let Some(best) = &answer.best {
            prop_assert!(answer.related.iter().all(|r| r.id != best.id), "related repeats the answer: {answer:?}");
        }
    }
}
