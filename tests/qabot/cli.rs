//! The built binary: `ask`, and `repl --json` keeping its contract for bad input.

use std::io::Write;
use std::process::{Command, Stdio};

use super::support::repo;

fn qabot(index: &std::path::Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qabot"));
    command.current_dir(repo()).arg("--index").arg(index).env("NO_COLOR", "1");
    command
}

#[test]
fn ask_prints_the_answer_and_related_topics() {
    let dir = tempfile::tempdir().unwrap();
    let output = qabot(&dir.path().join("index")).args(["ask", "什么是粘包"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.starts_with("什么是粘包？socket 中造成粘包的原因是什么？"), "{stdout}");
    assert!(stdout.contains("Related:\n  1. "), "{stdout}");
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("indexed 33 entries"), "the first run builds the index: {stderr}");
}

#[test]
fn repl_json_answers_every_line_in_order_even_bad_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = qabot(&dir.path().join("index"))
        .args(["repl", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input: Vec<u8> = Vec::new();
    input.extend_from_slice("tcp跟udp有啥不一样\n\n".as_bytes());
    input.extend_from_slice(b"\xff\xfe broken utf-8\n");
    input.extend(std::iter::repeat_n(b'a', 1 << 20));
    input.extend_from_slice("\n今天天气怎么样\nepoll\n".as_bytes());
    child.stdin.take().unwrap().write_all(&input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success());
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 6);
    assert_eq!(lines[0]["answer"]["question"], "TCP 和 UDP 的区别？");
    assert!(lines[0]["answer"]["source"].as_str().unwrap().starts_with("corpus/network-and-concurrency.md:"));
    assert!(lines[0]["related"].as_array().unwrap().iter().all(|r| r["id"].is_string() && r["score"].is_number()));
    assert!(lines[1]["answer"].is_null() && lines[1]["error"].is_string(), "blank line");
    assert!(lines[2]["error"].as_str().unwrap().contains("UTF-8"));
    assert!(lines[3]["answer"].is_null() && lines[3]["error"].as_str().unwrap().contains("too long"));
    assert!(lines[4]["answer"].is_null() && lines[4].get("error").is_none(), "off-topic is not an error");
    assert!(lines[5]["answer"]["question"].as_str().unwrap().contains("epoll"));
}

#[test]
fn plain_repl_from_a_pipe_has_no_prompt_and_follows_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = qabot(&dir.path().join("index"))
        .arg("repl")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("什么是cdn\n1\n:show network-and-concurrency#1\n:quit\n什么是粘包\n".as_bytes())
        .unwrap();
    let stdout = String::from_utf8(child.wait_with_output().unwrap().stdout).unwrap();
    assert!(!stdout.contains("qabot>") && !stdout.contains('\x1b'));
    assert!(stdout.starts_with("什么是cdn？"), "{stdout}");
    assert_eq!(stdout.matches("Related:").count(), 3, "answer, related #1, :show — and nothing after :quit");
    assert!(!stdout.contains("指发送方发送的若干包数据"), "nothing is answered after :quit");
}

#[test]
fn a_missing_corpus_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = qabot(&dir.path().join("index")).args(["--corpus", "/no/such/dir", "ask", "tcp"]).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("/no/such/dir") && stderr.contains("--corpus"), "{stderr}");
}

#[test]
fn check_reports_a_title_asked_many_times_once() {
    let quiz: String = (1..=12)
        .map(|n| format!("## {n}. 输出什么？\n\n```js\nconsole.log({n} * {n})\n```\n\n答案：{}\n\n", n * n))
        .collect();
    let corpus =
        super::support::corpus_with(&[("quiz.md", &format!("{quiz}## 13. 什么是闭包？\n\n函数和它记住的变量。\n"))]);
    let output = qabot(&corpus.path().join("index")).arg("--corpus").arg(corpus.path()).arg("check").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert_eq!(stdout.matches("ask much the same").count(), 1, "one group, not 66 pairs: {stdout}");
    assert!(stdout.contains("warning: 12 questions ask much the same:\n"), "{stdout}");
    assert!(stdout.contains("quiz.md:1: 输出什么？\n") && stdout.contains("  … and 2 more\n"), "{stdout}");
    assert!(!stdout.contains("\" finds "), "a title shared by twelve entries finds one of them: {stdout}");
    let summary = "2 of 13 questions find themselves first (11 more find a near-duplicate of theirs); \
                   near-duplicate groups: 1; warnings: 1";
    assert!(stdout.contains(summary), "{stdout}");
}

#[test]
fn eval_of_a_missing_file_names_that_file() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("questions.jsonl");
    let output = qabot(&dir.path().join("index")).arg("eval").arg(&missing).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&format!("reading {}", missing.display())), "{stderr}");
}

#[test]
fn an_empty_corpus_is_said_to_be_empty() {
    let corpus = tempfile::tempdir().unwrap();
    let output =
        qabot(&corpus.path().join("index")).arg("--corpus").arg(corpus.path()).args(["ask", "tcp"]).output().unwrap();
    assert!(output.status.success());
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains(&format!("warning: {} has no questions to answer", corpus.path().display())), "{stderr}");
}
