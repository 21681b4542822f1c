//! A checker of Telegram HTML as qabot's renderer writes it, shared by the
//! splitter's property tests and its fuzz target (which includes this file
//! by path, as it cannot reach test code).

/// Only the tags `b i s code pre a`, balanced and properly nested, nothing
/// inside `code` or `pre` but `code`, an `a` with just an `href`; `&` only in
/// the four entities, `<` and `>` only around tags; and some visible text.
pub fn check_html(html: &str) -> Result<(), String> {
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
