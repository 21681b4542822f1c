//! The Telegram splitter on any title and answer (the first line is the title): every message at most 4096
//! characters, valid Telegram HTML (tags balanced, entities whole), never without visible text.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/cli/telegram_html.rs"]
mod telegram_html;

use telegram_html::{MAX_MESSAGE_CHARS, entry_messages};

fn check(html: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut visible = String::new();
    let mut rest = html;
    while let Some(at) = rest.find(['<', '>', '&']) {
        visible.push_str(&rest[..at]);
        rest = &rest[at..];
        let head: String = rest.chars().take(30).collect();
        if rest.starts_with('>') {
            return Err(format!("a bare > at {head:?}"));
        }
        if rest.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;"].into_iter().find(|e| rest.starts_with(e));
            let entity = entity.ok_or_else(|| format!("a bare & at {head:?}"))?;
            visible.push('x');
            rest = &rest[entity.len()..];
            continue;
        }
        let end = rest.find('>').ok_or_else(|| format!("an unclosed < at {head:?}"))?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if tag.contains('<') {
            return Err(format!("a < inside <{tag}>"));
        }
        if let Some(name) = tag.strip_prefix('/') {
            if !["b", "i", "s", "code", "pre", "a"].contains(&name) {
                return Err(format!("not a tag the renderer writes: <{tag}>"));
            }
            if open.pop() != Some(name) {
                return Err(format!("</{name}> closes the wrong tag"));
            }
            continue;
        }
        let name = tag.split(' ').next().unwrap_or_default();
        let valid = match name {
            "a" => tag.strip_prefix("a href=\"").and_then(|t| t.strip_suffix('"')).is_some_and(|v| !v.contains('"')),
            "b" | "i" | "s" | "code" | "pre" => tag == name,
            _ => false,
        };
        if !valid {
            return Err(format!("not a tag the renderer writes: <{tag}>"));
        }
        if let Some(&outer @ ("code" | "pre")) = open.last()
            && !(outer == "pre" && name == "code")
        {
            return Err(format!("<{name}> inside <{outer}>"));
        }
        open.push(name);
    }
    visible.push_str(rest);
    if !open.is_empty() {
        return Err(format!("unclosed {open:?}"));
    }
    if visible.trim().is_empty() {
        return Err("no visible text".into());
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (title, answer) = text.split_once('\n').unwrap_or((text, ""));
    if title.trim() != title || title.is_empty() {
        return; // titles come from the parser: trimmed, never empty
    }
    for message in entry_messages(title, answer) {
        assert!(message.chars().count() <= MAX_MESSAGE_CHARS, "{} characters", message.chars().count());
        if let Err(why) = check(&message) {
            panic!("{why} in {message:?}");
        }
    }
});
