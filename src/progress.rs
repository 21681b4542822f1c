//! Progress of long index builds, reported to whoever asked for it: the
//! library never draws anything itself (`qabot index` shows a bar).

/// Receives the progress of a build, stage by stage.
pub trait Progress: Sync {
    /// A stage starts, with `total` steps (entries) to go.
    fn stage(&self, name: &'static str, total: u64);
    /// `steps` more steps of the current stage are done.
    fn advance(&self, steps: u64);
}

/// Reports nothing.
pub struct Silent;

impl Progress for Silent {
    fn stage(&self, _: &'static str, _: u64) {}
    fn advance(&self, _: u64) {}
}
