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

/// Markdown → blocks. An untagged code fence holding prose (as the seed's
/// answers are written) is shown as text.
fn markdown_blocks(markdown: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut code: Option<(bool, String)> = None; // (untagged, raw text)
    let mut list_depth = 0usize;
    let end_line = |lines: &mut Vec<String>, line: &mut String| {
        if !line.trim().is_empty() {
            lines.push(line.trim_end().to_string());
        }
        line.clear();
    };
    let end_block = |blocks: &mut Vec<Block>, lines: &mut Vec<String>| {
        if !lines.is_empty() {
            blocks.push(Block::Text(std::mem::take(lines)));
        }
    };
    for event in Parser::new_ext(markdown, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                end_line(&mut lines, &mut line);
                end_block(&mut blocks, &mut lines);
                let untagged = matches!(&kind, CodeBlockKind::Indented)
                    || matches!(&kind, CodeBlockKind::Fenced(l) if l.is_empty());
                code = Some((untagged, String::new()));
            }
            Event::Text(t) if code.is_some() => code.as_mut().map_or((), |(_, raw)| raw.push_str(&t)),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((untagged, raw)) = code.take() {
                    let escaped = raw.lines().map(escape);
                    if untagged && raw.chars().any(is_han) {
                        blocks.extend(paragraphs(escaped));
                    } else {
                        blocks.push(Block::Pre(escaped.collect()));
                    }
                }
            }
            Event::Start(Tag::Heading { .. } | Tag::Strong) => line.push_str("<b>"),
            Event::End(TagEnd::Heading(_)) => {
                line.push_str("</b>");
                end_line(&mut lines, &mut line);
            }
            Event::End(TagEnd::Strong) => line.push_str("</b>"),
            Event::Start(Tag::Emphasis) => line.push_str("<i>"),
            Event::End(TagEnd::Emphasis) => line.push_str("</i>"),
            Event::Start(Tag::Strikethrough) => line.push_str("<s>"),
            Event::End(TagEnd::Strikethrough) => line.push_str("</s>"),
            Event::Start(Tag::Link { dest_url, .. }) => line.push_str(&format!("<a href=\"{}\">", escape(&dest_url))),
            Event::End(TagEnd::Link) => line.push_str("</a>"),
            Event::Start(Tag::List(_)) => list_depth += 1,
            Event::End(TagEnd::List(_)) => list_depth = list_depth.saturating_sub(1),
            Event::Start(Tag::Item) => {
                end_line(&mut lines, &mut line);
                line.push_str(&format!("{}• ", "  ".repeat(list_depth.saturating_sub(1))));
            }
            Event::Text(t) => line.push_str(&escape(&t)),
            Event::Code(t) => line.push_str(&format!("<code>{}</code>", escape(&t))),
            Event::SoftBreak | Event::HardBreak | Event::End(TagEnd::Item | TagEnd::TableRow | TagEnd::TableHead) => {
                end_line(&mut lines, &mut line)
            }
            Event::End(TagEnd::TableCell) => line.push_str(" | "),
            Event::End(TagEnd::Paragraph) => {
                end_line(&mut lines, &mut line);
                if list_depth == 0 {
                    end_block(&mut blocks, &mut lines);
                }
            }
            _ => {}
        }
    }
    end_line(&mut lines, &mut line);
    end_block(&mut blocks, &mut lines);
    blocks
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
