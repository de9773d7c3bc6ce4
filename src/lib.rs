//! briefing: French news articles in, one spoken bulletin out.
//!
//! [`build`] makes the bulletins a [`BuildOptions`] asks for in one call;
//! [`plan`] says what they will say without speaking. An [`Observer`] hears
//! of the progress, a [`Report`] (with each bulletin's [`Manifest`]) says
//! what was made. [`voices`] lists the voices, [`voice_catalog`] and
//! [`installed_voices`] the Piper voices by name, [`download_voice`] installs
//! one; [`podcast`] publishes a bulletin as an episode of a feed, [`speak`]
//! reads one aloud, [`serve`] (feature `serve`) answers over HTTP as
//! OpenAI's speech API does. The command line (`src/main.rs`, `src/cli/`)
//! is one user of this surface.
//!
//! ```no_run
//! let options = briefing::BuildOptions::new(["examples/articles"], briefing::Output::File("bulletin.mp3".into()))
//!     .voice("fr-BE")
//!     .jobs(2usize);
//! let report = briefing::build(&options, &mut ())?;
//! println!("{} s of audio in {:?}", report.duration, report.files);
//! # Ok::<(), briefing::Error>(())
//! ```
//!
//! The stages, in the order data flows through them, are private modules:
//! `article` (read and clean inputs), `split` (sentences), `normalize`
//! (written to spoken French), `announce` (opening, titles, closing),
//! `script` (the plan: what is said, in which order, with which pauses),
//! `synth` (voice engines and their decorators), `schedule` (parallel
//! synthesis, sentences handed out in order), `master` (intro, outro, bed,
//! loudness) and `output` (staged writes published together); `pipeline`
//! drives them and fills the manifest once. Beside them: `audio` (sample
//! buffers), `cache` (finished sentences kept between runs), `controls`
//! (characters that are not text, removed or shown written out), `voicing` (a
//! sentence finished for the program, cached or made), `language_data` (the
//! one loader of `data/`), `catalog` (Piper voices by name: the catalogue,
//! installed voices, their download), `paths` (XDG folders, staging files)
//! and [`Error`].

mod announce;
mod article;
mod audio;
mod cache;
mod catalog;
mod controls;
mod error;
mod gather;
mod language_data;
mod manifest;
mod master;
mod normalize;
mod output;
mod paths;
mod pipeline;
pub mod podcast;
mod resume;
mod schedule;
mod script;
#[cfg(feature = "serve")]
mod serve;
mod shard;
pub mod speak;
mod split;
mod synth;
mod voicing;

/// Bytes in lower-case hexadecimal: how digests name files (the cache's
/// entries), are checked (downloads, a manifest's audio) and are shown.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub use announce::{written_date, written_time, Announcements, Templates};
pub use article::{paragraphs, read_text, Format, Input};
pub use cache::{
    default_dir as default_cache_dir, prune as prune_cache, stats as cache_stats, Limits as CacheLimits, Pruned,
    Stats as CacheStats,
};
pub use catalog::{
    catalog as voice_catalog, download_voice, installed_voices, speakers as voice_speakers, CatalogVoice,
    InstalledVoice, Speaker,
};
pub use controls::shown;
pub use error::{line_of, Cause, Error, Result};
pub use gather::{gather, Gathered, Index as GatheredIndex, Totals as GatheredTotals};
pub use manifest::{Failure, Loudness, Manifest, ManifestPart, ManifestSentence, Span};
pub use master::{Bed, LoudnessTarget, MasterOptions};
pub use normalize::{Dialect, Lexicon, Normalizer, Options as NormalizeOptions, Spelling};
pub use output::{AudioFormat, Encoding, Subtitles, Tags, DEFAULT_TITLE, SAMPLE_RATES};
pub use paths::{config_dir, remove_staging};
pub use pipeline::{build, plan, BuildOptions, Bulletin, Observer, Output, Report, Stage};
pub use schedule::Cancel;
pub use script::{Options as ScriptOptions, PartKind, Pauses, Script, Segment, SegmentKind};
#[cfg(feature = "serve")]
pub use serve::{serve, ServeOptions, Stop as ServeStop};
pub use shard::Shard;
pub use split::sentences;
pub use synth::{
    system_voice, voices, PiperOptions, PiperSpeech, VoiceInfo, VoiceOptions, VoicePhonemes, DEFAULT_VOICE,
};

/// The README's examples in Rust, compiled as documentation tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
