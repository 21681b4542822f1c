//! Small text helpers shared by the parser and the search: what a question
//! heading looks like, how titles are cleaned, which words are filler.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Folds full-width ASCII (ＴＣＰ，１２３) to half-width and lower-cases, so
/// that what people type with a Chinese input method matches the index.
/// The spaces that Chinese typography puts between an ideograph and a Latin
/// letter or digit are dropped (`2 的幂次方` is `2的幂次方`, as people type it
/// and as the glossary has it). Web addresses are dropped (see
/// [`without_urls`]).
pub fn normalize(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    // Where the spaces after the last other character start, and that
    // character.
    let mut spaces_from = 0;
    let mut before_spaces = ' ';
    for c in text.chars() {
        if c == ' ' || c == '\u{3000}' {
            if !folded.ends_with(' ') {
                spaces_from = folded.len();
                before_spaces = folded.chars().next_back().unwrap_or(' ');
            }
        } else if folded.ends_with(' ') && joins_across_space(before_spaces, c) {
            folded.truncate(spaces_from);
        }
        match c {
            // Most of a corpus, and what needs no case table.
            _ if c.is_ascii() => folded.push(c.to_ascii_lowercase()),
            _ if is_han(c) => folded.push(c),
            '\u{FF01}'..='\u{FF5E}' => {
                folded.extend(char::from_u32(c as u32 - 0xFEE0).unwrap_or(c).to_lowercase());
            }
            '\u{3000}' => folded.push(' '),
            _ => folded.extend(c.to_lowercase()),
        }
    }
    if folded.contains("://") { without_urls(&folded) } else { folded }
}

/// Whether the spaces between `a` and `b` only separate scripts.
fn joins_across_space(a: char, b: char) -> bool {
    let latin = |c: char| {
        c.is_ascii_alphanumeric()
            || matches!(c, '+' | '#' | '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
    };
    is_han(a) && latin(b) || latin(a) && is_han(b)
}

/// Replaces each web address (`https://oss.example.com/a.png`) by a space.
/// Its words say nothing about the text's subject, yet in a corpus of
/// Markdown every image and link has one: `https` would be in half the
/// entries, and a question about HTTPS would find them all.
fn without_urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let scheme = rest[..at].trim_end_matches(|c: char| c.is_ascii_alphanumeric()).len();
        let address = &rest[at + 3..];
        let end = address
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || matches!(c, ')' | ']' | '>' | '"' | '\'' | '`'))
            .unwrap_or(address.len());
        out.push_str(&rest[..scheme]);
        out.push(' ');
        rest = &address[end..];
    }
    out.push_str(rest);
    out
}

/// Strips a question's own numbering and decorations for display:
/// `18.简述GIL` → `简述GIL`, `⭐️ 什么是 AOP？` → `什么是 AOP？`, `1、x` → `x`.
pub fn clean_title(heading: &str) -> String {
    let mut title = heading.trim();
    loop {
        let before = title;
        title = title.trim_start_matches(|c: char| is_decoration(c) || c.is_whitespace());
        title = strip_numbering(title);
        if title == before {
            break;
        }
    }
    title.trim().to_string()
}

/// Emoji and marks people put before a question (⭐️, 🔥, ✅, •).
fn is_decoration(c: char) -> bool {
    matches!(c, '\u{2600}'..='\u{27BF}' | '\u{2B00}'..='\u{2BFF}' | '\u{1F300}'..='\u{1FAFF}' | '\u{FE0F}' | '\u{200D}' | '•' | '·' | '*')
}

/// `18.` / `18、` / `18)` / `Q1:` / `问题 3：` prefixes.
fn strip_numbering(title: &str) -> &str {
    let rest = title.strip_prefix(['Q', 'q']).unwrap_or(title);
    let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if digits == 0 || digits > 4 {
        return title;
    }
    let after = &rest[digits..];
    for sep in ['.', '、', '．', ')', '）', ':', '：'] {
        if let Some(stripped) = after.strip_prefix(sep) {
            // "1.5 倍" is a number, not numbering.
            if sep == '.' && stripped.starts_with(|c: char| c.is_ascii_digit()) {
                return title;
            }
            return stripped;
        }
    }
    title
}

/// Words that make a heading a question rather than a section name.
const QUESTION_MARKERS: &[&str] = &[
    "?",
    "？",
    "什么",
    "如何",
    "怎么",
    "怎样",
    "为什么",
    "为何",
    "哪些",
    "哪个",
    "是否",
    "吗",
    "区别",
    "异同",
    "作用",
    "原理",
    "优缺点",
    "优势",
    "特点",
    "简述",
    "介绍",
    "解释",
    "说说",
    "谈谈",
    "理解",
];
const ENGLISH_MARKERS: &[&str] = &["what", "how", "why", "when", "which", "difference", "explain"];

/// Whether a heading reads like a question (see the level rule in `corpus`).
pub fn looks_like_question(heading: &str) -> bool {
    let lower = heading.to_lowercase();
    let numbered = strip_numbering(heading.trim()) != heading.trim();
    numbered
        || QUESTION_MARKERS.iter().any(|m| lower.contains(m))
        || lower.split(|c: char| !c.is_ascii_alphabetic()).any(|w| ENGLISH_MARKERS.contains(&w))
}

/// Words that carry no subject in a question: they never count towards
/// whether a question was understood, and never match on their own.
pub fn is_filler(word: &str) -> bool {
    static FILLER: LazyLock<HashSet<&str>> = LazyLock::new(|| FILLER_ZH.iter().chain(FILLER_EN).copied().collect());
    FILLER.contains(word)
}

/// Whether an ideograph is part of some Chinese filler word: a word with
/// any other character cannot be filler however it is cut.
pub fn is_filler_char(c: char) -> bool {
    static CHARS: LazyLock<HashSet<char>> = LazyLock::new(|| FILLER_ZH.iter().flat_map(|w| w.chars()).collect());
    CHARS.contains(&c)
}

const FILLER_ZH: &[&str] = &[
    "什么",
    "是",
    "的",
    "吗",
    "呢",
    "啊",
    "呀",
    "吧",
    "了",
    "有",
    "怎么",
    "怎么样",
    "怎样",
    "如何",
    "为什么",
    "为何",
    "哪些",
    "哪个",
    "一下",
    "下",
    "请问",
    "请",
    "我",
    "你",
    "他",
    "它",
    "我们",
    "你们",
    "想",
    "知道",
    "问",
    "问题",
    "讲",
    "讲讲",
    "说",
    "说说",
    "谈谈",
    "介绍",
    "简述",
    "简要",
    "解释",
    "是什么",
    "什么是",
    "啥",
    "是啥",
    "干",
    "干嘛",
    "有啥",
    "和",
    "与",
    "跟",
    "及",
    "以及",
    "或",
    "还是",
    "在",
    "中",
    "里",
    "上",
    "对",
    "把",
    "被",
    "给",
    "这",
    "那",
    "这个",
    "那个",
    "个",
    "一个",
    "些",
    "一些",
    "都",
    "也",
    "就",
    "又",
    "很",
    "最",
    "能",
    "会",
    "可以",
    "要",
    "需要",
    "应该",
    "到底",
    "究竟",
    "之间",
    "时候",
    "东西",
    "意思",
    "含义",
    "理解",
    "用",
    "鬼",
    "么",
    "嘛",
    "不",
    "没有",
    "是不是",
    "有没有",
    "如果",
    "那么",
    "怎么办",
    "该",
    "一样",
    "简单",
    "详细",
    "具体",
    // Spoken Chinese, as people type it to a bot.
    "为啥",
    "咋",
    "咋样",
    "咋回事",
    "怎么回事",
    "干啥",
    "哪",
    "哪儿",
    "哪里",
    "来着",
    "呗",
    "啦",
    "哈",
    "能不能",
    "可不可以",
    "一般",
    "通常",
    "做到",
    "到底是",
    // Chat around the question: how it sounds, how long one has wondered.
    "听起来",
    "看起来",
    "起来",
    "感觉",
    "好像",
    "想不通",
    "搞不懂",
    "不懂",
    "不明白",
    "经验之谈",
    "有没有人",
    "大佬",
    "大神",
    "通俗",
    "通俗易懂",
    "通俗点",
    "一点",
    "一点点",
    "一堆",
    "一大堆",
    "那一堆",
    "总结一下",
    "分别",
    "这俩",
    "它俩",
    "俩",
    "这仨",
    "仨",
    "各自",
    "大家",
    "玩意",
    "玩意儿",
    "懵",
    "记不住",
    "莫名其妙",
    "捋一捋",
    "面试",
    "总被问到",
    "答不上来",
    "刚入门",
    "有点",
    "该用",
    "老是",
    "一遍",
    "不想",
    "以后",
    "每次",
    "整个",
    "经历",
    "面试官",
    "答不全",
    "总结过",
];

/// Words that help rank (区别 prefers the entry about a difference) but say
/// nothing about the subject, so a question made only of them is not
/// understood.
pub fn is_weak(word: &str) -> bool {
    static WEAK_SET: LazyLock<HashSet<&str>> = LazyLock::new(|| WEAK.iter().copied().collect());
    WEAK_SET.contains(word)
}

const WEAK: &[&str] = &[
    "区别",
    "差别",
    "差不多",
    "一回事",
    "不同",
    "不一样",
    "差异",
    "差",
    "异同",
    "对比",
    "比较",
    "关系",
    "作用",
    "概念",
    "原理",
    "特点",
    "优点",
    "缺点",
    "优缺点",
    "优势",
    "场景",
    "应用",
    "应用场景",
    "使用",
    "用法",
    "使用方法",
    "过程",
    "流程",
    "方式",
    "方法",
    "常见",
    "有哪些",
    "功能",
    "difference",
    "differences",
    "different",
    "compare",
    "comparison",
    "vs",
    "versus",
    "use",
    "used",
    "using",
    "work",
    "works",
    "advantages",
    "disadvantages",
    "pros",
    "cons",
    "purpose",
];

const FILLER_EN: &[&str] = &[
    "a",
    "an",
    "the",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "what",
    "whats",
    "what's",
    "how",
    "why",
    "when",
    "which",
    "who",
    "where",
    "do",
    "does",
    "did",
    "of",
    "to",
    "in",
    "on",
    "for",
    "and",
    "or",
    "with",
    "between",
    "about",
    "it",
    "its",
    "this",
    "that",
    "these",
    "those",
    "i",
    "you",
    "me",
    "my",
    "we",
    "can",
    "could",
    "should",
    "would",
    "will",
    "please",
    "tell",
    "explain",
    "describe",
    "mean",
    "means",
    "meaning",
    "s",
    "there",
    "some",
    "any",
    "way",
    "ways",
    "than",
    "from",
    "by",
    "as",
    "at",
    "into",
    "not",
    "no",
    "so",
    "if",
    "then",
    "one",
    "thing",
    "things",
    "need",
    "know",
    "get",
    "make",
    "like",
    "good",
    "really",
    // Adverbs and pronouns an English question wraps its subject in.
    "briefly",
    "brief",
    "basically",
    "actually",
    "exactly",
    "simply",
    "just",
    "also",
    "still",
    "even",
    "ever",
    "usually",
    "typically",
    "generally",
    "commonly",
    "mainly",
    "specifically",
    "very",
    "too",
    "quite",
    "rather",
    "pretty",
    "often",
    "always",
    "never",
    "sometimes",
    "here",
    "now",
    "again",
    "own",
    "each",
    "every",
    "other",
    "another",
    "both",
    "either",
    "someone",
    "something",
    "anything",
    "everything",
    "anyone",
    "people",
    "guys",
    "us",
    "our",
    "your",
    "their",
    "they",
    "them",
    "he",
    "she",
    "his",
    "her",
    "him",
    "let",
    "lets",
    "i'm",
    "im",
    "don't",
    "dont",
    "doesn't",
    "doesnt",
    "isn't",
    "isnt",
    "aren't",
    "arent",
    "didn't",
    "didnt",
    "etc",
    "don",
    "doesn",
    "isn",
    "aren",
    "didn",
    "wasn",
    "t",
    "instead",
    "more",
    "much",
    "lots",
    "several",
    "considered",
    "through",
    "over",
    "must",
    "whenever",
    "during",
    "sure",
    "come",
    "comes",
    "walk",
    "take",
    "takes",
    "actual",
    "compared",
    "give",
    "happen",
    "happens",
    "problem",
    "problems",
    "issue",
    "issues",
];

/// Filler and weak words, which the segmentation dictionary must know so
/// that they stay whole (为什么 rather than 为 + 什么).
pub fn function_words() -> impl Iterator<Item = &'static str> {
    FILLER_ZH.iter().chain(WEAK).copied().filter(|w| w.chars().any(is_han))
}

/// The [`intents`] bit of a question asking how two things differ.
pub const COMPARISON: u8 = 1 << 1;

/// What kind of question a text asks, as bits: what it is, how two things
/// differ, why, how, pros and cons, what it is for, which ones there are
/// (常见的操作系统有哪些 is not 什么是操作系统). A title asking the same
/// kind of question as the user ranks a little higher.
pub fn intents(normalized: &str) -> u8 {
    const KINDS: [&[&str]; 7] = [
        &[
            "什么是",
            "是什么",
            "是啥",
            "是个啥",
            "啥是",
            "什么叫",
            "啥叫",
            "何为",
            "什么意思",
            "啥意思",
            "指的是",
            "what is",
            "what's",
            "what are",
            "定义",
            "介绍",
            "了解",
        ],
        &[
            "区别",
            "不同",
            "差别",
            "差异",
            "异同",
            "不一样",
            "difference",
            " vs",
            "versus",
            "对比",
            "比较",
            "一回事",
            "差不多",
        ],
        &["为什么", "为何", "为啥", "why", "原因"],
        &["如何", "怎么", "怎样", "how ", "实现"],
        &["优缺点", "优点", "缺点", "优势", "好处", "advantage", "disadvantage", "pros", "cons"],
        &["场景", "应用", "用途", "作用", "用来", "干嘛", "用处", "use case", "when to use", "used for"],
        &["哪些", "哪几", "几种", "常见", "常用", "列举", "which", "kinds of", "types of"],
    ];
    KINDS
        .iter()
        .enumerate()
        .filter(|(_, markers)| markers.iter().any(|m| normalized.contains(m)))
        .fold(0, |bits, (i, _)| bits | 1 << i)
}

/// Chinese ideographs (the CJK blocks jieba segments).
pub fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Text is segmented raw or already normalized (`Segmenter::words`
    /// normalizes what it is given) and must yield the same words either
    /// way. Checked character by character, as `normalize` works.
    #[test]
    fn normalizing_twice_changes_nothing() {
        for c in (0..=char::MAX as u32).filter_map(char::from_u32) {
            let once = normalize(&c.to_string());
            assert_eq!(normalize(&once), once, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn full_width_and_every_script_are_folded_to_lower_case() {
        assert_eq!(normalize("ＴＣＰ\u{3000}和 ÀB、ΣΑ與Дом"), "tcp和 àb、σα與дом");
    }

    #[test]
    fn chat_around_a_question_is_filler_and_sameness_asks_for_a_comparison() {
        assert!(is_filler("听起来") && is_filler("想不通"));
        assert!(is_weak("一回事") && is_weak("差不多"));
        assert_eq!(intents("并发和并行是不是一回事") & COMPARISON, COMPARISON);
    }

    #[test]
    fn what_a_thing_is_is_asked_in_many_ways() {
        let what = intents("什么是幂等");
        for asked in ["幂等是个啥", "啥叫幂等", "幂等什么意思", "何为幂等", "接口幂等指的是哪种性质"]
        {
            assert_eq!(intents(asked) & what, what, "{asked}");
        }
    }

    #[test]
    fn asking_for_a_list_is_a_kind_of_question_of_its_own() {
        let list = intents("常见的操作系统有哪些");
        assert_ne!(list, 0);
        assert_eq!(list & intents("什么是操作系统"), 0);
        for asked in ["redis有哪几种数据类型", "列举几种排序算法", "which kinds of locks are there"] {
            assert_eq!(intents(asked) & list, list, "{asked}");
        }
    }

    #[test]
    fn spaces_between_scripts_are_dropped() {
        assert_eq!(normalize("HashMap 的长度为什么是 2 的幂次方"), "hashmap的长度为什么是2的幂次方");
        assert_eq!(normalize("B+ 树和 B  树"), "b+树和b树");
        assert_eq!(normalize("tcp and udp 的区别"), "tcp and udp的区别");
        assert_eq!(normalize("中文 中文"), "中文 中文");
    }

    #[test]
    fn web_addresses_are_no_words() {
        assert_eq!(normalize("见[官网](HTTPS://Redis.io/docs)。"), "见[官网]( )。");
        assert_eq!(normalize("![图](https://oss.x.cn/a.png)https 更安全"), "![图]( )https更安全");
        assert_eq!(normalize("地址 http://a.b/c?d=1中文"), "地址 中文");
        assert_eq!(normalize("https和http的区别"), "https和http的区别");
        assert_eq!(normalize("://"), " ");
    }

    #[test]
    fn numbering_and_stars_are_stripped() {
        assert_eq!(clean_title("18.简述什么是GIL锁？"), "简述什么是GIL锁？");
        assert_eq!(clean_title("1. TCP 和 UDP 的区别？"), "TCP 和 UDP 的区别？");
        assert_eq!(clean_title("3、什么是粘包"), "什么是粘包");
        assert_eq!(clean_title("⭐️ 什么是 AOP？"), "什么是 AOP？");
        assert_eq!(clean_title("1.5 倍扩容"), "1.5 倍扩容");
        assert_eq!(clean_title("2024 年的新特性"), "2024 年的新特性");
    }

    #[test]
    fn questions_are_told_from_section_names() {
        assert!(looks_like_question("什么是 Redis 事务？"));
        assert!(looks_like_question("4.并发与并行"));
        assert!(looks_like_question("What is the GIL"));
        assert!(!looks_like_question("基础概念"));
        assert!(!looks_like_question("面试官心理分析"));
    }

    #[test]
    fn full_width_folds_to_ascii() {
        assert_eq!(normalize("ＴＣＰ和ＵＤＰ"), "tcp和udp");
    }
}
