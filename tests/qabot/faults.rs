//! `qabot telegram` when the Bot API misbehaves: server errors, reset connections, malformed bodies, slow
//! answers, updates delivered twice, and a burst of 2,000 updates. Through all of it the bot keeps running,
//! answers every question exactly once and in order per chat, and never writes its token to the log.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Child;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::fake_bot_api::{FakeBotApi, Fault, Request, SpawnedBot, delivered, private_text, spawn_bot};

const TOKEN: &str = "123456:FAULTYTOKEN";
/// Questions from the seed corpus whose answers fit in one message (the last one has no answer).
const QUESTIONS: [&str; 8] = [
    "什么是粘包",
    "tcp和udp的区别",
    "what is the GIL",
    "三次握手",
    "什么是cdn",
    "进程和线程的区别",
    "什么是协程",
    "今天天气怎么样",
];
/// How long to wait for expected answers (a 500 alone costs 10 s inside teloxide).
const WAIT: Duration = Duration::from_secs(40);
/// How long to watch for answers that must not come.
const QUIET: Duration = Duration::from_millis(1500);

/// Message ids per chat, in the order they were asked or answered.
type Conversations = BTreeMap<i64, Vec<i64>>;

/// `qabot telegram` over a copy of the seed corpus, talking to `api`.
struct Bot {
    api: FakeBotApi,
    child: Child,
    stderr: PathBuf,
    _dir: tempfile::TempDir,
}

impl Bot {
    /// Starts the bot; faults queued on `api` before this meet its first requests.
    fn start(api: FakeBotApi, log_level: &str) -> Bot {
        let SpawnedBot { dir, child, stderr } = spawn_bot(api.url(), TOKEN, log_level, &[], &[]);
        Bot { api, child, stderr, _dir: dir }
    }

    /// Asks `per_chat` questions in each of `chats`, cycling through [`QUESTIONS`]; message ids start at 1.
    fn ask(&self, chats: impl IntoIterator<Item = i64>, per_chat: i64) -> Conversations {
        let asked: Conversations = chats.into_iter().map(|chat| (chat, (1..=per_chat).collect())).collect();
        let updates = (1..=per_chat).flat_map(|message| {
            asked.keys().map(move |&chat| private_text(chat, message, QUESTIONS[(chat + message) as usize % 8]))
        });
        self.api.push_updates(updates.collect::<Vec<_>>());
        asked
    }

    /// Waits until each chat in `asked` has as many answers as questions; fails with a diagnosis when `timeout`
    /// passes first.
    fn wait_answered(&self, asked: &Conversations, timeout: Duration) {
        let done = |requests: &[Request]| {
            let answers = answers(requests);
            asked.iter().all(|(chat, questions)| answers.get(chat).map_or(0, Vec::len) >= questions.len())
        };
        assert!(self.api.wait_for(done, timeout), "not all questions were answered\n{}", self.diagnosis());
    }

    /// Waits until every fault queued so far has been met.
    fn wait_faults_met(&self) {
        let deadline = Instant::now() + WAIT;
        while !self.api.faults_done() {
            assert!(Instant::now() < deadline, "faults never met\n{}", self.diagnosis());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// After a quiet spell: every question answered exactly once, in the order asked per chat.
    fn assert_answered_once_in_order(&self, asked: &Conversations) {
        std::thread::sleep(QUIET);
        let answers = answers(&self.api.requests());
        for (chat, questions) in asked {
            let got = answers.get(chat).map_or(&[][..], Vec::as_slice);
            assert_eq!(got, questions, "answers in chat {chat}\n{}", self.diagnosis());
        }
        let strangers: Vec<_> = answers.keys().filter(|chat| !asked.contains_key(chat)).collect();
        assert!(strangers.is_empty(), "answers to chats that asked nothing: {strangers:?}");
    }

    /// The faulted requests of `method`, once all the queued faults have been met.
    fn faulted(&self, method: &str) -> usize {
        assert!(self.api.faults_done(), "some faults were never met\n{}", self.diagnosis());
        self.api.requests().iter().filter(|r| r.faulted && r.method == method.to_lowercase()).count()
    }

    /// The bot's resident memory in KiB (`VmRSS`).
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse().unwrap()
    }

    fn stderr(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    fn diagnosis(&self) -> String {
        format!("last requests:\n{}\nstderr:\n{}", self.api.describe_calls(40), self.stderr())
    }

    /// The bot is still running; SIGTERM stops it cleanly; the log never shows the token.
    fn stop(mut self) {
        assert!(self.child.try_wait().unwrap().is_none(), "the bot died\n{}", self.diagnosis());
        let pid = libc::pid_t::try_from(self.child.id()).unwrap();
        // SAFETY: kill(2) on the pid of our own child, which has not been reaped yet.
        assert_eq!(unsafe { libc::kill(pid, libc::SIGTERM) }, 0);
        let deadline = Instant::now() + Duration::from_secs(15);
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "still running after SIGTERM\n{}", self.diagnosis());
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "exit status {status} after SIGTERM\n{}", self.diagnosis());
        assert_no_token(&self.stderr());
    }
}

impl Drop for Bot {
    /// A failed test must not leave the bot running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Neither the token nor its secret half appears in `log`.
fn assert_no_token(log: &str) {
    let secret = TOKEN.split_once(':').unwrap().1;
    assert!(!log.contains(secret), "the token leaked into the log:\n{log}");
}

/// The questions each chat got a delivered answer to, in the order the answers were delivered. An answer is a
/// `sendMessage` that replies to the question (an answer's later parts do not reply to anything).
fn answers(requests: &[Request]) -> Conversations {
    let mut answers = Conversations::new();
    for body in delivered(requests, "sendmessage").map(|r| &r.body) {
        if let (Some(chat), Some(message)) = (body["chat_id"].as_i64(), body["reply_parameters"]["message_id"].as_i64())
        {
            answers.entry(chat).or_default().push(message);
        }
    }
    answers
}

fn answered_count(requests: &[Request]) -> usize {
    delivered(requests, "sendmessage").filter(|r| r.body["reply_parameters"]["message_id"] != Value::Null).count()
}

fn chats(first: i64, count: i64) -> std::ops::Range<i64> {
    first..first + count
}

#[test]
fn server_errors_are_retried() {
    let api = FakeBotApi::start();
    api.fail_next("sendMessage", Fault::ServerError);
    api.fail_next("sendMessage", Fault::ServerError);
    let bot = Bot::start(api, "info");
    let asked = bot.ask(chats(1000, 3), 2);
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    assert_eq!(bot.faulted("sendMessage"), 2);
    bot.stop();
}

#[test]
fn reset_connections_are_retried() {
    let api = FakeBotApi::start();
    for method in ["getMe", "getUpdates", "sendMessage", "sendMessage"] {
        api.fail_next(method, Fault::Reset);
    }
    let bot = Bot::start(api, "info");
    let asked = bot.ask(chats(2000, 3), 2);
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    assert_eq!((bot.faulted("getMe"), bot.faulted("getUpdates"), bot.faulted("sendMessage")), (1, 1, 2));
    bot.stop();
}

#[test]
fn malformed_bodies_are_retried() {
    let api = FakeBotApi::start();
    for method in ["getUpdates", "sendMessage", "sendMessage"] {
        api.fail_next(method, Fault::MalformedJson);
    }
    let bot = Bot::start(api, "info");
    let asked = bot.ask(chats(3000, 3), 2);
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    assert_eq!((bot.faulted("getUpdates"), bot.faulted("sendMessage")), (1, 2));
    bot.stop();
}

/// teloxide's client gives up after 17 s, too long for a test (see the ignored test below); a 2 s answer must
/// simply be waited for, and hold up only its own chat.
#[test]
fn slow_answers_are_waited_for() {
    let api = FakeBotApi::start();
    api.fail_next("getUpdates", Fault::Slow(Duration::from_secs(2)));
    let bot = Bot::start(api, "info");
    let mut asked = bot.ask([4000], 1);
    bot.wait_answered(&asked, WAIT);
    bot.api.fail_next("sendMessage", Fault::Slow(Duration::from_secs(2)));
    let started = Instant::now();
    asked.extend(bot.ask([4001], 3));
    bot.wait_faults_met();
    let others = bot.ask(chats(4002, 2), 1);
    asked.extend(others);
    bot.wait_answered(&asked, WAIT);
    assert!(started.elapsed() >= Duration::from_secs(2), "the slow answer was not slow");
    // The slow answer is recorded when it is finally given: after the other chats' answers.
    let order: Vec<i64> =
        delivered(&bot.api.requests(), "sendmessage").filter_map(|r| r.body["chat_id"].as_i64()).collect();
    let slow = order.iter().position(|&chat| chat == 4001).unwrap();
    assert!(order[..slow].contains(&4002) && order[..slow].contains(&4003), "the slow chat held up others: {order:?}");
    bot.assert_answered_once_in_order(&asked);
    bot.stop();
}

#[test]
fn updates_delivered_twice_are_answered_once() {
    let api = FakeBotApi::start();
    let bot = Bot::start(api, "info");
    let mut asked = bot.ask(chats(5000, 3), 2);
    bot.wait_answered(&asked, WAIT);
    // Long after: the same updates again, and the same messages under new update ids.
    let first_update = 1;
    bot.api.redeliver(first_update);
    bot.api.redeliver(first_update + 1);
    bot.api.push_update(private_text(5002, 2, QUESTIONS[0]));
    // At once: a new question and its repetition in the same batch.
    let fresh = bot.api.push_update(private_text(5000, 3, QUESTIONS[1]));
    bot.api.redeliver(fresh);
    // Every chat's last question comes after its duplicates, so once it is answered they have been handled.
    for chat in chats(5000, 3) {
        bot.api.push_update(private_text(chat, 4, QUESTIONS[2]));
        asked.get_mut(&chat).unwrap().extend(if chat == 5000 { vec![3, 4] } else { vec![4] });
    }
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    // At least 4: when a batch ends with a redelivered update, teloxide's offset goes back and more come again.
    let ignored = bot.stderr().matches("ignoring a message delivered twice").count();
    assert!(ignored >= 4, "{ignored} ignored\n{}", bot.stderr());
    bot.stop();
}

/// Faults in the calls the bot makes while it starts, logged by teloxide itself as well as by the bot (at debug
/// level): the log must not show the token even then.
#[test]
fn startup_faults_do_not_leak_the_token() {
    let api = FakeBotApi::start();
    for method in ["getMe", "getMe", "setMyCommands", "getWebhookInfo", "getUpdates"] {
        api.fail_next(method, Fault::Reset);
    }
    let bot = Bot::start(api, "debug");
    let asked = bot.ask(chats(6000, 2), 1);
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    assert_eq!(bot.faulted("getWebhookInfo"), 1);
    assert!(bot.stderr().contains("Failed to get webhook info"), "{}", bot.stderr());
    assert_no_token(&bot.stderr());
    bot.stop();
}

/// A request that is never answered: teloxide's client gives up after 17 s and the bot sends again.
#[test]
#[ignore = "slow: about 20 s"]
fn a_request_past_the_client_timeout_is_sent_again() {
    let api = FakeBotApi::start();
    let bot = Bot::start(api, "info");
    let warm_up = bot.ask([7000], 1);
    bot.wait_answered(&warm_up, WAIT);
    bot.api.fail_next("sendMessage", Fault::Hang(Duration::from_secs(25)));
    let asked = BTreeMap::from_iter(warm_up.into_iter().chain(bot.ask([7001], 2)).chain(bot.ask([7002], 1)));
    bot.wait_answered(&asked, WAIT);
    bot.assert_answered_once_in_order(&asked);
    assert_eq!(bot.faulted("sendMessage"), 1);
    bot.stop();
}

/// 2,000 questions from 200 chats at once. Replies are throttled to Telegram's 30 messages a second, so this
/// takes at least 67 s.
#[test]
fn a_burst_of_2000_updates_is_answered_once_each_in_bounded_time_and_memory() {
    const CHATS: i64 = 200;
    const PER_CHAT: i64 = 10;
    const LIMIT: Duration = Duration::from_secs(120);
    let api = FakeBotApi::start();
    let bot = Bot::start(api, "warn");
    let warm_up = bot.ask([8999], 1);
    bot.wait_answered(&warm_up, WAIT);
    let started = Instant::now();
    let mut asked = bot.ask(chats(9000, CHATS), PER_CHAT);
    let half = (CHATS * PER_CHAT / 2) as usize + 1;
    assert!(bot.api.wait_for(|requests| answered_count(requests) >= half, LIMIT), "{}", bot.diagnosis());
    let (half_time, half_rss) = (started.elapsed(), bot.rss_kib());
    bot.wait_answered(&asked, LIMIT.saturating_sub(started.elapsed()));
    let (end_time, end_rss) = (started.elapsed(), bot.rss_kib());
    eprintln!(
        "burst: {} answers; half after {half_time:.1?} at {half_rss} KiB, all after {end_time:.1?} at {end_rss} KiB",
        CHATS * PER_CHAT
    );
    asked.extend(warm_up);
    bot.assert_answered_once_in_order(&asked);
    assert!(end_rss < half_rss + 30 * 1024, "memory grew from {half_rss} KiB to {end_rss} KiB");
    bot.stop();
}
