//! The `qabot` command: one subcommand per front-end, all over the same engine.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cli;

/// Answers questions from a Markdown corpus of questions and answers.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Args {
    /// Directory of Markdown files to answer from.
    #[arg(long, global = true, default_value = "corpus", value_name = "DIR")]
    corpus: PathBuf,
    /// Directory of the search index (built from the corpus when missing or stale).
    #[arg(long, global = true, default_value = "index", value_name = "DIR")]
    index: PathBuf,
    /// Directory for qabot's own records (the log of unanswered questions).
    #[arg(long, global = true, default_value = "data", value_name = "DIR")]
    data: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Ask questions interactively, or one per line from standard input.
    Repl(cli::repl::Options),
    /// Answer one question and exit.
    Ask(cli::ask::Options),
    /// (Re)build the index from the corpus.
    Index,
    /// Check the corpus: entries per file, problems, questions that do not find themselves.
    Check,
    /// Score answers against labelled questions (the format of score.py).
    Eval(cli::eval::Options),
    /// Run the Telegram bot.
    Telegram(Box<cli::telegram::Options>),
    /// The questions asked most often that got no confident answer.
    Report(cli::report::Options),
}

fn main() -> ExitCode {
    cli::init_logging();
    let args = Args::parse();
    let paths = cli::Paths { corpus: args.corpus, index: args.index, data: args.data };
    let result = match args.command {
        Command::Repl(options) => cli::repl::run(&paths, &options),
        Command::Ask(options) => cli::ask::run(&paths, &options),
        Command::Index => cli::build_index(&paths),
        Command::Check => cli::check::run(&paths),
        Command::Eval(options) => cli::eval::run(&paths, &options),
        Command::Telegram(options) => cli::telegram::run(&paths, &options),
        Command::Report(options) => cli::report::run(&paths, &options),
    };
    cli::exit_code(result)
}
