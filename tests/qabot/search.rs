//! Answers from the bundled corpus.

use super::support::{bundled_corpus, engine, engine_over};

#[test]
fn every_question_finds_its_own_entry_first() {
    let corpus = qabot::load::load(&bundled_corpus()).unwrap();
    let lost: Vec<&str> = corpus
        .entries
        .iter()
        .filter(|e| engine().ask(&e.question).best.map(|b| b.id) != Some(e.id.clone()))
        .map(|e| e.question.as_str())
        .collect();
    assert!(lost.is_empty(), "{lost:?}");
}

fn best(question: &str) -> String {
    engine().ask(question).best.map(|b| b.question).unwrap_or_else(|| "<none>".into())
}

#[test]
fn the_examples_people_type_find_the_right_entry() {
    assert_eq!(best("tcp跟udp有啥不一样"), "TCP 和 UDP 的区别？");
    assert!(best("什么是粘包").starts_with("什么是粘包"));
    assert!(best("what is the GIL").contains("GIL"));
    assert!(best("epol和selcet有什么不同").contains("epoll"), "Latin typos are corrected");
    assert!(best("三次我手").contains("三次握手"), "Chinese homophone typos are corrected");
    assert!(best("防火强").contains("防火墙"));
    assert!(best("DNS解析").contains("域名解析"));
}

#[test]
fn related_topics_exclude_the_answer_and_stay_on_subject() {
    let answer = engine().ask("tcp和udp的区别");
    let best = answer.best.unwrap();
    assert!(!answer.related.is_empty() && answer.related.len() <= 5);
    assert!(answer.related.iter().all(|r| r.id != best.id));
    let first_three: Vec<&str> = answer.related.iter().take(3).map(|r| r.question.as_str()).collect();
    assert!(
        first_three.iter().any(|q| q.contains("握手") || q.contains("可靠") || q.contains("粘包")),
        "{first_three:?}"
    );
}

#[test]
fn a_question_in_the_users_own_words_is_answered_on_rare_shared_words() {
    // It shares a third of its words with the entry, but rare ones (全局变量, 线程).
    assert_eq!(best("好几个线程一起修改同一个全局变量，数据乱了"), "进程锁和线程锁的作用？");
}

#[test]
fn off_topic_questions_and_greetings_get_no_answer() {
    for question in ["今天天气怎么样", "给我讲个笑话", "what's the weather like", "你好", "thanks"] {
        assert_eq!(best(question), "<none>", "{question}");
    }
    assert_eq!(engine().ask("你好").note, Some(qabot::Note::Greeting));
}

#[test]
fn blank_questions_are_noted_not_errors() {
    for question in ["", "   ", "\t"] {
        let answer = engine().ask(question);
        assert_eq!(answer.note, Some(qabot::Note::Empty));
        assert!(answer.best.is_none());
    }
}

#[test]
fn query_syntax_is_just_words() {
    for question in ["a AND (", "title:", "*", "\"", "-", "http://x.y", "tcp OR udp NOT", "[]{}^~:\\", "udp\""] {
        let _ = engine().ask(question);
    }
    assert_eq!(best("\"tcp\" AND (udp"), "TCP 和 UDP 的区别？");
}

#[test]
fn near_duplicates_are_found() {
    let groups = engine().near_duplicates();
    let asks = |group: &[qabot::Hit], title: &str| group.iter().any(|hit| hit.question.contains(title));
    assert!(groups.iter().any(|g| asks(g, "线程、进程、协程") && asks(g, "进程、线程、协程")), "{groups:?}");
}

#[test]
fn words_of_glossary_phrases_are_no_typos_and_links_are_no_words() {
    let (_corpus, engine) = engine_over(&[
        (
            "notes.md",
            "## 1. 三次握手的过程？\n\n客户端发 SYN。\n\n## 2. 什么是 B 树？\n\nB tree，见 [文档](https://example.com/three/https)。\n",
        ),
        ("glossary.toml", "[network]\n\"three-way handshake\" = [\"三次握手\"]\nhttps = [\"安全超文本传输协议\"]\n"),
    ]);
    let best = |q: &str| engine.ask(q).best.map(|b| b.question).unwrap_or_else(|| "<none>".into());
    assert_eq!(best("three-way handshake"), "三次握手的过程？", "`three` is no typo of `tree`");
    assert_eq!(best("what is https"), "<none>", "a link's address is not what an entry says");
}

#[test]
fn one_ideograph_in_a_title_is_no_evidence() {
    // Enough other entries for 话 to be a rare word.
    let java = among_others("## 1. 这句话创建了几个字符串对象？\n\n两个对象。\n\n", 58);
    let (_corpus, engine) = engine_over(&[("java.md", &java)]);
    assert!(engine.ask("讲个笑话吧").best.is_none(), "话 of 这句话 is no answer to 笑话");
    assert!(engine.ask("这句话创建了几个对象").best.is_some());
}

#[test]
fn an_english_word_is_a_name_only_where_it_is_written() {
    let notes = among_others("## 1. 多路复用的作用？\n\n等到写就绪再进行写操作。\n\n", 58);
    let glossary = "[general]\nwrite = [\"写操作\"]\n";
    let (_corpus, engine) = engine_over(&[("notes.md", &notes), ("glossary.toml", glossary)]);
    let answer = engine.ask("write me a poem about the sea");
    assert!(answer.best.is_none(), "写操作 does not make `write` a name");
    assert_eq!(answer.suggestions.first().map(|s| s.question.as_str()), Some("多路复用的作用？"), "though it matches");
}

#[test]
fn a_term_is_found_in_its_parts_in_another_order() {
    let notes = among_others("## 1. 常见状态码有那些\n\n500 - 内部服务器错误\n\n", 28);
    let glossary = "[web]\n\"http 500\" = [\"internal server error\", \"服务器内部错误\"]\n";
    let (_corpus, engine) = engine_over(&[("notes.md", &notes), ("glossary.toml", glossary)]);
    let best = engine.ask("服务器内部错误").best.map(|b| b.question);
    assert_eq!(best.as_deref(), Some("常见状态码有那些"), "服务器, 内部 and 错误 are all there");
}

#[test]
fn an_english_question_with_words_the_corpus_lacks_is_about_something_else() {
    let notes = among_others("## 1. UDP 的特点？\n\nUDP 只是 best effort 的传输。\n\n", 28);
    let (_corpus, engine) = engine_over(&[("notes.md", &notes)]);
    assert!(engine.ask("best movies of 2024").best.is_none(), "movies and 2024 are nowhere in the corpus");
    assert!(engine.ask("udp best effort").best.is_some());
}

#[test]
fn a_described_situation_finds_the_term_its_hint_suggests() {
    let notes = among_others("## 1. CDN 的作用？\n\n内容分发网络把图片等静态资源缓存到边缘节点。\n\n", 28);
    let glossary = "[web]\ncdn = [\"内容分发网络\"]\n";
    let hinted = format!("{glossary}\n[hints]\n\"就近访问\" = [\"cdn\"]\n");
    let question = "图片怎么让外地用户就近访问";
    let (_corpus, plain) = engine_over(&[("notes.md", &notes), ("glossary.toml", glossary)]);
    assert!(plain.ask(question).best.is_none(), "图片 alone is too little");
    let (_corpus, engine) = engine_over(&[("notes.md", &notes), ("glossary.toml", &hinted)]);
    let best = engine.ask(question).best.map(|b| b.question);
    assert_eq!(best.as_deref(), Some("CDN 的作用？"), "就近访问 suggests CDN");
    let alone = engine.ask("就近访问").best.map(|b| b.question);
    assert_eq!(alone.as_deref(), Some("CDN 的作用？"), "alone, the cue stands for what it suggests");
    assert!(plain.ask("就近访问").best.is_none());
}

/// A Markdown file of `entry` (entry 1) and `others` unrelated entries, so
/// that the words of `entry` are rare ones.
fn among_others(entry: &str, others: usize) -> String {
    let mut text = entry.to_string();
    for n in 2..others + 2 {
        text.push_str(&format!("## {n}. 什么是第{n}种集合？\n\n一种集合。\n\n"));
    }
    text
}
