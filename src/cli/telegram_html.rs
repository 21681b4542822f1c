//! Entries as Telegram messages: the answer's Markdown as Telegram HTML
//! (every corpus and user string escaped), split into messages of at most
//! 4096 characters at paragraph or line boundaries, never inside a tag or an
//! entity; a code block that must be split is closed and reopened.

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use qabot::text::is_han;

/// Telegram's limit on a message's length.
pub const MAX_MESSAGE_CHARS: usize = 4096;

/// Escapes text for Telegram's HTML parse mode.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// A unit that is never split across messages unless it alone is too long.
#[derive(Debug, Clone, PartialEq)]
enum Block {
    /// Lines of HTML, each complete in itself (its tags close on the line).
    Text(Vec<String>),
    /// Lines of escaped code, shown in `<pre>`.
    Pre(Vec<String>),
}

/// The messages for one entry: the title in bold, then the answer.
pub fn entry_messages(title: &str, answer: &str) -> Vec<String> {
    let mut blocks = vec![Block::Text(vec![format!("<b>{}</b>", escape(title))])];
    blocks.extend(markdown_blocks(answer));
    pack(&blocks, MAX_MESSAGE_CHARS)
}

/// Builds text blocks line by line. Inline tags still open at the end of a
/// line are closed there and reopened on the next, so that every line is
/// complete HTML on its own and messages can be split between any two lines.
#[derive(Default)]
struct Lines {
    blocks: Vec<Block>,
    lines: Vec<String>,
    line: String,
    /// Open inline tags: name and opening text.
    open: Vec<(&'static str, String)>,
}

impl Lines {
    fn open(&mut self, name: &'static str, opening: String) {
        self.line.push_str(&opening);
        self.open.push((name, opening));
    }

    fn close(&mut self, name: &'static str) {
        if let Some(at) = self.open.iter().rposition(|(n, _)| *n == name) {
            self.open.remove(at);
            self.line.push_str(&format!("</{name}>"));
        }
    }

    fn end_line(&mut self) {
        let closing: String = self.open.iter().rev().map(|(name, _)| format!("</{name}>")).collect();
        let line = std::mem::take(&mut self.line);
        if !strip_tags(&line).trim().is_empty() {
            self.lines.push(format!("{}{closing}", line.trim_end()));
        }
        self.line = self.open.iter().map(|(_, opening)| opening.as_str()).collect();
    }

    fn end_block(&mut self) {
        self.end_line();
        if !self.lines.is_empty() {
            self.blocks.push(Block::Text(std::mem::take(&mut self.lines)));
        }
    }
}

/// Markdown → blocks. An untagged code fence holding prose (as the seed's
/// answers are written) is shown as text.
fn markdown_blocks(markdown: &str) -> Vec<Block> {
    let mut out = Lines::default();
    let mut code: Option<(bool, String)> = None; // (untagged, raw text)
    let mut list_depth = 0usize;
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                out.end_block();
                let untagged = matches!(&kind, CodeBlockKind::Indented)
                    || matches!(&kind, CodeBlockKind::Fenced(l) if l.is_empty());
                code = Some((untagged, String::new()));
            }
            Event::Text(t) if code.is_some() => code.as_mut().map_or((), |(_, raw)| raw.push_str(&t)),
            Event::End(TagEnd::CodeBlock) => {
                let Some((untagged, raw)) = code.take() else { continue };
                let escaped = raw.lines().map(escape);
                if untagged && raw.chars().any(is_han) {
                    out.blocks.extend(paragraphs(escaped));
                } else if !raw.trim().is_empty() {
                    out.blocks.push(Block::Pre(escaped.collect()));
                }
            }
            Event::Start(Tag::Heading { .. } | Tag::Strong) => out.open("b", "<b>".into()),
            Event::End(TagEnd::Heading(_)) => {
                out.close("b");
                out.end_line();
            }
            Event::End(TagEnd::Strong) => out.close("b"),
            Event::Start(Tag::Emphasis) => out.open("i", "<i>".into()),
            Event::End(TagEnd::Emphasis) => out.close("i"),
            Event::Start(Tag::Strikethrough) => out.open("s", "<s>".into()),
            Event::End(TagEnd::Strikethrough) => out.close("s"),
            Event::Start(Tag::Link { dest_url, .. }) => out.open("a", format!("<a href=\"{}\">", escape(&dest_url))),
            Event::End(TagEnd::Link) => out.close("a"),
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                out.end_line();
                out.line.push_str(&format!("{}• ", "  ".repeat(list_depth.saturating_sub(1))));
            }
            Event::Text(t) => out.line.push_str(&escape(&t)),
            // Tags of HTML blocks (<details>, <summary>) are dropped but
            // their text kept; an "inline tag" that is no HTML tag is text
            // (`List<String>`).
            Event::Html(t) => out.line.push_str(&escape(&strip_tags(&t))),
            Event::InlineHtml(t) if !is_html_tag(&t) => out.line.push_str(&escape(&t)),
            Event::Code(t) => out.line.push_str(&format!("<code>{}</code>", escape(&t))),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => {
                out.end_line()
            }
            Event::End(TagEnd::TableCell) => out.line.push_str(" | "),
            Event::End(TagEnd::Paragraph) if list_depth == 0 => out.end_block(),
            Event::End(TagEnd::Paragraph) => out.end_line(),
            _ => {}
        }
    }
    out.end_block();
    out.blocks
}

/// Lines → text blocks, a blank line ending each.
fn paragraphs(lines: impl Iterator<Item = String>) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for line in lines {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(Block::Text(std::mem::take(&mut current)));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(Block::Text(current));
    }
    blocks
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Packs blocks into messages of at most `limit` characters.
fn pack(blocks: &[Block], limit: usize) -> Vec<String> {
    let mut messages = Vec::new();
    let mut current = String::new();
    for piece in blocks.iter().flat_map(|b| pieces(b, limit)) {
        let separator = if current.is_empty() { 0 } else { 2 };
        if !current.is_empty() && chars(&current) + separator + chars(&piece) > limit {
            messages.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push_str("\n\n");
        }
        current.push_str(&piece);
    }
    if !current.is_empty() || messages.is_empty() {
        messages.push(current);
    }
    messages
}

/// A block as one HTML string, or several when it alone exceeds `limit`.
fn pieces(block: &Block, limit: usize) -> Vec<String> {
    match block {
        Block::Text(lines) => group_lines(lines.iter().flat_map(|l| cut_line(l, limit)).collect(), limit, "", ""),
        Block::Pre(lines) => {
            let inner = limit - "<pre></pre>".len();
            let lines = lines.iter().flat_map(|l| cut_line(l, inner)).collect();
            group_lines(lines, inner, "<pre>", "</pre>")
        }
    }
}

/// Joins lines with newlines into groups of at most `limit` characters, each
/// wrapped in `open`…`close`.
fn group_lines(lines: Vec<String>, limit: usize, open: &str, close: &str) -> Vec<String> {
    let mut groups = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        match current.as_mut() {
            Some(group) if chars(group) + 1 + chars(&line) <= limit => {
                group.push('\n');
                group.push_str(&line);
            }
            _ => groups.extend(current.replace(line)),
        }
    }
    groups.extend(current);
    groups.into_iter().map(|g| format!("{open}{g}{close}")).collect()
}

/// A line longer than `limit`, cut without breaking a tag or an entity. A
/// line with tags is first flattened to its escaped text.
fn cut_line(line: &str, limit: usize) -> Vec<String> {
    if chars(line) <= limit {
        return vec![line.to_string()];
    }
    let text = escape(&unescape(&strip_tags(line)));
    let mut out = Vec::new();
    let mut current = String::new();
    let mut count = 0;
    let mut rest = text.as_str();
    while let Some(c) = rest.chars().next() {
        // An entity is one unit: `&amp;` is never split.
        let unit_len = if c == '&' { rest.find(';').map_or(1, |i| i + 1) } else { c.len_utf8() };
        let unit = &rest[..unit_len];
        if count + chars(unit) > limit {
            out.push(std::mem::take(&mut current));
            count = 0;
        }
        current.push_str(unit);
        count += chars(unit);
        rest = &rest[unit_len..];
    }
    out.push(current);
    out
}

/// Whether inline HTML is a real tag (or a comment) rather than text such as `<String>`.
fn is_html_tag(html: &str) -> bool {
    const TAGS: &[&str] = &[
        "a",
        "b",
        "i",
        "u",
        "s",
        "br",
        "p",
        "div",
        "span",
        "img",
        "em",
        "strong",
        "code",
        "pre",
        "sup",
        "sub",
        "font",
        "center",
        "details",
        "summary",
        "table",
        "tr",
        "td",
        "th",
        "ul",
        "ol",
        "li",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "kbd",
        "mark",
        "small",
        "big",
        "blockquote",
    ];
    let name: String = html
        .trim_start_matches('<')
        .trim_start_matches('/')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase();
    html.starts_with("<!--") || TAGS.contains(&name.as_str())
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_text_is_escaped() {
        let messages = entry_messages("a<b & c>d", "x < y && `<tag>`");
        assert_eq!(messages.len(), 1);
        assert!(messages[0].starts_with("<b>a&lt;b &amp; c&gt;d</b>"));
        assert!(messages[0].contains("x &lt; y &amp;&amp; <code>&lt;tag&gt;</code>"));
    }

    #[test]
    fn text_that_looks_like_html_is_kept_and_real_tags_dropped() {
        let messages = entry_messages("t", "返回 List<String> 类型，<b>粗</b>体");
        assert!(messages[0].contains("List&lt;String&gt;"), "{messages:?}");
        assert!(messages[0].contains("粗") && !messages[0].contains("&lt;b&gt;"), "{messages:?}");
    }

    #[test]
    fn long_answers_split_at_lines_and_reopen_code_blocks() {
        let code: String = (0..400).map(|i| format!("let x{i} = {i} & 1;\n")).collect();
        let prose: String = (0..60).map(|i| format!("第{i}段：{}\n\n", "内容".repeat(40))).collect();
        let messages = entry_messages("长", &format!("{prose}```rust\n{code}```\n\n{prose}"));
        assert!(messages.len() >= 3);
        for message in &messages {
            assert!(chars(message) <= MAX_MESSAGE_CHARS);
            assert_eq!(message.matches("<pre>").count(), message.matches("</pre>").count());
        }
        let code_lines: usize = messages.iter().map(|m| m.matches("let x").count()).sum();
        assert_eq!(code_lines, 400, "no code line is lost or split");
    }

    #[test]
    fn a_single_huge_line_is_cut_between_entities() {
        let line = "a&b".repeat(3000);
        let messages = entry_messages("t", &line);
        assert!(messages.len() >= 2);
        for message in &messages {
            assert!(chars(message) <= MAX_MESSAGE_CHARS);
            assert!(!message.ends_with('&') && !message.contains("&am\n"));
        }
        let text: String = messages.iter().map(|m| unescape(&strip_tags(m))).collect::<Vec<_>>().join("");
        assert_eq!(text.matches("a&b").count(), 3000);
    }
}

#[cfg(test)]
#[path = "telegram_html_check.rs"]
mod check;

#[cfg(test)]
mod properties {
    use proptest::collection::vec;
    use proptest::prelude::*;
    use proptest::sample::select;

    use super::check::check_html;
    use super::*;

    /// A title as the parser makes them: something visible, trimmed.
    const TITLE: &str = "[^\\s\\p{C}](\\PC{0,60}[^\\s\\p{C}])?";

    fn config() -> ProptestConfig {
        let default = ProptestConfig::default();
        let cases = if std::env::var_os("PROPTEST_CASES").is_some() { default.cases } else { 64 };
        ProptestConfig { cases, ..default }
    }

    /// What a reader sees: tags stripped, entities unescaped.
    fn visible(html: &str) -> String {
        unescape(&strip_tags(html))
    }

    fn without_whitespace(text: &str) -> String {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    }

    /// Markdown as answers are written, with the awkward cases: emphasis and links across line breaks, entities,
    /// raw HTML, code with `<` and `&`, empty code blocks and headings, CJK and other unicode, very long lines.
    fn markdown_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => "[a-z\u{4e00}-\u{4e50} <>&\"']{1,40}",
            4 => select(vec![
                "**粗体**", "*斜体*", "_斜体_", "~~删除~~", "`a<b>&c`", "[链接](http://x.y/?a=1&b=\"2\")",
                "[**粗**`码`](u)", "![图](i.png)", "<b>raw</b>", "<br>", "&amp;", "&#x41;", "&nbsp;", "&copy;",
                "\n# 标题\n", "\n## *小*标题\n", "\n- 项\n", "\n  - 子项\n", "\n1. 一\n", "\n> 引用\n",
                "\n| a | *b* |\n|---|---|\n| 1 | 2 |\n", "\n```\n代码 中文\n```\n", "\n```\nplain <code> & more\n```\n",
                "\n```rust\nlet x = a < b && c > d;\n```\n", "\n    缩进代码\n", "\n", "\n\n",
                "  \n", "\\*", "<details>", "</details>", "*跨\n行*", "**跨\n行的粗体**", "[跨\n行](u)",
                "~~跨\n行~~", "\n```\n\n```\n", "\n```\n  \n```\n", "\n#\n",
            ])
            .prop_map(String::from),
            1 => "\\PC{0,30}",
            1 => ("[a-z&<]|[\u{4e00}-\u{4e50}]|\\*\\*x\\*\\* |`c` ", 100..3000usize).prop_map(|(s, n)| s.repeat(n)),
        ]
    }

    /// An answer, its pieces repeated so that many answers need several messages.
    fn answer_of(piece: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
        (vec(piece, 0..20), 1..60usize).prop_map(|(pieces, times)| pieces.concat().repeat(times))
    }

    /// Plain lines: CJK, ASCII letters and digits, spaces, `<`, `>`, `&`. Markdown syntax is avoided: a line
    /// starts with a letter (a `>` there is a quote marker) and a `<` is never followed by an ASCII letter
    /// (`<a>` would be raw HTML).
    fn plain_answer() -> impl Strategy<Value = String> {
        let line = "[\u{4e00}-\u{4e80}a-zA-Z0-9][\u{4e00}-\u{4e80}a-zA-Z0-9 <>&]{0,80}";
        let line = line.prop_map(|l| l.replace('<', "< "));
        (vec(line, 1..40), 1..40usize).prop_map(|(lines, times)| lines.join("\n").repeat(times))
    }

    fn assert_valid_messages(title: &str, answer: &str) -> Result<(), TestCaseError> {
        let messages = entry_messages(title, answer);
        prop_assert!(!messages.is_empty());
        for message in &messages {
            prop_assert!(chars(message) <= MAX_MESSAGE_CHARS, "{} chars", chars(message));
            if let Err(problem) = check_html(message) {
                prop_assert!(false, "{problem}\nanswer: {answer:?}");
            }
        }
        Ok(())
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn messages_are_short_valid_telegram_html(title in TITLE, answer in answer_of(markdown_piece())) {
            assert_valid_messages(&title, &answer)?;
        }

        #[test]
        fn plain_text_is_kept_whole(title in "[\u{4e00}-\u{4e80}a-zA-Z0-9]{1,20}", answer in plain_answer()) {
            let messages = entry_messages(&title, &answer);
            let shown: String = messages.iter().map(|m| visible(m)).collect();
            prop_assert_eq!(without_whitespace(&shown), without_whitespace(&format!("{title}{answer}")));
        }
    }

    /// `*x⏎y*` is two lines; a message may end between them, and each must still be balanced (Telegram refuses
    /// "can't parse entities" otherwise).
    #[test]
    fn emphasis_across_a_line_break_is_not_split_apart() {
        let answer = format!("{} *x\ny*", "a".repeat(4088));
        for message in entry_messages("t", &answer) {
            check_html(&message).unwrap();
        }
    }

    /// A line over the limit is flattened to text; the emphasis it opened must not leave the next line a stray
    /// `</i>`.
    #[test]
    fn a_long_line_inside_emphasis_keeps_the_tags_balanced() {
        let answer = format!("*{}\ny*", "a".repeat(5000));
        for message in entry_messages("t", &answer) {
            check_html(&message).unwrap();
        }
    }

    /// An empty code block or heading must not become a message without text, which Telegram refuses ("message
    /// text is empty").
    #[test]
    fn no_message_is_empty() {
        let mut problems = Vec::new();
        for empty in ["```\n\n```", "```\n   \n```", "#"] {
            let answer = format!("{}\n\n{empty}", "a".repeat(4090));
            problems.extend(entry_messages("t", &answer).iter().filter_map(|m| check_html(m).err()));
        }
        assert!(problems.is_empty(), "{problems:#?}");
    }
}
