//! `qabot check`: what a maintainer should fix in the corpus. Per file the
//! entries found and the question level used; every problem with file:line;
//! questions whose own title does not find them first; near-duplicates.
//! Exit status 1 when there are errors, 0 with warnings only.

use anyhow::bail;
use qabot::Severity;

use super::{Paths, open_engine};

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
        bail!("{errors} errors in the corpus");
    }
    let engine = open_engine(paths)?;
    let mut lost = 0;
    for entry in &corpus.entries {
        let answer = engine.ask(&entry.question);
        let found = answer.best.as_ref().map(|b| b.id.as_str());
        if found != Some(entry.id.as_str()) {
            lost += 1;
            let got = answer.best.map_or("no answer".to_string(), |b| format!("{} ({})", b.question, b.source));
            println!(
                "warning: {}/{}:{}: the question {:?} finds {got} first",
                paths.corpus.display(),
                entry.file,
                entry.line,
                entry.question
            );
        }
    }
    let duplicates = engine.near_duplicates();
    for (a, b) in &duplicates {
        println!("warning: near-duplicate questions: {} ({}) ~ {} ({})", a.question, a.source, b.question, b.source);
    }
    println!(
        "{} of {} questions find themselves first; {} near-duplicate pairs; {} warnings",
        corpus.entries.len() - lost,
        corpus.entries.len(),
        duplicates.len(),
        corpus.problems.len() + lost + duplicates.len()
    );
    Ok(())
}
