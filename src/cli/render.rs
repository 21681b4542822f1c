//! Answers laid out for a terminal: the title, the answer's Markdown turned
//! into plain lines (code indented, lists bulleted), then numbered related
//! topics. Writes to any `impl Write`, so tests render into a `Vec<u8>`.

use std::io::{self, Write};

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use qabot::text::is_han;
use qabot::{Answer, Hit};

/// Colour or not.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    pub colour: bool,
}

impl Style {
    pub fn detect() -> Self {
        Style { colour: super::use_colour() }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn code(&self, text: &str) -> String {
        self.paint("36", text)
    }
}

/// The whole answer to a question.
pub fn answer(out: &mut impl Write, answer: &Answer, style: &Style) -> io::Result<()> {
    if let Some(note) = answer.note {
        writeln!(out, "{}", style.dim(note.message()))?;
    }
    match &answer.best {
        Some(best) => entry(out, best, &answer.related, style),
        None if !answer.suggestions.is_empty() => {
            writeln!(out, "I don't know that one. Did you mean:")?;
            numbered(out, &answer.suggestions, style)
        }
        None if answer.note.is_none() => writeln!(out, "I don't know that one: no entry matches your question."),
        None => Ok(()),
    }
}

/// One entry with its related topics.
pub fn entry(out: &mut impl Write, hit: &Hit, related: &[Hit], style: &Style) -> io::Result<()> {
    writeln!(out, "{}", style.bold(&hit.question))?;
    writeln!(out, "{}", style.dim(&format!("{} · {} · {}", hit.category, hit.id, hit.source)))?;
    writeln!(out)?;
    markdown(out, &hit.answer, style)?;
    if !related.is_empty() {
        writeln!(out)?;
        writeln!(out, "{}", style.bold("Related:"))?;
        numbered(out, related, style)?;
    }
    Ok(())
}

fn numbered(out: &mut impl Write, hits: &[Hit], style: &Style) -> io::Result<()> {
    for (i, hit) in hits.iter().enumerate() {
        writeln!(out, "  {} {}", style.bold(&format!("{}.", i + 1)), hit.question)?;
    }
    Ok(())
}

/// Markdown → terminal lines. An untagged code fence holding prose (the
/// seed's answers are written that way) is shown as text, not as code.
pub fn markdown(out: &mut impl Write, text: &str, style: &Style) -> io::Result<()> {
    let mut line = String::new();
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut code: Option<bool> = None; // Some(is_prose) inside a code block
    let mut strong = false;
    let flush = |out: &mut dyn Write, line: &mut String| -> io::Result<()> {
        if !line.trim().is_empty() {
            writeln!(out, "{}", line.trim_end())?;
        }
        line.clear();
        Ok(())
    };
    for event in Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                flush(out, &mut line)?;
                let untagged = matches!(&kind, CodeBlockKind::Indented)
                    || matches!(&kind, CodeBlockKind::Fenced(l) if l.is_empty());
                code = Some(untagged);
            }
            Event::End(TagEnd::CodeBlock) => code = None,
            Event::Text(t) if code.is_some() => {
                let prose = code == Some(true) && t.chars().any(is_han);
                for l in t.lines() {
                    if prose { writeln!(out, "{l}")? } else { writeln!(out, "    {}", style.code(l))? }
                }
            }
            Event::Start(Tag::Heading { .. }) => {
                flush(out, &mut line)?;
                strong = true;
            }
            Event::End(TagEnd::Heading(_)) => {
                let heading = style.bold(line.trim());
                line.clear();
                writeln!(out, "{heading}")?;
                strong = false;
            }
            Event::Start(Tag::List(start)) => {
                flush(out, &mut line)?;
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                flush(out, &mut line)?;
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                flush(out, &mut line)?;
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                let marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".to_string(),
                };
                line.push_str(&format!("{indent}{marker} "));
            }
            Event::Start(Tag::Strong | Tag::Emphasis) => strong = true,
            Event::End(TagEnd::Strong | TagEnd::Emphasis) => strong = false,
            Event::Text(t) => line.push_str(&if strong { style.bold(&t) } else { t.to_string() }),
            Event::Code(t) => line.push_str(&style.code(&t)),
            Event::SoftBreak | Event::HardBreak => flush(out, &mut line)?,
            Event::End(TagEnd::Paragraph | TagEnd::TableRow | TagEnd::TableHead) => flush(out, &mut line)?,
            Event::End(TagEnd::TableCell) => line.push_str(" | "),
            Event::End(TagEnd::Link) => {}
            _ => {}
        }
    }
    flush(out, &mut line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> String {
        let mut out = Vec::new();
        markdown(&mut out, text, &Style { colour: false }).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn prose_fences_are_text_and_code_is_indented() {
        assert_eq!(plain("```\n并发：同时\n```"), "并发：同时\n");
        assert_eq!(plain("```python\nprint(1)\n```"), "    print(1)\n");
    }

    #[test]
    fn lists_are_bulleted_and_numbered() {
        assert_eq!(plain("- a\n- b\n"), "• a\n• b\n");
        assert_eq!(plain("1. a\n2. b\n"), "1. a\n2. b\n");
    }

    #[test]
    fn no_escape_codes_without_colour() {
        assert!(!plain("**bold** `code`").contains('\x1b'));
    }
}
