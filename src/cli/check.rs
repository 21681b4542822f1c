//! `qabot check`: what a maintainer should fix in the corpus. Per file the
//! entries found and the question level used; every problem with file:line;
//! questions whose own title does not find them first; near-duplicates.
//! Exit status 1 when there are errors, 0 with warnings only.

use std::collections::HashMap;

use anyhow::bail;
use qabot::{Hit, Severity};
use rayon::prelude::*;

use super::{Paths, open_engine};

/// Members of a group of near-duplicates listed by name; the rest are counted.
const LISTED_PER_GROUP: usize = 10;

pub fn run(paths: &Paths) -> anyhow::Result<()> {
    let corpus = qabot::load::load(&paths.corpus)?;
    println!("{} entries in {} files", corpus.entries.len(), corpus.files.len());
    for file in &corpus.files {
        let level = file.question_level.map_or("-".to_string(), |l| "#".repeat(l as usize));
        println!("  {:<60} {:>4} entries  level {level}", file.file, file.entries);
    }
    let errors = corpus.errors().count();
    for p in &corpus.problems {
        let severity = if p.severity == Severity::Error { "error" } else { "warning" };
        println!("{severity}: {}/{}:{}: {}", paths.corpus.display(), p.file, p.line, p.message);
    }
    if errors > 0 {
        bail!("errors in the corpus: {errors}");
    }
    let engine = open_engine(paths)?;
    let groups = engine.near_duplicates();
    let group_of: HashMap<&str, usize> =
        groups.iter().enumerate().flat_map(|(g, group)| group.iter().map(move |hit| (hit.id.as_str(), g))).collect();
    let same_group = |a: &str, b: &str| group_of.get(a).is_some_and(|g| group_of.get(b) == Some(g));
    let (mut lost, mut twins) = (0, 0);
    // Asked on all cores: a large corpus has as many questions as entries.
    let bests: Vec<Option<Hit>> = corpus.entries.par_iter().map(|entry| engine.ask(&entry.question).best).collect();
    for (entry, best) in corpus.entries.iter().zip(bests) {
        match best {
            Some(best) if best.id == entry.id => {}
            // Near-duplicates (输出什么？ and 输出是什么？ over different code)
            // are told apart by their context only: a title finds one of them.
            Some(best) if same_group(&best.id, &entry.id) => twins += 1,
            best => {
                lost += 1;
                let got = best.map_or("no answer".to_string(), |b| format!("{} ({})", b.question, b.source));
                println!(
                    "warning: {}/{}:{}: the question {:?} finds {got} first",
                    paths.corpus.display(),
                    entry.file,
                    entry.line,
                    entry.question
                );
            }
        }
    }
    for group in &groups {
        print_group(group);
    }
    let found = corpus.entries.len() - lost - twins;
    let twins = if twins > 0 { format!(" ({twins} more find a near-duplicate of theirs)") } else { String::new() };
    println!(
        "{found} of {} questions find themselves first{twins}; near-duplicate groups: {}; warnings: {}",
        corpus.entries.len(),
        groups.len(),
        corpus.problems.len() + lost + groups.len()
    );
    Ok(())
}

/// One warning for a group of questions that ask the same thing, each with
/// file:line, the first few by name.
fn print_group(group: &[Hit]) {
    println!("warning: {} questions ask much the same:", group.len());
    for hit in group.iter().take(LISTED_PER_GROUP) {
        println!("  {}: {}", hit.source, hit.question);
    }
    if group.len() > LISTED_PER_GROUP {
        println!("  … and {} more", group.len() - LISTED_PER_GROUP);
    }
}
