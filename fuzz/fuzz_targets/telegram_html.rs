//! The Telegram splitter on any title and answer (the first line is the title): every message at most 4096
//! characters, valid Telegram HTML (tags balanced, entities whole), never without visible text.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/cli/telegram_html.rs"]
mod telegram_html;

#[path = "../../src/cli/telegram_html_check.rs"]
mod telegram_html_check;

use telegram_html::{MAX_MESSAGE_CHARS, entry_messages};
use telegram_html_check::check_html as check;

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
