//! briefing: French news articles in, one spoken bulletin out.
//!
//! Stages, in the order data flows through them: [`article`] (read and clean
//! inputs), [`split`] (sentences), [`normalize`] (written to spoken French),
//! [`synth`] (voice engines), [`audio`] (sample buffers), [`briefing`] (plan,
//! parallel synthesis, assembly, manifest) and [`output`] (atomic writes).

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
