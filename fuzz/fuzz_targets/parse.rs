//! The corpus parser on any text: no panic, entry lines within the file, ids unique.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = qabot::corpus::parse(text, "f.md", None);
    let lines = text.lines().count();
    let mut ids = std::collections::HashSet::new();
    for entry in &parsed.entries {
        assert!((1..=lines).contains(&entry.line), "line {} of {lines}: {entry:?}", entry.line);
        assert!(ids.insert(entry.id.clone()), "id {} twice", entry.id);
        assert!(!entry.question.is_empty(), "{entry:?}");
    }
});
