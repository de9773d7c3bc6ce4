//! briefing: French news articles in, one spoken bulletin out.
//!
//! [`build`] makes the bulletins a [`BuildOptions`] asks for in one call.
//! Its stages, in the order data flows through them: [`article`] (read and
//! clean inputs), [`split`] (sentences), [`normalize`] (written to spoken
//! French), [`announce`] (opening, titles, closing), [`script`] (the plan:
//! what is said, in which order, with which pauses), [`synth`] (voice
//! engines and their decorators), [`render`] (parallel synthesis, sentences
//! placed in order), [`master`] (intro, outro, bed, loudness) and [`output`]
//! (staged writes published together); [`pipeline`] drives them and fills
//! the [`manifest`] once. Beside them: [`audio`] (sample buffers), [`cache`]
//! (finished sentences kept between runs), [`controls`] (characters that
//! are not text, removed or shown written out), [`data`]
//! (the language data loader), [`paths`] (XDG folders, staging files) and
//! [`error`]. The command line is the binary's (`src/main.rs`, `src/cli/`).

pub mod announce;
pub mod article;
pub mod audio;
pub mod cache;
pub mod controls;
pub mod data;
pub mod error;
pub mod manifest;
pub mod master;
pub mod normalize;
pub mod output;
pub mod paths;
pub mod pipeline;
pub mod podcast;
pub mod render;
pub mod script;
pub mod speak;
pub mod split;
pub mod synth;

pub use error::{Error, Result};
pub use pipeline::{build, plan, BuildOptions, Observer, Output, Report, Stage};
