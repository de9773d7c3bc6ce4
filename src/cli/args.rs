//! The command line's flags, defined once with clap, and how they become
//! library options: each group of flags maps onto the options of one stage.

use briefing::podcast::{Channel, PodcastOptions};
use briefing::{
    Announcements, AudioFormat, Bed, BuildOptions, Dialect, Encoding, Error, Format, Input, Lexicon, LoudnessTarget,
    MasterOptions, NormalizeOptions, Normalizer, Output, Pauses, PiperOptions, Result, ScriptOptions as Options,
    ServeOptions, Shard, Spelling, Subtitles, Tags, Templates, VoiceOptions, SAMPLE_RATES,
};
use clap::{Args, Parser, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Debug, Parser)]
#[command(name = "briefing", version, about = "Turn French news articles into a spoken audio bulletin.")]
#[command(args_override_self = true)]
pub struct Cli {
    /// Config file (default: ./briefing.toml, else briefing.toml in the
    /// config folder); flags given here override it.
    #[arg(long, global = true, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Speak articles into one bulletin (WAV, MP3 or Opus), with a JSON manifest beside it.
    Build(Box<BuildArgs>),
    /// Speak articles into a new episode of a podcast feed in a folder.
    Podcast(Box<PodcastArgs>),
    /// Read articles aloud now, through the sound card (feature `playback`) or the system's voice (`--voice os`, feature `os-voice`).
    Speak(Box<SpeakArgs>),
    /// Print exactly what `build` would read, article by article.
    Text(ScriptArgs),
    /// Print the sentences of a text, one per line.
    Split(SplitArgs),
    /// Print a text as it is spoken, one output line per input line.
    Normalize(NormalizeCommand),
    /// Print the phonemes an embedded voice says (IPA, as `espeak-ng --ipa`),
    /// one output line per input line.
    Phonemes(PhonemesArgs),
    /// List the voices: embedded, installed, then the catalogue (French
    /// first); a voice's speakers; download a voice.
    Voices(VoicesArgs),
    /// What the sentence cache holds, and trimming it.
    Cache(CacheArgs),
    /// Speak over HTTP: OpenAI's speech API (POST /v1/audio/speech), bulletins (POST /v1/bulletins), /v1/voices, /healthz, /metrics.
    Serve(Box<ServeArgs>),
    /// Index the bulletins build --each wrote into a folder (by one or many
    /// processes) as index.json, print the totals; exit 1 if any article failed.
    Gather(GatherArgs),
}

#[derive(Debug, Args)]
pub(crate) struct GatherArgs {
    /// The folder build --each wrote into.
    #[arg(value_name = "OUTPUT_DIR")]
    pub(crate) folder: PathBuf,
    /// Print the index as JSON on stdout.
    #[arg(long)]
    pub(crate) json: bool,
}

/// `briefing voices`: the list, one voice's speakers, or a download.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct VoicesArgs {
    #[command(subcommand)]
    pub(crate) action: Option<VoicesAction>,
    /// List the speakers of this voice (installed or in the catalogue).
    #[arg(value_name = "NAME")]
    pub(crate) name: Option<String>,
    /// Print the list as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Debug, Subcommand)]
pub(crate) enum VoicesAction {
    /// Download a catalogue voice (`natural`: the recommended one), checked
    /// by size and MD5, into the data folder.
    Download {
        #[arg(value_name = "NAME")]
        name: String,
    },
}

#[derive(Debug, Args)]
pub(crate) struct CacheArgs {
    /// The sentence cache's folder, as build takes it (default: the
    /// briefing cache folder).
    #[arg(long, global = true, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    #[command(subcommand)]
    pub(crate) action: CacheAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CacheAction {
    /// Print the folder, its entries, their size, and when the oldest and newest were last used.
    Stats {
        /// Print them as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove entries, least recently used first; only ever the cache's own files.
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub(crate) struct PruneArgs {
    /// Remove the least recently used entries until at most SIZE are left:
    /// bytes, or with K, M or G (1024, 1024², 1024³ bytes).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    pub(crate) max_size: Option<u64>,
    /// Remove the entries unused for more than DAYS days.
    #[arg(long, value_name = "DAYS")]
    pub(crate) older_than: Option<u32>,
    /// Print what was removed and what is left as JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

impl CacheArgs {
    pub(crate) fn folder(&self) -> PathBuf {
        self.cache_dir.clone().unwrap_or_else(briefing::default_cache_dir)
    }
}

impl PruneArgs {
    /// The library's limits; at least one is needed.
    pub(crate) fn limits(&self) -> Result<briefing::CacheLimits> {
        if self.max_size.is_none() && self.older_than.is_none() {
            return Err(Error::Usage("cache prune needs --max-size, --older-than or both".into()));
        }
        let day = std::time::Duration::from_secs(24 * 3600);
        Ok(briefing::CacheLimits { max_bytes: self.max_size, older_than: self.older_than.map(|d| day * d) })
    }
}

/// A size in bytes: a number, with K, M or G for 1024, 1024², 1024³.
fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let text = text.trim();
    let (number, unit) = match text.char_indices().last() {
        Some((at, c)) if c.is_ascii_alphabetic() => (&text[..at], c.to_ascii_uppercase()),
        _ => (text, 'B'),
    };
    let shift = ["B", "K", "M", "G"].iter().position(|u| u.starts_with(unit)).map(|i| 10 * i as u32);
    let size = number.trim().parse::<u64>().ok().zip(shift).and_then(|(n, shift)| n.checked_mul(1u64 << shift));
    size.ok_or_else(|| format!("{text:?} is not a size like 500M, 2G or 100000"))
}

#[derive(Debug, Args)]
pub(crate) struct ScriptArgs {
    /// Articles: .txt, .md or .json files, folders of them, or - for stdin.
    #[arg(required = true, value_name = "ARTICLE")]
    pub(crate) inputs: Vec<String>,
    /// How the inputs are written.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub(crate) format: Format,
    /// Read the text as written, without turning numbers and abbreviations into words.
    #[arg(long)]
    pub(crate) no_normalize: bool,
    #[command(flatten)]
    pub(crate) reading: ReadingArgs,
}

/// How written French is read.
#[derive(Debug, Args)]
pub(crate) struct ReadingArgs {
    /// Regional numbers: fr-BE says septante and nonante, fr-CH also
    /// huitante. [default: the voice's region (--voice fr-BE reads fr-BE),
    /// else fr-FR]
    #[arg(long, value_enum)]
    pub(crate) dialect: Option<Dialect>,
    /// Number spelling: traditional ("vingt et un") or 1990 ("vingt-et-un").
    #[arg(long, value_enum, default_value_t = Spelling::Traditional)]
    pub(crate) spelling: Spelling,
    /// Pronunciation lexicon: TOML or JSON (word = "replacement"), or .tsv
    /// lines of written<TAB>spoken; default: lexicon.toml in the briefing
    /// config folder, if present.
    #[arg(long, value_name = "FILE")]
    pub(crate) lexicon: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct NormalizeCommand {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    pub(crate) input: String,
    /// After each line, every rewritten span and the rule that rewrote it.
    #[arg(long)]
    pub(crate) explain: bool,
    #[command(flatten)]
    pub(crate) reading: ReadingArgs,
}

impl ReadingArgs {
    /// The normalizer for text read by `voice`, whose region is the
    /// dialect unless --dialect says otherwise.
    pub(crate) fn normalizer(&self, voice: &str) -> Result<Normalizer> {
        let lexicon = match self.lexicon.clone().or_else(Lexicon::default_path) {
            Some(path) => Lexicon::load(&path)?,
            None => Lexicon::default(),
        };
        let dialect = self.dialect.unwrap_or_else(|| Dialect::of_voice(voice));
        Ok(Normalizer::new(NormalizeOptions { dialect, spelling: self.spelling }, lexicon))
    }
}

/// What `build`, `podcast` and `speak` share: what is read, by which
/// voice, at which level.
#[derive(Debug, Args)]
pub(crate) struct BulletinArgs {
    #[command(flatten)]
    pub(crate) script: ScriptArgs,
    /// Where synthesized sentences are kept for the next run (default: the
    /// briefing cache folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Synthesize every sentence, neither reading nor filling the cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
    /// Print nothing but warnings and errors.
    #[arg(short, long)]
    pub(crate) quiet: bool,
    /// Print a summary on stdout as JSON (files, duration, sentences, cache hits, wall time).
    #[arg(long)]
    pub(crate) json: bool,
    /// Synthesis threads (0: one per core), at most 256.
    #[arg(short, long, default_value_t = 0, value_parser = clap::value_parser!(u16).range(0..=256))]
    pub(crate) jobs: u16,
    /// Voice: a name from `briefing voices` (a catalogue voice is downloaded
    /// on first use; `natural`: the recommended French one), or a Piper model
    /// (voice.onnx, with voice.onnx.json beside it).
    #[arg(long, default_value = briefing::DEFAULT_VOICE)]
    pub(crate) voice: String,
    /// Never download a voice: a catalogue voice not installed is an error
    /// (also BRIEFING_OFFLINE=1).
    #[arg(long)]
    pub(crate) offline: bool,
    /// Speaking rate relative to normal (0.5 to 3).
    #[arg(long, default_value_t = 1.0, value_parser = ranged(0.5, 3.0))]
    pub(crate) rate: f32,
    /// Voice pitch, 0 to 100 (50 is the voice's own).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u8).range(0..=100))]
    pub(crate) pitch: u8,
    /// Volume in percent of the voice's own level (0 to 400).
    #[arg(long, default_value_t = 100.0, value_parser = ranged(0.0, 400.0))]
    pub(crate) volume: f32,
    #[command(flatten)]
    pub(crate) pauses: PauseArgs,
    #[command(flatten)]
    pub(crate) level: LevelArgs,
    #[command(flatten)]
    pub(crate) announce: AnnounceArgs,
    #[command(flatten)]
    pub(crate) piper: PiperArgs,
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) bulletin: BulletinArgs,
    /// The audio file to write (.wav, .mp3 or .opus), the manifest beside it as
    /// .json; - streams it to stdout. With --each, the folder for the
    /// bulletins. [default: output/briefing.wav, with --each: output]
    #[arg(short, long, value_name = "PATH")]
    pub(crate) output: Option<PathBuf>,
    /// One bulletin per article, named after its file, in the output folder.
    #[arg(long)]
    pub(crate) each: bool,
    /// Print what would be read instead of speaking it.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Do only the K-th of N parts (K from 1 to N), for N processes on a
    /// cluster: with --each, of the articles (one in N, by sorted name);
    /// with --warm-cache, of the sentences. `auto`: from a Slurm job array
    /// (SLURM_ARRAY_TASK_ID) or a Kubernetes indexed Job
    /// (JOB_COMPLETION_INDEX, with BRIEFING_SHARDS for N).
    #[arg(long, value_name = "K/N|auto")]
    pub(crate) shard: Option<String>,
    /// Only synthesize the sentences (of the --shard) into the cache, and
    /// write no bulletin: a plain build with the same options then
    /// assembles the bulletin from the cache.
    #[arg(long)]
    pub(crate) warm_cache: bool,
    /// With --each, make again the bulletins whose audio and manifest are
    /// there from the same input and options (kept by default).
    #[arg(long)]
    pub(crate) force: bool,
    /// Report on stderr how long each stage took.
    #[arg(long)]
    pub(crate) timings: bool,
    /// Also write subtitles beside the WAV: one cue per sentence.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) subtitles: Option<Subtitles>,
    #[command(flatten)]
    pub(crate) sound: SoundArgs,
    #[command(flatten)]
    pub(crate) encode: EncodeArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PodcastArgs {
    /// The feed's folder: episodes/, feed.xml, index.html; made if missing.
    #[arg(value_name = "FEED_DIR")]
    pub(crate) folder: PathBuf,
    /// The address the folder is served at, absolute: http://... or https://...
    /// (enclosures need absolute URLs); required.
    #[arg(long, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// The show's title.
    #[arg(long, value_name = "TEXT", default_value = "Briefing")]
    pub(crate) show_title: String,
    /// The show's description.
    #[arg(long, value_name = "TEXT", default_value = "Le bulletin d'information, lu à voix haute.")]
    pub(crate) show_description: String,
    /// The show's author.
    #[arg(long, value_name = "NAME")]
    pub(crate) author: Option<String>,
    /// Address of the show's square artwork.
    #[arg(long, value_name = "URL")]
    pub(crate) image: Option<String>,
    /// The show's web page (default: the folder's index.html).
    #[arg(long, value_name = "URL")]
    pub(crate) link: Option<String>,
    /// Episodes kept, newest first; older ones are removed.
    #[arg(long, value_name = "N", default_value_t = 48, value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) keep: u32,
    #[command(flatten)]
    pub(crate) bulletin: BulletinArgs,
    #[command(flatten)]
    pub(crate) sound: SoundArgs,
    #[command(flatten)]
    pub(crate) encode: EncodeArgs,
}

impl PodcastArgs {
    /// The library's options: where the feed is, and the bulletin to make
    /// (written by `podcast` itself, which has no -o, --each or --subtitles).
    pub(crate) fn options(&self) -> Result<(PodcastOptions, BuildOptions)> {
        let Some(base_url) = self.base_url.clone() else {
            return Err(Error::Usage("podcast needs --base-url, the address FEED_DIR is served at".into()));
        };
        let build = written(&self.bulletin, &self.sound, &self.encode)?;
        let podcast = PodcastOptions {
            folder: self.folder.clone(),
            base_url,
            channel: Channel {
                title: self.show_title.clone(),
                description: self.show_description.clone(),
                author: self.author.clone(),
                image: self.image.clone(),
                link: self.link.clone(),
            },
            keep: self.keep as usize,
            when: self.bulletin.announce.when(),
        };
        Ok((podcast, build))
    }
}

/// `speak` writes no file and plays at the device's rate, without intro,
/// outro or bed: it takes only the options every bulletin shares.
#[derive(Debug, Args)]
pub(crate) struct SpeakArgs {
    #[command(flatten)]
    pub(crate) bulletin: BulletinArgs,
}

/// How the audio is encoded and tagged.
#[derive(Debug, Args)]
pub(crate) struct EncodeArgs {
    /// The encoding (default: from the output's extension, else wav).
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub(crate) encoding: Option<Encoding>,
    /// Bitrate of an MP3 or Opus file, kb/s (default: 64 for MP3, 32 for Opus).
    #[arg(long, value_name = "KBPS", value_parser = clap::value_parser!(u32).range(8..=320))]
    pub(crate) bitrate: Option<u32>,
    /// The bulletin's title in an MP3's or Opus file's tags: {date} and
    /// {time} for its date and time ("9h00").
    #[arg(long, value_name = "TEXT", default_value = briefing::DEFAULT_TITLE)]
    pub(crate) title: String,
    /// The artist in an MP3's or Opus file's tags.
    #[arg(long, value_name = "NAME")]
    pub(crate) artist: Option<String>,
    /// The publisher in an MP3's or Opus file's tags.
    #[arg(long, value_name = "NAME")]
    pub(crate) publisher: Option<String>,
}

impl EncodeArgs {
    fn format(&self, when: chrono::NaiveDateTime) -> AudioFormat {
        AudioFormat {
            encoding: self.encoding,
            bitrate: self.bitrate,
            tags: Tags {
                artist: self.artist.clone(),
                publisher: self.publisher.clone(),
                ..Tags::dated(&self.title, when)
            },
        }
    }
}

/// The program's level, heard or written.
#[derive(Debug, Args)]
pub(crate) struct LevelArgs {
    /// Integrated loudness of the whole program, LUFS (EBU R128).
    #[arg(long, default_value_t = -16.0, value_name = "LUFS", value_parser = ranged(-40.0, -5.0), allow_negative_numbers = true)]
    pub(crate) loudness: f32,
    /// Highest true peak, dBTP: the loudness gain stays below it.
    #[arg(long, default_value_t = -1.0, value_name = "DBTP", value_parser = ranged(-12.0, 0.0), allow_negative_numbers = true)]
    pub(crate) true_peak: f32,
    /// Keep the level the voice gives (with --volume), no loudness normalization.
    #[arg(long)]
    pub(crate) no_loudness: bool,
}

/// What a written program has around the voice: its rate, and music.
#[derive(Debug, Args)]
pub(crate) struct SoundArgs {
    /// Sample rate of the WAV (default: the voice's own).
    #[arg(long, value_name = "HZ", value_parser = parse_rate)]
    pub(crate) sample_rate: Option<u32>,
    /// A WAV played before the bulletin (any rate, mono or stereo).
    #[arg(long, value_name = "FILE")]
    pub(crate) intro: Option<PathBuf>,
    /// A WAV played after the bulletin.
    #[arg(long, value_name = "FILE")]
    pub(crate) outro: Option<PathBuf>,
    /// Music under the opening announcement (needs --announce): alone at
    /// first, then ducked under the voice, then faded out.
    #[arg(long, value_name = "FILE")]
    pub(crate) bed: Option<PathBuf>,
    /// How far the bed goes down under the voice, dB.
    #[arg(long, default_value_t = 18.0, value_name = "DB", value_parser = ranged(0.0, 60.0))]
    pub(crate) bed_duck: f32,
    /// Seconds of bed alone before the voice starts.
    #[arg(long, default_value_t = 2.0, value_name = "S", value_parser = ranged(0.0, 30.0))]
    pub(crate) bed_lead: f32,
}

/// What is said around the articles; templates are usually set in the config file.
#[derive(Debug, Args)]
pub(crate) struct AnnounceArgs {
    /// Open with the date and the headlines, announce each title, close the bulletin.
    #[arg(long)]
    pub(crate) announce: bool,
    /// The bulletin's date and time: 2026-11-24 or 2026-11-24T14:00 (default: now).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub(crate) date: Option<chrono::NaiveDateTime>,
    /// Opening template: {date}, {time}; empty to leave it out.
    #[arg(long, value_name = "TEXT", default_value = Templates::OPENING)]
    pub(crate) opening_template: String,
    /// Summary template, said when articles have titles: {headlines}, {date}, {time}.
    #[arg(long, value_name = "TEXT", default_value = Templates::SUMMARY)]
    pub(crate) summary_template: String,
    /// How each title is announced: {title}.
    #[arg(long, value_name = "TEXT", default_value = Templates::TITLE)]
    pub(crate) title_template: String,
    /// Closing template: {date}, {time}; empty to leave it out.
    #[arg(long, value_name = "TEXT", default_value = Templates::CLOSING)]
    pub(crate) closing_template: String,
}

/// Where `build` writes without `-o`: the repository's `output/` folder.
const DEFAULT_OUTPUT: &str = "output/briefing.wav";

fn parse_rate(text: &str) -> std::result::Result<u32, String> {
    let rates: Vec<String> = SAMPLE_RATES.iter().map(u32::to_string).collect();
    text.parse().ok().filter(|r| SAMPLE_RATES.contains(r)).ok_or_else(|| format!("must be one of {}", rates.join(", ")))
}

fn parse_when(text: &str) -> std::result::Result<chrono::NaiveDateTime, String> {
    let text = text.trim();
    let at_midnight =
        || chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").map(|d| d.and_time(chrono::NaiveTime::MIN));
    ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|format| chrono::NaiveDateTime::parse_from_str(text, format).ok())
        .or_else(|| at_midnight().ok())
        .ok_or_else(|| format!("{text:?} is not a date like 2026-11-24 or 2026-11-24T14:00"))
}

impl AnnounceArgs {
    /// The bulletin's date and time: --date, or now.
    fn when(&self) -> chrono::NaiveDateTime {
        self.date.unwrap_or_else(|| chrono::Local::now().naive_local())
    }

    fn announcements(&self) -> Result<Option<Announcements>> {
        if !self.announce {
            return Ok(None);
        }
        let templates = Templates {
            opening: self.opening_template.clone(),
            summary: self.summary_template.clone(),
            title: self.title_template.clone(),
            closing: self.closing_template.clone(),
        };
        Announcements::new(templates, self.when()).map(Some)
    }
}

impl LevelArgs {
    fn master(&self, volume: f32) -> MasterOptions {
        let target = LoudnessTarget { integrated: f64::from(self.loudness), true_peak: f64::from(self.true_peak) };
        MasterOptions { volume, loudness: (!self.no_loudness).then_some(target), ..MasterOptions::default() }
    }
}

impl SoundArgs {
    /// `master` with this program's music.
    fn music(&self, master: MasterOptions) -> MasterOptions {
        MasterOptions {
            intro: self.intro.clone(),
            outro: self.outro.clone(),
            bed: self.bed.clone().map(|path| Bed { path, duck: self.bed_duck, lead: self.bed_lead }),
            ..master
        }
    }
}

/// Settings of Piper voices; by default, the voice's own.
#[derive(Debug, Args)]
pub(crate) struct PiperArgs {
    /// ONNX Runtime library (libonnxruntime.so); default: ORT_DYLIB_PATH,
    /// else the one installed (and if missing, downloaded) in the data folder.
    #[arg(long, value_name = "PATH")]
    pub(crate) onnxruntime: Option<PathBuf>,
    /// Piper phoneme length: above 1 slower, below 1 faster.
    #[arg(long, value_parser = ranged(0.1, 5.0))]
    pub(crate) length_scale: Option<f32>,
    /// Piper voice variation (0 makes synthesis repeatable).
    #[arg(long, value_parser = ranged(0.0, 2.0))]
    pub(crate) noise_scale: Option<f32>,
    /// Piper phoneme-length variation (0 makes synthesis repeatable).
    #[arg(long, value_parser = ranged(0.0, 2.0))]
    pub(crate) noise_w: Option<f32>,
    /// Speaker of a multi-speaker Piper voice: an id or a name.
    #[arg(long)]
    pub(crate) speaker: Option<String>,
}

impl PiperArgs {
    fn options(&self) -> PiperOptions {
        PiperOptions {
            onnxruntime: self.onnxruntime.clone(),
            length_scale: self.length_scale,
            noise_scale: self.noise_scale,
            noise_w: self.noise_w,
            speaker: self.speaker.clone(),
        }
    }
}

/// Defaults are those of `Pauses::default()`, repeated here for `--help`.
#[derive(Debug, Args)]
pub(crate) struct PauseArgs {
    /// Silence after a sentence, in seconds.
    #[arg(long, default_value_t = 0.4, value_parser = ranged(0.0, 10.0))]
    pub(crate) pause_sentence: f32,
    /// Silence after a paragraph, in seconds.
    #[arg(long, default_value_t = 0.75, value_parser = ranged(0.0, 10.0))]
    pub(crate) pause_paragraph: f32,
    /// Silence after an article's title, in seconds.
    #[arg(long, default_value_t = 0.8, value_parser = ranged(0.0, 10.0))]
    pub(crate) pause_title: f32,
    /// Silence between articles, in seconds.
    #[arg(long, default_value_t = 1.5, value_parser = ranged(0.0, 10.0))]
    pub(crate) pause_article: f32,
}

#[derive(Debug, Args)]
pub(crate) struct PhonemesArgs {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    pub(crate) input: String,
    /// An embedded voice: fr-FR, fr-BE or fr-CH.
    #[arg(long, default_value = briefing::DEFAULT_VOICE)]
    pub(crate) voice: String,
    /// Read the text as written, without turning numbers and abbreviations into words.
    #[arg(long)]
    pub(crate) no_normalize: bool,
    #[command(flatten)]
    pub(crate) reading: ReadingArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SplitArgs {
    /// A text file, or - for stdin.
    #[arg(default_value = "-", value_name = "FILE")]
    pub(crate) input: String,
}

fn ranged(min: f32, max: f32) -> impl Fn(&str) -> std::result::Result<f32, String> + Clone {
    move |text| {
        let value: f32 = text.parse().map_err(|_| format!("{text:?} is not a number"))?;
        if (min..=max).contains(&value) {
            Ok(value)
        } else {
            Err(format!("must be between {min} and {max}"))
        }
    }
}

impl PauseArgs {
    pub(crate) fn pauses(&self) -> Pauses {
        Pauses {
            sentence: self.pause_sentence,
            paragraph: self.pause_paragraph,
            title: self.pause_title,
            article: self.pause_article,
        }
    }
}

impl ScriptArgs {
    /// What to read and how, for `text`, and for `build` before its own
    /// options; `voice` reads it.
    pub(crate) fn options(&self, voice: &str) -> Result<BuildOptions> {
        let normalizer = if self.no_normalize { None } else { Some(self.reading.normalizer(voice)?) };
        let inputs = self.inputs.iter().map(|i| Input::from(i.as_str()));
        Ok(BuildOptions::new(inputs, Output::File(PathBuf::from(DEFAULT_OUTPUT)))
            .format(self.format)
            .script(Options { normalizer, ..Options::default() }))
    }
}

impl BulletinArgs {
    /// The options of every bulletin, heard or written: what is read, by
    /// which voice, at which level.
    pub(crate) fn options(&self) -> Result<BuildOptions> {
        let options = self.script.options(&self.voice)?;
        let script = Options {
            pauses: self.pauses.pauses(),
            announcements: self.announce.announcements()?,
            ..options.script.clone()
        };
        let offline = self.offline || std::env::var_os("BRIEFING_OFFLINE").is_some_and(|v| v == "1");
        let voice_options = VoiceOptions {
            rate: self.rate,
            pitch: self.pitch,
            piper: self.piper.options(),
            offline,
            ..VoiceOptions::default()
        };
        let cache = sentence_cache(self.no_cache, &self.cache_dir);
        Ok(options
            .script(script)
            .jobs(usize::from(self.jobs))
            .voice(self.voice.clone())
            .voice_options(voice_options)
            .cache(cache)
            .master(self.level.master(self.volume / 100.0)))
    }
}

/// The sentence cache's folder: `--cache-dir`, else the briefing cache
/// folder; none with `--no-cache`.
fn sentence_cache(no_cache: bool, dir: &Option<PathBuf>) -> Option<PathBuf> {
    (!no_cache).then(|| dir.clone().unwrap_or_else(briefing::default_cache_dir))
}

/// The options of a written bulletin (`build`, `podcast`): the shared
/// ones, with the file's rate, music and encoding.
fn written(bulletin: &BulletinArgs, sound: &SoundArgs, encode: &EncodeArgs) -> Result<BuildOptions> {
    let options = bulletin.options()?;
    let master = sound.music(options.master.clone());
    Ok(options.sample_rate(sound.sample_rate).master(master).audio(encode.format(bulletin.announce.when())))
}

impl BuildArgs {
    /// The library's options for these flags; fails on flags that cannot go
    /// together on the command line.
    pub(crate) fn options(&self) -> Result<BuildOptions> {
        let stdout = self.output.as_deref() == Some(Path::new("-"));
        if stdout && self.each {
            return Err(Error::Usage("-o - writes one WAV to stdout: it cannot take --each".into()));
        }
        if stdout && self.bulletin.json {
            return Err(Error::Usage("-o - puts the WAV on stdout: it cannot take --json".into()));
        }
        let output = match (&self.output, self.each) {
            (_, _) if stdout => Output::Stdout,
            (Some(path), false) => Output::File(path.clone()),
            (None, false) => Output::File(PathBuf::from(DEFAULT_OUTPUT)),
            (folder, true) => Output::Each(folder.clone().unwrap_or_else(|| PathBuf::from("output"))),
        };
        Ok(written(&self.bulletin, &self.sound, &self.encode)?
            .output(output)
            .subtitles(self.subtitles)
            .shard(self.shard()?)
            .warm_cache(self.warm_cache)
            .force(self.force))
    }

    /// `--shard K/N`, or with `auto` the scheduler's, said on stderr.
    fn shard(&self) -> Result<Option<Shard>> {
        match self.shard.as_deref() {
            None => Ok(None),
            Some("auto") => {
                let (shard, said) = Shard::from_env(|name| std::env::var(name).ok())?;
                eprintln!("briefing: {said}");
                Ok(Some(shard))
            }
            Some(text) => Shard::parse(text).map(Some),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_take_k_m_g() {
        let sizes = ["100000", "64k", "500M", "2G", " 1 G "].map(|s| parse_size(s).unwrap());
        assert_eq!(sizes, [100_000, 64 << 10, 500 << 20, 2 << 30, 1 << 30]);
        for wrong in ["", "M", "1.5G", "5X", "-1K", "99999999999G"] {
            assert!(parse_size(wrong).unwrap_err().contains("is not a size like 500M"), "{wrong:?}");
        }
    }
}

/// `briefing serve`: the service's bounds, and how every request is read
/// (a request chooses only the voice, the format and the speed).
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Address and port to listen on; any but loopback needs --api-key-file.
    #[arg(long, default_value = "127.0.0.1:8880", value_name = "ADDR:PORT")]
    pub(crate) listen: std::net::SocketAddr,
    /// A file holding the key clients must send (Authorization: Bearer KEY).
    #[arg(long, value_name = "FILE")]
    pub(crate) api_key_file: Option<PathBuf>,
    /// The default voice, which also reads OpenAI's voice names (alloy, nova...).
    #[arg(long, default_value = briefing::DEFAULT_VOICE)]
    pub(crate) voice: String,
    /// Voice names clients send read by other voices: "alloy=fr-BE,nova=fr-CH".
    #[arg(long, value_name = "NAME=VOICE,...", value_parser = parse_voice_map)]
    pub(crate) voice_map: Option<std::collections::BTreeMap<String, String>>,
    /// Syntheses at once.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub(crate) max_concurrent: u16,
    /// Requests that may wait for a synthesis; more are refused (429).
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub(crate) queue: u16,
    /// Characters of text a request may send; more are refused (413).
    #[arg(long, value_name = "N", default_value_t = 4096, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) max_input_chars: u32,
    /// Where synthesized sentences are kept (default: the briefing cache folder).
    #[arg(long, value_name = "DIR")]
    pub(crate) cache_dir: Option<PathBuf>,
    /// Synthesize every sentence, neither reading nor filling the cache.
    #[arg(long)]
    pub(crate) no_cache: bool,
    #[command(flatten)]
    pub(crate) reading: ReadingArgs,
    #[command(flatten)]
    pub(crate) pauses: PauseArgs,
    #[command(flatten)]
    pub(crate) level: LevelArgs,
    #[command(flatten)]
    pub(crate) piper: PiperArgs,
}

impl ServeArgs {
    pub(crate) fn options(&self) -> Result<ServeOptions> {
        let script = Options {
            pauses: self.pauses.pauses(),
            normalizer: Some(self.reading.normalizer(&self.voice)?),
            announcements: None,
        };
        let voice_options = VoiceOptions { piper: self.piper.options(), offline: true, ..VoiceOptions::default() };
        let build = BuildOptions::default()
            .script(script)
            .voice(self.voice.clone())
            .voice_options(voice_options)
            .cache(sentence_cache(self.no_cache, &self.cache_dir))
            .master(self.level.master(1.0));
        let mut options = ServeOptions::new(build);
        options.listen = self.listen;
        options.api_key = self.api_key_file.as_deref().map(api_key).transpose()?;
        options.voice_map = self.voice_map.clone().unwrap_or_default();
        options.dialect_of_voice = self.reading.dialect.is_none();
        options.max_concurrent = usize::from(self.max_concurrent);
        options.queue = usize::from(self.queue);
        options.max_input_chars = self.max_input_chars as usize;
        Ok(options)
    }
}

/// The key in `path`: its first line, which must not be empty.
fn api_key(path: &Path) -> Result<String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| Error::reading(&name, e))?;
    let key = text.lines().next().unwrap_or_default().trim();
    if key.is_empty() {
        return Err(Error::Usage(format!("{name}: --api-key-file holds no key on its first line")));
    }
    Ok(key.to_owned())
}

fn parse_voice_map(text: &str) -> std::result::Result<std::collections::BTreeMap<String, String>, String> {
    text.split(',')
        .filter(|pair| !pair.trim().is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((name, voice)) if !name.trim().is_empty() && !voice.trim().is_empty() => {
                Ok((name.trim().to_owned(), voice.trim().to_owned()))
            }
            _ => Err(format!("{pair:?} is not NAME=VOICE")),
        })
        .collect()
}
