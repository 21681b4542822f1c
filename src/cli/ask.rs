//! `qabot ask QUESTION...`: one answer, then exit.

use std::io::Write;

use super::{Paths, json, open_engine, render};

#[derive(Debug, clap::Args)]
pub struct Options {
    /// Print the answer as one JSON object (the `repl --json` format).
    #[arg(long)]
    json: bool,
    /// Show how the question was understood and how candidates scored.
    #[arg(long)]
    explain: bool,
    /// The question; several words are joined with spaces.
    #[arg(required = true, num_args = 1..)]
    question: Vec<String>,
}

pub fn run(paths: &Paths, options: &Options) -> anyhow::Result<()> {
    let engine = open_engine(paths)?;
    let question = options.question.join(" ");
    let answer = engine.ask(&question);
    let mut out = std::io::stdout().lock();
    if options.explain {
        write!(out, "{}", engine.explain(&question))?;
    }
    if options.json {
        writeln!(out, "{}", json::line(&question, &answer, None))?;
    } else {
        super::live::record_unanswered(paths, &std::sync::Mutex::new(()), &question, &answer, "ask");
        render::answer(&mut out, &answer, &render::Style::detect())?;
    }
    out.flush()?;
    Ok(())
}
