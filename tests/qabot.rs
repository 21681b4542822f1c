//! The one integration-test binary: parser, index, search and the command
//! line, over the bundled corpus and the real corpora in `../shared/corpora`.

mod qabot {
    pub mod cli;
    pub mod index;
    pub mod parse;
    pub mod search;
    pub mod support;
}
