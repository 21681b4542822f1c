//! `qabot eval FILE.jsonl`: the scoring of `score.py`, in-process, so corpus
//! maintainers can regression-test their corpus. Each line of FILE is
//! `{"q": question, "expect": [topic ids], "kind": "..."}`; a topics file maps
//! topic ids to a substring of the entry's question (`expect: []` means the
//! question is off-topic and must get no answer).

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::{Context, bail};
use serde::Deserialize;

use super::{Paths, open_engine};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Labelled questions, one JSON object per line.
    file: PathBuf,
    /// Topic ids → question title substrings [default: topics.json beside FILE].
    #[arg(long)]
    topics: Option<PathBuf>,
    /// Expected related topics per topic id: scores the first three related entries.
    #[arg(long)]
    related: Option<PathBuf>,
    /// Exit with status 1 when the overall share right is below this percentage.
    #[arg(long, value_name = "PERCENT")]
    min: Option<f64>,
}

#[derive(Deserialize)]
struct Case {
    q: String,
    expect: Vec<String>,
    kind: String,
}

/// Topic ids in file order with their title keys, normalized.
struct Topics(Vec<(String, Vec<String>)>);

impl Topics {
    fn load(path: &PathBuf) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading topics {}", path.display()))?;
        let map: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(&text).with_context(|| format!("parsing topics {}", path.display()))?;
        let topics = map
            .into_iter()
            .filter(|(id, _)| id != "_doc")
            .map(|(id, keys)| {
                let keys = match keys {
                    serde_json::Value::Array(list) => list.iter().filter_map(|k| k.as_str().map(norm)).collect(),
                    other => other.as_str().map(norm).into_iter().collect(),
                };
                (id, keys)
            })
            .collect();
        Ok(Topics(topics))
    }

    /// The first topic whose key the title contains.
    fn of(&self, title: &str) -> Option<&str> {
        let title = norm(title);
        self.0.iter().find(|(_, keys)| keys.iter().any(|k| title.contains(k.as_str()))).map(|(id, _)| id.as_str())
    }
}

fn norm(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect()
}

pub fn run(paths: &Paths, options: &Options) -> anyhow::Result<()> {
    // The questions first: a wrong path names the file the user typed, not
    // the topics file looked for beside it.
    let text = std::fs::read_to_string(&options.file).with_context(|| format!("reading {}", options.file.display()))?;
    let topics_path = options.topics.clone().unwrap_or_else(|| options.file.with_file_name("topics.json"));
    let topics = Topics::load(&topics_path)?;
    let mut cases = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).with_context(|| format!("{}:{}", options.file.display(), n + 1))?;
        cases.push(case);
    }
    let engine = open_engine(paths)?;
    let mut by_kind: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut related_seen: BTreeMap<String, Vec<Option<String>>> = BTreeMap::new();
    let mut right = 0;
    for case in &cases {
        let answer = engine.ask(&case.q);
        let got = answer.best.as_ref().and_then(|b| topics.of(&b.question));
        let ok = match &answer.best {
            None => case.expect.is_empty(),
            Some(_) => got.is_some_and(|g| case.expect.iter().any(|e| e == g)),
        };
        if let Some(topic) = got {
            related_seen
                .entry(topic.to_string())
                .or_insert_with(|| answer.related.iter().map(|r| topics.of(&r.question).map(str::to_string)).collect());
        }
        let tally = by_kind.entry(&case.kind).or_default();
        tally.0 += ok as usize;
        tally.1 += 1;
        right += ok as usize;
        if !ok {
            let got = answer
                .best
                .as_ref()
                .map_or("no answer".to_string(), |b| format!("{:?} ({})", b.question, got.unwrap_or("?")));
            misses.push(format!("  MISS [{}] {:?}: expected {:?}, got {got}", case.kind, case.q, case.expect));
        }
    }
    for (kind, (r, n)) in &by_kind {
        println!("{kind:12} {r:3}/{n:<3} {:5.1}%", 100.0 * *r as f64 / *n as f64);
    }
    if let Some(path) = &options.related {
        print_related(path, &related_seen)?;
    }
    let overall = 100.0 * right as f64 / cases.len().max(1) as f64;
    println!("overall      {right:3}/{:<3} {overall:5.1}%", cases.len());
    for miss in &misses {
        println!("{miss}");
    }
    if options.min.is_some_and(|min| overall < min) {
        bail!("{overall:.1}% right is below --min {}", options.min.unwrap_or_default());
    }
    Ok(())
}

fn print_related(path: &PathBuf, seen: &BTreeMap<String, Vec<Option<String>>>) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let mut gold: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text)?;
    gold.remove("_doc");
    let mut hit = 0;
    for (topic, expected) in &gold {
        let expected: Vec<&str> = expected.as_array().into_iter().flatten().filter_map(|v| v.as_str()).collect();
        let first_three = seen.get(topic).map(|r| &r[..r.len().min(3)]).unwrap_or(&[]);
        if first_three.iter().flatten().any(|t| expected.contains(&t.as_str())) {
            hit += 1;
        } else {
            println!("  RELATED MISS {topic}: got {:?}", seen.get(topic));
        }
    }
    let share = 100.0 * hit as f64 / gold.len().max(1) as f64;
    println!(
        "related      {hit:3}/{:<3} {share:5.1}%  (topics whose first three related entries include an expected one)",
        gold.len()
    );
    Ok(())
}
