//! The corpus changing under a serving qabot: watch mode picks edits up, a
//! broken edit keeps the old index, a corrupted index is rebuilt, rebuilds
//! never fail a question, and unanswered questions are reported.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use qabot::{Engine, index, load};

use super::support::corpus_with;

const NET: &str = "## 1. 什么是 TCP？\nTCP 是传输控制协议。\n\n## 2. 什么是 UDP？\nUDP 是用户数据报协议。\n";

fn qabot(dir: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qabot"));
    command.current_dir(dir).args(["--corpus", "corpus", "--index", "index", "--data", "data"]);
    command
}

/// `qabot repl --json --watch` over `dir/corpus`, asked one line at a time.
struct Watching {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Watching {
    fn start(dir: &std::path::Path) -> Self {
        let mut child = qabot(dir)
            .args(["repl", "--json", "--watch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Watching { child, input, output }
    }

    fn ask(&mut self, question: &str) -> serde_json::Value {
        writeln!(self.input, "{question}").unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap()
    }

    /// Asks every 100 ms until `done` holds or `limit` passes; the time it took.
    fn ask_until(
        &mut self,
        question: &str,
        limit: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> Option<Duration> {
        let started = Instant::now();
        while started.elapsed() < limit {
            if done(&self.ask(question)) {
                return Some(started.elapsed());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn answer_text(value: &serde_json::Value) -> String {
    value["answer"]["answer"].as_str().unwrap_or("").to_string()
}

#[test]
fn watch_mode_serves_an_edit_within_two_seconds_and_survives_a_broken_one() {
    let dir = corpus_with(&[("corpus/net.md", NET)]);
    let mut bot = Watching::start(dir.path());
    assert!(answer_text(&bot.ask("什么是udp")).contains("用户数据报协议"));

    std::fs::write(dir.path().join("corpus/net.md"), NET.replace("用户数据报协议", "无连接的协议")).unwrap();
    let took = bot.ask_until("什么是udp", Duration::from_secs(10), |v| answer_text(v).contains("无连接"));
    let took = took.expect("the edit was never served");
    assert!(took < Duration::from_secs(2), "the edit took {took:?} to be served");

    std::fs::write(dir.path().join("corpus/bad.md"), "---\ntitle: [oops\n---\n## 1. 坏？\n答\n").unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(answer_text(&bot.ask("什么是udp")).contains("无连接"), "the old index keeps serving");
}

#[test]
fn a_corrupted_index_is_rebuilt_on_start() {
    let dir = corpus_with(&[("corpus/net.md", NET)]);
    let run = || qabot(dir.path()).args(["ask", "什么是tcp"]).output().unwrap();
    assert!(run().status.success());
    for entry in std::fs::read_dir(dir.path().join("index")).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    }
    let output = run();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("传输控制协议"));
    assert!(String::from_utf8_lossy(&output.stderr).contains("rebuil"));
}

#[test]
fn twenty_rebuilds_under_a_stream_of_questions_fail_none() {
    let dir = corpus_with(&[("net.md", NET)]);
    let index_dir = dir.path().join("index");
    index::build(&load::load(dir.path()).unwrap(), "corpus", &index_dir).unwrap();
    let serving = Arc::new(RwLock::new(Arc::new(Engine::open(&index_dir).unwrap())));
    let rebuilder = std::thread::spawn({
        let (serving, corpus_dir, index_dir) = (serving.clone(), dir.path().to_path_buf(), index_dir.clone());
        move || {
            for round in 0..20 {
                let text = NET.replace("传输控制协议", &format!("传输控制协议（第{round}版）"));
                std::fs::write(corpus_dir.join("net.md"), text).unwrap();
                index::build(&load::load(&corpus_dir).unwrap(), "corpus", &index_dir).unwrap();
                *serving.write().unwrap() = Arc::new(Engine::open(&index_dir).unwrap());
            }
        }
    });
    let mut asked = 0;
    while !rebuilder.is_finished() || asked == 0 {
        let engine = serving.read().unwrap().clone();
        let best = engine.ask("什么是tcp").best.expect("every question is answered during rebuilds");
        assert!(best.answer.contains("传输控制协议"));
        asked += 1;
    }
    rebuilder.join().unwrap();
    assert!(asked > 20, "only {asked} questions were asked");
}

#[test]
fn report_groups_unanswered_questions() {
    let dir = corpus_with(&[("corpus/net.md", NET)]);
    let mut child = qabot(dir.path()).arg("repl").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    let questions = "Docker 是什么？\ndocker是什么\n什么是tcp\nDOCKER 是什么?!\nk8s\n你好\n";
    child.stdin.take().unwrap().write_all(questions.as_bytes()).unwrap();
    assert!(child.wait().unwrap().success());
    let log = std::fs::read_to_string(dir.path().join("data/unanswered.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 4, "answered questions and greetings are not logged: {log}");
    assert!(log.lines().all(|l| l.contains("\"front_end\":\"repl\"") && !l.contains("user")));
    let report = qabot(dir.path()).arg("report").output().unwrap();
    let stdout = String::from_utf8(report.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[1].split_whitespace().collect::<Vec<_>>(), ["3", "Docker", "是什么？"], "{stdout}");
    assert_eq!(lines[2].split_whitespace().collect::<Vec<_>>(), ["1", "k8s"], "{stdout}");
}

#[test]
fn an_edit_re_indexes_only_the_changed_file() {
    let other = "## 1. 什么是 DNS？\n域名解析。\n\n## 2. 什么是 CDN？\n内容分发网络。\n";
    let dir = corpus_with(&[("net.md", NET), ("web.md", other)]);
    let index_dir = dir.path().join("index");
    index::build(&load::load(dir.path()).unwrap(), "corpus", &index_dir).unwrap();

    std::fs::write(dir.path().join("net.md"), NET.replace("用户数据报协议", "无连接的数据报协议")).unwrap();
    let report = qabot::update::update(dir.path(), &index_dir).unwrap();
    assert_eq!(report.updated_files, Some(1));
    let engine = Engine::open(&index_dir).unwrap();
    assert_eq!(engine.len(), 4);
    assert!(engine.ask("什么是udp").best.unwrap().answer.contains("无连接"));
    assert_eq!(engine.ask("什么是cdn").best.unwrap().id, "web#2");
    let corpus = load::load(dir.path()).unwrap();
    assert_eq!(index::status(&index_dir, &corpus), index::Status::Fresh, "the update records the new fingerprint");

    std::fs::remove_file(dir.path().join("web.md")).unwrap();
    let report = qabot::update::update(dir.path(), &index_dir).unwrap();
    assert_eq!(report.updated_files, Some(1));
    let engine = Engine::open(&index_dir).unwrap();
    assert_eq!(engine.len(), 2);
    assert!(engine.ask("什么是cdn").best.is_none(), "a removed file's entries are gone");
}

#[test]
fn entries_that_only_moved_keep_their_related_topics() {
    let net = "## 1. TCP 的三次握手\nTCP 建立连接要三次握手。\n\n## 2. TCP 的四次挥手\nTCP 断开连接要四次挥手。\n\n\
               ## 3. TCP 和 UDP 的区别\nTCP 可靠，UDP 不可靠。\n";
    let web = "## 1. 什么是 DNS？\n域名解析，多用 UDP。\n";
    let dir = corpus_with(&[("net.md", net), ("web.md", web)]);
    let index_dir = dir.path().join("index");
    index::build(&load::load(dir.path()).unwrap(), "corpus", &index_dir).unwrap();
    let related_by_question = |engine: &Engine| -> Vec<(String, Vec<String>)> {
        let mut all: Vec<(String, Vec<String>)> = engine
            .entries()
            .into_iter()
            .map(|hit| {
                (hit.question.clone(), engine.show(&hit.id).unwrap().1.into_iter().map(|r| r.question).collect())
            })
            .collect();
        all.sort();
        all
    };
    let before = related_by_question(&Engine::open(&index_dir).unwrap());
    assert!(before.iter().any(|(_, related)| related.iter().any(|q| q.contains("TCP"))), "{before:?}");

    // A new first entry shifts the ids of every entry of the file.
    std::fs::write(dir.path().join("net.md"), format!("## 0. 什么是 ARP？\n地址解析协议。\n\n{net}")).unwrap();
    let report = qabot::update::update(dir.path(), &index_dir).unwrap();
    assert_eq!(report.updated_files, Some(1));
    let after: Vec<(String, Vec<String>)> = related_by_question(&Engine::open(&index_dir).unwrap())
        .into_iter()
        .filter(|(q, _)| !q.contains("ARP"))
        .collect();
    assert_eq!(after, before, "moved entries keep related topics, followed to their new ids");
}

#[test]
fn an_update_parses_only_the_files_that_changed() {
    let dir = corpus_with(&[("net.md", NET), ("web.md", "## 1. 什么是 DNS？\n域名解析。\n")]);
    let indexed = load::load(dir.path()).unwrap().files.into_iter().map(|f| (f.file, f.hash)).collect();
    std::fs::write(dir.path().join("web.md"), "## 1. 什么是 CDN？\n内容分发网络。\n\n## 2. 什么是 DNS？\n域名解析。\n")
        .unwrap();
    let corpus = load::load_changed(dir.path(), &indexed).unwrap();
    let parsed: Vec<(&str, bool)> = corpus.files.iter().map(|f| (f.file.as_str(), f.parsed)).collect();
    assert_eq!(parsed, [("net.md", false), ("web.md", true)]);
    assert_eq!(
        corpus.entries.iter().map(|e| e.question.as_str()).collect::<Vec<_>>(),
        ["什么是 CDN？", "什么是 DNS？"]
    );
    assert_eq!(corpus.fingerprint, load::load(dir.path()).unwrap().fingerprint);
}

#[test]
fn an_update_of_a_fresh_index_touches_nothing() {
    let dir = corpus_with(&[("net.md", NET)]);
    let index_dir = dir.path().join("index");
    index::build(&load::load(dir.path()).unwrap(), "corpus", &index_dir).unwrap();
    let written = || std::fs::metadata(index_dir.join("qabot.json")).unwrap().modified().unwrap();
    let before = written();
    let report = qabot::update::update(dir.path(), &index_dir).unwrap();
    assert_eq!((report.updated_files, report.entries), (Some(0), 2));
    assert_eq!(written(), before, "the index was not rewritten");
}
