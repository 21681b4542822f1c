//! The Markdown parser on the seed, on awkward Markdown, and on real corpora.

use qabot::corpus::parse;

use super::support::{seed_text, shared_corpora};

#[test]
fn the_seed_has_33_entries_with_clean_titles() {
    let parsed = parse(&seed_text(), "network-and-concurrency.md", None);
    assert_eq!(parsed.entries.len(), 33);
    assert_eq!(parsed.question_level, Some(4));
    let first = &parsed.entries[0];
    assert_eq!(first.question, "TCP 和 UDP 的区别？");
    assert_eq!(first.category, "网络与并发编程");
    assert!(first.answer.starts_with("```"), "the answer keeps its Markdown");
    let eighteens: Vec<&str> = parsed.entries[17..19].iter().map(|e| e.question.as_str()).collect();
    assert_eq!(eighteens, ["简述 进程、线程、协程的区别 以及应用场景？", "简述什么是GIL锁？"]);
    let mut ids: Vec<&str> = parsed.entries.iter().map(|e| e.id.as_str()).collect();
    ids.dedup();
    assert_eq!(ids.len(), 33, "ids are unique");
}

#[test]
fn ids_and_lines_are_stable() {
    let a = parse(&seed_text(), "x.md", None);
    let b = parse(&seed_text(), "x.md", None);
    assert_eq!(a.entries, b.entries);
    let text = seed_text();
    let lines: Vec<&str> = text.lines().collect();
    for entry in &a.entries {
        assert!(lines[entry.line - 1].starts_with("####"), "line {} is the heading", entry.line);
    }
}

#[test]
fn headings_in_code_empty_answers_html_and_front_matter_do_not_break_parsing() {
    let text = "---\ntitle: 杂项\ntag: [a, b]\n---\n\n## 1. 第一个问题？\n```\n## 不是标题\n```\n\n## 2. 空的问题？\n\n## 3. 带 HTML 的问题？\n<div>\n\n## inside html\n</div>\n<!-- 注释 -->\n答案\n";
    let parsed = parse(text, "misc.md", None);
    let questions: Vec<&str> = parsed.entries.iter().map(|e| e.question.as_str()).collect();
    assert!(questions.starts_with(&["第一个问题？", "空的问题？"]), "{questions:?}");
    assert!(parsed.entries[0].answer.contains("## 不是标题"));
    assert_eq!(parsed.entries[0].category, "杂项");
    assert_eq!(parsed.entries[0].tags, ["a", "b"]);
    assert!(parsed.problems.iter().any(|p| p.message.contains("empty answer") && p.line == 11));
    assert!(parsed.entries.iter().all(|e| !e.answer.contains("注释")), "comments are dropped");
}

#[test]
fn invalid_front_matter_is_an_error_with_a_line() {
    let parsed = parse("---\ntitle: [unclosed\n---\n## 1. q?\na\n", "bad.md", None);
    assert!(parsed.entries.is_empty());
    assert_eq!(parsed.problems[0].severity, qabot::Severity::Error);
    assert!(parsed.problems[0].message.contains("front matter"));
}

#[test]
fn link_only_headings_are_not_questions() {
    let text = "## [什么是 TCP？](#tcp)\n## [什么是 UDP？](#udp)\n### 什么是 TCP？\n答\n### 什么是 UDP？\n答\n";
    let parsed = parse(text, "toc.md", None);
    assert_eq!(parsed.question_level, Some(3));
    assert_eq!(parsed.entries.len(), 2);
}

#[test]
fn javaguide_network_questions_are_level_three_without_stars() {
    let path = shared_corpora().join("Snailclimb__JavaGuide/docs/cs-basics/network/other-network-questions.md");
    let parsed = parse(&std::fs::read_to_string(path).unwrap(), "other-network-questions.md", None);
    assert_eq!(parsed.question_level, Some(3));
    assert!(parsed.entries.len() >= 25, "{}", parsed.entries.len());
    assert!(parsed.entries.iter().all(|e| !e.question.starts_with('⭐')));
    assert!(parsed.entries[0].category.contains("计算机网络"), "{}", parsed.entries[0].category);
}

#[test]
fn a_file_without_questions_has_no_entries() {
    let path = shared_corpora().join("Snailclimb__JavaGuide/docs/ai/interview-questions/llm-interview-questions.md");
    let parsed = parse(&std::fs::read_to_string(path).unwrap(), "llm.md", None);
    assert!(parsed.entries.is_empty(), "{:?}", parsed.entries.iter().map(|e| &e.question).collect::<Vec<_>>());
}

#[test]
fn the_whole_javaguide_corpus_loads_with_its_question_counts() {
    let corpus = qabot::load::load(&shared_corpora().join("Snailclimb__JavaGuide/docs")).unwrap();
    assert_eq!(corpus.files.len(), 19);
    let empty: Vec<&str> = corpus.files.iter().filter(|f| f.entries == 0).map(|f| f.file.as_str()).collect();
    assert_eq!(
        empty,
        ["ai/interview-questions/llm-interview-questions.md", "ai/interview-questions/rag-interview-questions.md"]
    );
    assert!(corpus.files.iter().filter(|f| f.entries > 0).all(|f| f.question_level == Some(3)));
    assert_eq!(corpus.entries.len(), 459);
    assert!(corpus.errors().next().is_none());
}

#[test]
fn a_title_h1_over_a_short_h2_list_and_a_one_question_file() {
    let listed = parse("# 网络面试题\n\n## 1. 什么是 TCP？\n答\n\n## 2. 什么是 UDP？\n答\n", "net.md", None);
    assert_eq!(listed.question_level, Some(2));
    assert_eq!(listed.entries[0].category, "网络面试题");
    let single = parse(
        "# Redis 持久化机制\n\n## 面试题\n问\n\n## 面试题剖析\n\n### 为什么要持久化？\n答\n\n### RDB 和 AOF 如何选择？\n答\n",
        "x/redis.md",
        None,
    );
    assert_eq!(single.question_level, Some(1));
    assert_eq!(single.entries.len(), 1);
    assert_eq!(single.entries[0].question, "Redis 持久化机制");
    assert_eq!(single.entries[0].category, "x", "a one-question file takes its directory as category");
}

#[test]
fn javascript_questions_keep_code_and_options_with_the_question() {
    for (dir, file) in [("zh-CN", "README-zh_CN.md"), ("zh-TW", "README_zh-TW.md")] {
        let path = shared_corpora().join("lydiahallie__javascript-questions").join(dir).join(file);
        let parsed = parse(&std::fs::read_to_string(path).unwrap(), file, None);
        assert_eq!(parsed.question_level, Some(6), "{dir}");
        assert!(parsed.entries.len() >= 150, "{dir}: {}", parsed.entries.len());
        let first = &parsed.entries[0];
        assert!(first.context.contains("function sayHi()") && first.context.contains("- A:"), "{dir}: {first:?}");
        assert!(first.answer.contains("<details>") && first.answer.contains("#### "), "the answer keeps its details");
        assert!(parsed.problems.iter().all(|p| p.severity != qabot::Severity::Error), "{dir}");
    }
}

#[test]
fn advanced_java_is_one_question_per_file_with_the_directory_as_category() {
    let corpus = qabot::load::load(&shared_corpora().join("doocs__advanced-java/docs")).unwrap();
    assert!(corpus.files.len() >= 50);
    assert!(corpus.files.iter().all(|f| f.entries == 1 && f.question_level == Some(1)), "{:?}", corpus.files);
    let persistence = corpus.entries.iter().find(|e| e.file.ends_with("redis-persistence.md")).unwrap();
    assert_eq!(
        (persistence.question.as_str(), persistence.category.as_str()),
        ("Redis 持久化机制", "high-concurrency")
    );
    assert!(persistence.answer.contains("RDB"));
}

#[test]
fn duplicate_questions_are_warned_about_with_both_places() {
    let dir = super::support::corpus_with(&[
        ("a.md", "## 1. 什么是 TCP？\n答\n\n## 2. 什么是 UDP？\n答\n"),
        ("b.md", "## 1. 什么是TCP?\n另一个答\n\n## 2. 别的？\n答\n"),
    ]);
    let corpus = qabot::load::load(dir.path()).unwrap();
    let duplicate = corpus.problems.iter().find(|p| p.message.contains("duplicate")).expect("a duplicate warning");
    assert_eq!((duplicate.file.as_str(), duplicate.line), ("b.md", 1));
    assert!(duplicate.message.contains("a.md:1"));
}

#[test]
fn lines_are_counted_with_any_line_ending() {
    for eol in ["\n", "\r\n", "\r"] {
        let text =
            ["# 标题", "", "## 1. 什么是粘包？", "", "答案一", "", "## 2. 什么是握手？", "", "答案二", ""].join(eol);
        let parsed = parse(&text, "a.md", None);
        let lines: Vec<usize> = parsed.entries.iter().map(|e| e.line).collect();
        assert_eq!(lines, [3, 7], "{eol:?}");
    }
}
