//! `qabot telegram` end to end: the real binary, long-polling the fake Bot API, over a copy of the bundled corpus.

use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::fake_bot_api::{
    FakeBotApi, Fault, Request, SpawnedBot, callback_query, delivered, group_text, inline_query, private_text,
    spawn_bot, with_mention,
};
use super::support::engine;

const TOKEN: &str = "123456:TESTTOKEN";
/// How long to wait for an expected request.
const WAIT: Duration = Duration::from_secs(30);
/// How long to watch for a request that must not come.
const QUIET: Duration = Duration::from_secs(3);
/// How long the bot may take to exit after SIGTERM.
const EXIT: Duration = Duration::from_secs(10);

/// `qabot telegram` running against a fake Bot API over a temporary corpus.
struct RunningBot {
    api: FakeBotApi,
    child: Child,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl RunningBot {
    /// The bundled corpus plus `extra` files; `env` adds environment variables.
    fn start(extra: &[(&str, &str)], env: &[(&str, &str)]) -> RunningBot {
        let api = FakeBotApi::start();
        let SpawnedBot { dir, child, stderr } = spawn_bot(api.url(), TOKEN, "info", extra, env);
        RunningBot { api, child, stderr, _dir: dir }
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// The delivered `sendMessage` calls to `chat`, in order.
    fn replies(&self, chat: i64) -> Vec<Request> {
        replies_in(&self.api.requests(), chat)
    }

    /// Waits until `chat` has at least `count` replies, and returns them all.
    fn wait_replies(&self, chat: i64, count: usize) -> Vec<Request> {
        let arrived = self.api.wait_for(|requests| replies_in(requests, chat).len() >= count, WAIT);
        assert!(arrived, "expected {count} sendMessage to chat {chat}\n{}", self.diagnosis());
        self.replies(chat)
    }

    /// Waits for the first delivered call of `method` whose body satisfies `matches`.
    fn wait_call(&self, method: &str, matches: impl Fn(&Value) -> bool) -> Value {
        let found = |requests: &[Request]| delivered(requests, method).find(|r| matches(&r.body)).cloned();
        let arrived = self.api.wait_for(|requests| found(requests).is_some(), WAIT);
        assert!(arrived, "expected a matching {method}\n{}", self.diagnosis());
        found(&self.api.requests()).unwrap().body
    }

    /// Waits `QUIET` and returns the replies to `chat` then.
    fn replies_after_quiet(&self, chat: i64) -> Vec<Request> {
        std::thread::sleep(QUIET);
        self.replies(chat)
    }

    /// What the bot asked of the fake, and its log, for failure messages.
    fn diagnosis(&self) -> String {
        format!("requests:\n{}\nstderr:\n{}", self.api.describe_calls(usize::MAX), self.stderr())
    }

    /// SIGTERM: the bot exits 0 within `EXIT`, and its log never shows the token.
    fn stop(mut self) {
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) on the pid of our own child, which has not been reaped yet.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let deadline = Instant::now() + EXIT;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "still running {EXIT:?} after SIGTERM\n{}", self.diagnosis());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "exit status {status} after SIGTERM\n{}", self.diagnosis());
        assert!(!self.stderr().contains(TOKEN), "the token leaked into the log:\n{}", self.stderr());
    }
}

impl Drop for RunningBot {
    /// A failed test must not leave the bot running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn replies_in(requests: &[Request], chat: i64) -> Vec<Request> {
    delivered(requests, "sendmessage").filter(|r| r.body["chat_id"] == chat).cloned().collect()
}

fn text(body: &Value) -> &str {
    body["text"].as_str().unwrap_or_default()
}

/// The inline keyboard's rows.
fn rows(body: &Value) -> Vec<Vec<Value>> {
    let rows = body["reply_markup"]["inline_keyboard"].as_array().cloned().unwrap_or_default();
    rows.iter().map(|row| row.as_array().cloned().unwrap_or_default()).collect()
}

/// Every button's `callback_data`.
fn callbacks(body: &Value) -> Vec<String> {
    rows(body).iter().flatten().filter_map(|b| b["callback_data"].as_str()).map(String::from).collect()
}

fn replies_to_message(reply: &Value, message_id: i64) -> bool {
    reply["reply_parameters"]["message_id"] == message_id
}

/// Escapes like Telegram's HTML parse mode needs.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The title of an entry of the bundled corpus.
fn title_of(id: &str) -> String {
    engine().show(id).unwrap_or_else(|| panic!("no entry {id}")).0.question
}

/// Buttons that open entries: `s:ID`, one per row, 1–5 of them, each within 64 bytes, each an existing entry.
fn assert_entry_buttons(body: &Value, count: std::ops::RangeInclusive<usize>) {
    let rows = rows(body);
    assert!(count.contains(&rows.len()), "{} buttons: {body}", rows.len());
    for row in &rows {
        assert_eq!(row.len(), 1, "one button per row: {body}");
        let data = row[0]["callback_data"].as_str().unwrap();
        assert!(data.len() <= 64, "callback data over 64 bytes: {data}");
        let id = data.strip_prefix("s:").unwrap_or_else(|| panic!("not an entry button: {data}"));
        assert!(engine().show(id).is_some(), "no entry {id}");
    }
}

/// Telegram HTML: only its tags, balanced and properly nested, and `&` only in the four entities.
fn assert_telegram_html(html: &str) {
    const TAGS: [&str; 16] = [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "tg-emoji",
        "code",
        "pre",
        "blockquote",
    ];
    let mut open: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find(['<', '&']) {
        rest = &rest[at..];
        if rest.starts_with('&') {
            let entity = ["&amp;", "&lt;", "&gt;", "&quot;"].iter().find(|e| rest.starts_with(**e));
            let entity = entity.unwrap_or_else(|| panic!("a bare & at {:?}", head(rest)));
            rest = &rest[entity.len()..];
            continue;
        }
        let end = rest.find('>').unwrap_or_else(|| panic!("an unclosed < at {:?}", head(rest)));
        let tag = &rest[1..end];
        let name = tag.trim_start_matches('/').split([' ', '=']).next().unwrap_or_default();
        assert!(TAGS.contains(&name), "not a Telegram tag: <{tag}>");
        if tag.starts_with('/') {
            assert_eq!(open.pop(), Some(name), "</{name}> closes the wrong tag in {html}");
        } else {
            open.push(name);
        }
        rest = &rest[end + 1..];
    }
    assert!(open.is_empty(), "unclosed {open:?} in {html}");
}

fn head(text: &str) -> String {
    text.chars().take(20).collect()
}

#[test]
fn the_html_checker_accepts_telegram_html_only() {
    assert_telegram_html("<b>a &lt; b</b>\n<pre><code class=\"language-rust\">x &amp;&amp; y</code></pre>");
    for broken in ["<b>x", "<b><i>x</b></i>", "a & b", "a <b & c>d", "</b>", "<div>x</div>", "x &nbsp;"] {
        let result = std::panic::catch_unwind(|| assert_telegram_html(broken));
        assert!(result.is_err(), "accepted {broken:?}");
    }
}

// ---- The contract --------------------------------------------------------------------------------------------

#[test]
fn a_private_question_is_answered_with_related_buttons_that_open_entries() {
    let bot = RunningBot::start(&[], &[]);
    bot.api.push_update(private_text(100, 1, "tcp跟udp有啥不一样"));
    bot.wait_replies(100, 1);
    std::thread::sleep(Duration::from_millis(500));
    let replies = bot.replies(100);
    assert_eq!(replies.len(), 1, "one message\n{}", bot.diagnosis());
    let answer = &replies[0].body;
    assert_eq!(answer["parse_mode"], "HTML");
    assert!(text(answer).starts_with("<b>TCP 和 UDP 的区别？</b>"), "{answer}");
    assert!(replies_to_message(answer, 1), "replies to the question: {answer}");
    assert_entry_buttons(answer, 1..=5);

    let data = &callbacks(answer)[0];
    bot.api.push_update(callback_query("cb-1", 100, &replies[0].result, data));
    let replies = bot.wait_replies(100, 2);
    let title = title_of(data.strip_prefix("s:").unwrap());
    assert!(text(&replies[1].body).starts_with(&format!("<b>{}", escape(&title))), "{}", replies[1].body);
    bot.wait_call("answerCallbackQuery", |body| body["callback_query_id"] == "cb-1");
    bot.stop();
}

#[test]
fn an_unknown_question_is_not_guessed() {
    let bot = RunningBot::start(&[], &[]);
    bot.api.push_update(private_text(101, 1, "今天天气怎么样"));
    let replies = bot.wait_replies(101, 1);
    assert!(text(&replies[0].body).to_lowercase().contains("don't know"), "{}", replies[0].body);
    bot.stop();
}

#[test]
fn commands_welcome_help_and_browse() {
    let bot = RunningBot::start(&[], &[]);
    let commands = ["/start", "/help", "/random", "/show network-and-concurrency#3", "/topics"];
    for (chat, command) in (301..).zip(commands) {
        bot.api.push_update(private_text(chat, 1, command));
    }
    let start = &bot.wait_replies(301, 1)[0].body;
    assert!(text(start).contains("Ask me"), "{start}");
    assert_entry_buttons(start, 3..=3);
    let help = &bot.wait_replies(302, 1)[0].body;
    assert!(text(help).contains("/ask"), "{help}");
    let random = &bot.wait_replies(303, 1)[0].body;
    assert!(text(random).starts_with("<b>"), "{random}");
    let show = &bot.wait_replies(304, 1)[0].body;
    assert!(text(show).starts_with("<b>什么是粘包"), "{show}");

    let topics = &bot.wait_replies(305, 1)[0];
    assert!(text(&topics.body).contains("网络与并发编程"), "{}", topics.body);
    let categories = callbacks(&topics.body);
    assert!(!categories.is_empty() && categories.iter().all(|d| d.starts_with("c:")), "{}", topics.body);
    bot.api.push_update(callback_query("cb-topics", 305, &topics.result, &categories[0]));
    let listing = &bot.wait_replies(305, 2)[1].body;
    assert!(text(listing).contains("TCP 和 UDP 的区别"), "{listing}");
    bot.stop();
}

#[test]
fn in_a_group_only_mentions_and_ask_are_answered() {
    let bot = RunningBot::start(&[], &[]);
    let group = -1001;
    let started = Instant::now();
    bot.api.push_update(group_text(group, 500, 11, "tcp和udp的区别"));
    bot.api.push_update(with_mention(group_text(group, 500, 12, "@qabot_test_bot 什么是粘包")));
    let mentioned = bot.wait_call("sendMessage", |b| b["chat_id"] == group && replies_to_message(b, 12));
    assert!(text(&mentioned).starts_with("<b>什么是粘包"), "{mentioned}");
    bot.api.push_update(group_text(group, 500, 13, "/ask 什么是cdn"));
    let asked = bot.wait_call("sendMessage", |b| b["chat_id"] == group && replies_to_message(b, 13));
    assert!(text(&asked).starts_with("<b>什么是cdn"), "{asked}");

    std::thread::sleep(QUIET.saturating_sub(started.elapsed()));
    for reply in bot.replies(group) {
        assert!(!replies_to_message(&reply.body, 11), "answered without a mention: {}", reply.body);
        assert!(!text(&reply.body).starts_with("<b>TCP 和 UDP"), "answered without a mention: {}", reply.body);
    }
    bot.stop();
}

#[test]
fn inline_queries_get_html_articles() {
    let bot = RunningBot::start(&[], &[]);
    bot.api.push_update(inline_query("iq-1", 600, "nginx"));
    let answer = bot.wait_call("answerInlineQuery", |body| body["inline_query_id"] == "iq-1");
    let results = answer["results"].as_array().unwrap();
    assert!((1..=10).contains(&results.len()), "{answer}");
    for result in results {
        assert_eq!(result["type"], "article", "{result}");
        assert!(result["title"].is_string(), "{result}");
        assert!(result["input_message_content"]["message_text"].is_string(), "{result}");
        assert_eq!(result["input_message_content"]["parse_mode"], "HTML", "{result}");
    }
    bot.stop();
}

/// A file of two questions (no H1, so the H2s are the questions); the first one's answer is about 8000
/// characters: 6000 of paragraphs around a 40-line code block.
fn long_entry() -> String {
    let paragraph = |i: usize| {
        format!(
            "第{i}段：这是一段普通的中文文字，用于检验消息拆分是否正确。每条消息都不能超过上限，\
             而且标签必须成对出现。这里再多写几句，让段落长一些，读起来也像一段真正的说明文字。\
             拆分只能发生在段落或者行之间，不能落在一个实体的中间，也不能把代码块拆得无法闭合。\n\n"
        )
    };
    let mut text = String::from("## 1. 很长的回答？\n\n");
    (1..=24).for_each(|i| text.push_str(&paragraph(i)));
    text.push_str("```rust\n");
    (1..=40).for_each(|i| text.push_str(&format!("if a < b && c > d {{ total += {i}; }} // 第{i}行\n")));
    text.push_str("```\n\n");
    (25..=48).for_each(|i| text.push_str(&paragraph(i)));
    text.push_str("## 2. 什么是短回答？\n\n一句话。\n");
    text
}

#[test]
fn a_long_answer_is_split_into_valid_messages() {
    let long = long_entry();
    let bot = RunningBot::start(&[("long.md", &long)], &[]);
    bot.api.push_update(private_text(700, 1, "很长的回答"));
    bot.wait_replies(700, 2);
    let replies = bot.replies_after_quiet(700);
    assert!(text(&replies[0].body).starts_with("<b>很长的回答？</b>"), "{}", replies[0].body);
    for reply in &replies {
        let html = text(&reply.body);
        assert!(html.chars().count() <= 4096, "{} characters", html.chars().count());
        assert_telegram_html(html);
    }
    bot.stop();
}

/// Corpus text with `<`, `>` and `&` (a second question makes the H2s the question level).
#[test]
fn corpus_text_is_escaped() {
    let html = "## 1. 比较 a<b & c>d 的区别？\n\nx < y && y > z\n\n## 2. 什么是转义？\n\n把特殊字符换成实体。\n";
    let bot = RunningBot::start(&[("html.md", html)], &[]);
    bot.api.push_update(private_text(800, 1, "比较 a<b 区别"));
    let reply = &bot.wait_replies(800, 1)[0].body;
    assert!(text(reply).contains("a&lt;b &amp; c&gt;d"), "{reply}");
    assert!(text(reply).contains("x &lt; y &amp;&amp; y &gt; z"), "{reply}");
    assert!(!text(reply).contains("<b & c>"), "{reply}");
    bot.stop();
}

#[test]
fn too_many_requests_is_retried_once() {
    let bot = RunningBot::start(&[], &[]);
    bot.api.fail_next("sendmessage", Fault::TooManyRequests { retry_after: 1 });
    bot.api.push_update(private_text(900, 1, "什么是粘包"));
    bot.wait_replies(900, 1);
    let replies = bot.replies_after_quiet(900);
    assert_eq!(replies.len(), 1, "one answer after the 429\n{}", bot.diagnosis());
    assert!(text(&replies[0].body).starts_with("<b>什么是粘包"), "{}", replies[0].body);
    let faulted = bot.api.requests().iter().filter(|r| r.faulted && r.body["chat_id"] == 900).count();
    assert_eq!(faulted, 1, "the first attempt met the 429");
    bot.stop();
}

#[test]
fn chats_outside_the_allow_list_are_refused() {
    let bot = RunningBot::start(&[], &[("QABOT_ALLOWED_CHATS", "100")]);
    bot.api.push_update(private_text(200, 1, "tcp跟udp有啥不一样"));
    bot.api.push_update(private_text(100, 2, "tcp跟udp有啥不一样"));
    let allowed = &bot.wait_replies(100, 1)[0].body;
    assert!(text(allowed).starts_with("<b>TCP 和 UDP 的区别？</b>"), "{allowed}");
    let refused = bot.wait_replies(200, 1);
    for reply in &refused {
        assert!(text(&reply.body).contains("not allowed"), "{}", reply.body);
        assert!(!text(&reply.body).contains("TCP 和 UDP") && callbacks(&reply.body).is_empty(), "{}", reply.body);
    }
    bot.stop();
}
