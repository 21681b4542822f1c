//! Front-ends: each file is one subcommand. They hold no search logic: they
//! open the [`Engine`], ask it, and render what it returns.

pub mod ask;
pub mod check;
pub mod eval;
pub mod json;
pub mod live;
pub mod render;
pub mod repl;
pub mod report;
pub mod telegram;
mod telegram_html;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use qabot::index::{self, BuildReport};
use qabot::progress::{Progress, Silent};
use qabot::{Engine, Error, Hit};

/// Where the corpus and the index are.
#[derive(Debug, Clone)]
pub struct Paths {
    pub corpus: PathBuf,
    pub index: PathBuf,
    /// Where unanswered questions are logged.
    pub data: PathBuf,
}

/// Logs go to stderr; `RUST_LOG` sets the level (warnings by default).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into());
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).with_target(false).init();
}

/// Builds the index when it is missing, stale or unreadable, then opens it.
pub fn open_engine(paths: &Paths) -> anyhow::Result<Engine> {
    let started = Instant::now();
    if let Some((why, report)) = index::ensure_fresh(&paths.corpus, &paths.index, &*progress_bar())? {
        say_built(paths, &report, &why.to_string());
    }
    match Engine::open(&paths.index) {
        Ok(engine) => Ok(engine),
        Err(Error::CorruptIndex(dir, why)) => {
            eprintln!("qabot: index at {} is unreadable ({why}); rebuilding it", dir.display());
            let report = index::load_and_build(&paths.corpus, &paths.index, &*progress_bar())?;
            say_built(paths, &report, "rebuilt");
            Ok(Engine::open(&paths.index)?)
        }
        Err(e) => Err(e.into()),
    }
    .inspect(|_| tracing::debug!(elapsed_ms = started.elapsed().as_millis() as u64, "engine ready"))
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
fn progress_bar() -> Box<dyn Progress> {
    if !std::io::stderr().is_terminal() {
        return Box::new(Silent);
    }
    let style = ProgressStyle::with_template("{msg:>15} [{bar:40}] {pos}/{len} {elapsed}/{duration}")
        .map(|style| style.progress_chars("=> "))
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    Box::new(Bar(ProgressBar::new(0).with_style(style)))
}

struct Bar(ProgressBar);

impl Progress for Bar {
    fn stage(&self, name: &'static str, total: u64) {
        self.0.set_message(name);
        self.0.set_length(total);
        self.0.set_position(0);
    }

    fn advance(&self, steps: u64) {
        self.0.inc(steps);
    }
}

impl Drop for Bar {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}

fn say_built(paths: &Paths, report: &BuildReport, why: &str) {
    for problem in &report.warnings {
        eprintln!("warning: {}:{}: {}", problem.file, problem.line, problem.message);
    }
    if report.entries == 0 {
        eprintln!(
            "warning: {} has no questions to answer: add Markdown files of questions and answers \
             (`qabot check` says what it found)",
            paths.corpus.display()
        );
    }
    eprintln!(
        "qabot: indexed {} entries from {} files in {:.2} s ({why})",
        report.entries,
        report.files,
        report.elapsed.as_secs_f64()
    );
}

/// `qabot index`: always rebuilds.
pub fn build_index(paths: &Paths) -> anyhow::Result<()> {
    let report = index::load_and_build(&paths.corpus, &paths.index, &*progress_bar())
        .with_context(|| format!("building the index in {}", paths.index.display()))?;
    say_built(paths, &report, "qabot index");
    Ok(())
}

/// Prints the error chain; a closed stdout (`qabot ... | head`) is not an error.
pub fn exit_code(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qabot: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().filter_map(|c| c.downcast_ref::<std::io::Error>()).any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Whether to colour output: only for a terminal, and never with `NO_COLOR`.
pub fn use_colour() -> bool {
    use std::io::IsTerminal;
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Entries grouped by category, in corpus order.
pub fn categories(entries: &[Hit]) -> Vec<(String, Vec<Hit>)> {
    let mut groups: Vec<(String, Vec<Hit>)> = Vec::new();
    for hit in entries {
        match groups.iter_mut().find(|(name, _)| *name == hit.category) {
            Some((_, hits)) => hits.push(hit.clone()),
            None => groups.push((hit.category.clone(), vec![hit.clone()])),
        }
    }
    groups
}

/// A random entry with its related entries, picked by the clock.
pub fn random_entry(engine: &Engine) -> Option<(Hit, Vec<Hit>)> {
    let entries = engine.entries();
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.subsec_nanos() as usize;
    let pick = entries.get(nanos.wrapping_mul(2_654_435_761) % entries.len().max(1))?;
    engine.show(&pick.id)
}
