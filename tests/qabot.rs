//! The one integration-test binary: parser, index, search and the command
//! line, over the bundled corpus and the real corpora in `../shared/corpora`.

mod qabot {
    pub mod cli;
    pub mod fake_bot_api;
    pub mod faults;
    pub mod index;
    pub mod lifecycle;
    pub mod parse;
    pub mod properties;
    pub mod search;
    pub mod support;
    pub mod telegram;
}
