//! briefing: French news articles in, one spoken bulletin out.
//!
//! Stages, in the order data flows through them: [`article`] (read and clean
//! inputs), [`split`] (sentences), [`normalize`] (written to spoken French),
//! [`announce`] (opening, titles, closing), [`synth`] (voice engines and
//! their decorators), [`briefing`] (plan, parallel synthesis, placement,
//! manifest), [`master`] (intro, outro, bed, loudness) and [`output`]
//! (staged writes published together). Beside them: [`audio`] (sample
//! buffers), [`data`] (the language data loader), [`paths`] (XDG folders,
//! staging files), [`error`], and the command line ([`cli`], [`config`]).

pub mod announce;
pub mod article;
pub mod audio;
pub mod briefing;
pub mod cli;
pub mod config;
pub mod data;
pub mod error;
pub mod master;
pub mod normalize;
pub mod output;
pub mod paths;
pub mod split;
pub mod synth;

pub use error::{Error, Result};
