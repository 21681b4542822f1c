//! `qabot report`: what to write next. Reads the log of questions that got
//! no confident answer and lists the most frequent, grouping questions that
//! differ only in case, spacing or punctuation.

use std::collections::HashMap;
use std::io::BufRead;

use anyhow::Context;
use serde::Deserialize;

use super::Paths;
use super::live::UNANSWERED_LOG;

#[derive(Debug, clap::Args)]
pub struct Options {
    /// How many questions to list.
    #[arg(long, default_value_t = 20)]
    top: usize,
}

#[derive(Deserialize)]
struct Logged {
    question: String,
    #[serde(default)]
    time: u64,
}

/// One group of questions that are the same but for case, spacing and punctuation.
#[derive(Debug, PartialEq)]
pub struct Group {
    pub question: String,
    pub count: usize,
    pub last_time: u64,
}

pub fn run(paths: &Paths, options: &Options) -> anyhow::Result<()> {
    let path = paths.data.join(UNANSWERED_LOG);
    let file = match std::fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            println!("no unanswered questions logged yet ({} does not exist)", path.display());
            return Ok(());
        }
        Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
    };
    let lines = std::io::BufReader::new(file).lines().map_while(Result::ok);
    let groups = group(lines.filter_map(|l| serde_json::from_str::<Logged>(&l).ok()).map(|l| (l.question, l.time)));
    let total: usize = groups.iter().map(|g| g.count).sum();
    println!("{total} unanswered questions, {} different; most frequent first:", groups.len());
    for g in groups.iter().take(options.top) {
        println!("{:5}  {}", g.count, g.question);
    }
    Ok(())
}

/// Groups questions by [`key`], most frequent first (then most recent).
pub fn group(questions: impl Iterator<Item = (String, u64)>) -> Vec<Group> {
    let mut groups: HashMap<String, Group> = HashMap::new();
    for (question, time) in questions {
        let key = key(&question);
        if key.is_empty() {
            continue;
        }
        let group = groups.entry(key).or_insert_with(|| Group {
            question: question.trim().to_string(),
            count: 0,
            last_time: 0,
        });
        group.count += 1;
        group.last_time = group.last_time.max(time);
    }
    let mut groups: Vec<Group> = groups.into_values().collect();
    groups.sort_by(|a, b| b.count.cmp(&a.count).then(b.last_time.cmp(&a.last_time)).then(a.question.cmp(&b.question)));
    groups
}

fn key(question: &str) -> String {
    qabot::text::normalize(question).chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_differing_in_case_space_and_punctuation_group() {
        let asked = ["Docker 是什么？", "docker是什么", "DOCKER 是什么?!", "k8s", "  ", "k8s"];
        let groups = group(asked.iter().enumerate().map(|(i, q)| (q.to_string(), i as u64)));
        assert_eq!(groups.len(), 2);
        assert_eq!((groups[0].count, groups[0].question.as_str()), (3, "Docker 是什么？"));
        assert_eq!(groups[1].count, 2);
    }
}
