//! A podcast in a folder: each run makes the bulletin an episode
//! (`episodes/<id>.mp3` with its transcript, chapters and manifest beside
//! it) and rewrites the feed (`feed.xml`, RSS 2.0 with the iTunes and
//! Podcasting 2.0 tags) and a listening page (`index.html`) from the list
//! of episodes kept in `episodes.json`. Runs on one folder take turns (a
//! lock); everything is made in a staging folder and renamed into place
//! together, so a failed run leaves the feed as it was.

mod feed;
mod page;

use crate::error::{Error, Result};
use crate::manifest::{Manifest, ManifestSentence};
use crate::output::{Encoding, Subtitles};
use crate::pipeline::{build, BuildOptions, Observer, Output, Report};
use chrono::{Local, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The show, as the feed and the page present it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Channel {
    pub title: String,
    pub description: String,
    pub author: Option<String>,
    /// Address of the show's square artwork.
    pub image: Option<String>,
    /// The show's web page; the folder's address if none.
    pub link: Option<String>,
}

/// Where and how episodes are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodcastOptions {
    /// The feed's folder, served as it is by any static web server.
    pub folder: PathBuf,
    /// The address the folder is served at: enclosures need absolute URLs.
    pub base_url: String,
    pub channel: Channel,
    /// Episodes kept, newest first; older ones are removed with their files.
    pub keep: usize,
    /// The episode's date and time: its identity (a run for the same one
    /// replaces it) and its publication date.
    pub when: NaiveDateTime,
}

/// One episode, as `episodes.json` keeps it and the feed and page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub id: String,
    pub title: String,
    /// Publication date, RFC 3339 ("2026-11-24T08:00:00+01:00").
    pub published: String,
    /// The audio's file name in `episodes/`, its size and type.
    pub audio: String,
    pub bytes: u64,
    pub mime: String,
    /// Seconds.
    pub duration: f64,
    pub headlines: Vec<String>,
    /// Start (seconds) and title of each article.
    pub chapters: Vec<(f64, String)>,
    /// The written text: each article's title and paragraphs.
    pub transcript: Vec<String>,
}

/// The state of the feed folder, rewritten by every run.
const EPISODES: &str = "episodes.json";
const EPISODE_FOLDER: &str = "episodes";
const LOCK: &str = ".briefing.lock";
/// The staging folders of runs, inside the feed folder (so that renames
/// stay on one file system).
const STAGING_PREFIX: &str = ".briefing-";

/// Makes the bulletin `build` describes (its output is chosen here) and
/// publishes it as an episode of the feed in `options.folder`.
pub fn publish(options: &PodcastOptions, build_options: &BuildOptions, observer: &mut dyn Observer) -> Result<Report> {
    let folder = &options.folder;
    let problem = |path: &Path, e: std::io::Error| Error::writing(path.display().to_string(), e);
    std::fs::create_dir_all(folder.join(EPISODE_FOLDER)).map_err(|e| problem(folder, e))?;
    let lock_path = folder.join(LOCK);
    let lock = std::fs::File::create(&lock_path).map_err(|e| problem(&lock_path, e))?;
    lock.lock().map_err(|e| problem(&lock_path, e))?;
    // Under the lock no other run is under way: any staging left is a
    // killed run's.
    crate::paths::remove_staging_older_than(folder, &[STAGING_PREFIX], std::time::Duration::ZERO);
    let make = || tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(folder);
    // One value: the folder is dropped (removed) before its registration.
    let staged = crate::paths::Staging::create(make, tempfile::TempDir::path).map_err(|e| problem(folder, e))?;
    let staging = &staged.0;

    let encoding = build_options.audio.encoding.unwrap_or(Encoding::Mp3);
    let id = options.when.format("%Y-%m-%d-%H%M").to_string();
    let audio_name = format!("{id}.{}", encoding.extension());
    let made = staging.path().join(&audio_name);
    let episode_options = BuildOptions {
        output: Output::File(made.clone()),
        subtitles: Some(Subtitles::Vtt),
        podcast_chapters: true,
        audio: crate::output::AudioFormat { encoding: Some(encoding), ..build_options.audio.clone() },
        ..build_options.clone()
    };
    let report = build(&episode_options, observer)?;

    let manifest =
        report.manifests.first().ok_or_else(|| Error::output(made.display().to_string(), "no bulletin was made"))?;
    let episode = describe(&id, &audio_name, encoding, &made, manifest, options.when, &build_options.audio.tags.title)?;
    let mut episodes = load(folder)?;
    episodes.retain(|e| e.id != id);
    episodes.push(episode);
    episodes.sort_by(|a, b| b.published.cmp(&a.published).then_with(|| b.id.cmp(&a.id)));
    let dropped = episodes.split_off(options.keep.max(1).min(episodes.len()));

    let write = |name: &str, text: String| -> Result<PathBuf> {
        let path = staging.path().join(name);
        std::fs::write(&path, text).map_err(|e| problem(&path, e))?;
        Ok(path)
    };
    let mut files = Vec::new();
    for name in std::fs::read_dir(staging.path()).map_err(|e| problem(staging.path(), e))? {
        let name = name.map_err(|e| problem(staging.path(), e))?.file_name();
        files.push((staging.path().join(&name), folder.join(EPISODE_FOLDER).join(&name)));
    }
    let state = serde_json::to_string_pretty(&episodes).expect("episodes serialize") + "\n";
    files.push((write(EPISODES, state)?, folder.join(EPISODES)));
    files.push((write("feed.xml", feed::render(options, &episodes))?, folder.join("feed.xml")));
    files.push((write("index.html", page::render(&options.channel, &episodes))?, folder.join("index.html")));
    let files = files.into_iter().map(|(from, to)| {
        let staged = tempfile::TempPath::try_from_path(&from).map_err(|e| problem(&from, e))?;
        Ok((staged, to))
    });
    crate::output::publish_all(files.collect::<Result<_>>()?)?;
    for episode in &dropped {
        remove_episode_files(folder, &episode.id);
    }
    Ok(Report { files: vec![folder.join(EPISODE_FOLDER).join(&audio_name).display().to_string()], ..report })
}

/// The episodes the feed lists now; none in a new folder.
fn load(folder: &Path) -> Result<Vec<Episode>> {
    let path = folder.join(EPISODES);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::output(path.display().to_string(), format!("is not a list of episodes: {e}"))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(Error::reading(path.display().to_string(), e)),
    }
}

/// The episode just made, from its audio file and its manifest.
fn describe(
    id: &str,
    audio: &str,
    encoding: Encoding,
    made: &Path,
    manifest: &Manifest,
    when: NaiveDateTime,
    title: &str,
) -> Result<Episode> {
    let bytes = std::fs::metadata(made).map_err(|e| Error::reading(made.display().to_string(), e))?.len();
    let articles = &manifest.articles;
    let headlines = articles.iter().filter_map(|a| a.title.clone()).collect();
    let chapters =
        articles.iter().map(|a| (a.span.start, a.title.clone().unwrap_or_else(|| a.source.clone()))).collect();
    let transcript = articles.iter().flat_map(|a| paragraphs(&a.sentences)).collect();
    let published =
        Local.from_local_datetime(&when).earliest().map_or_else(|| when.and_utc().to_rfc3339(), |t| t.to_rfc3339());
    Ok(Episode {
        id: id.to_owned(),
        title: title.to_owned(),
        published,
        audio: audio.to_owned(),
        bytes,
        mime: mime(encoding).to_owned(),
        duration: manifest.duration,
        headlines,
        chapters,
        transcript,
    })
}

/// An article's written text in paragraphs: its title, then each
/// paragraph of its body, as the manifest's sentences mark them.
fn paragraphs(sentences: &[ManifestSentence]) -> Vec<String> {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut last = None;
    for sentence in sentences {
        let place = (sentence.kind, sentence.paragraph);
        match paragraphs.last_mut() {
            Some(paragraph) if last == Some(place) => {
                paragraph.push(' ');
                paragraph.push_str(&sentence.text);
            }
            _ => paragraphs.push(sentence.text.clone()),
        }
        last = Some(place);
    }
    paragraphs
}

/// The MIME type of an encoding, as enclosures give it.
fn mime(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Mp3 => "audio/mpeg",
        Encoding::Opus => "audio/ogg",
        Encoding::Wav => "audio/wav",
    }
}

/// Removes an episode's files (audio, transcript, chapters, manifest).
fn remove_episode_files(folder: &Path, id: &str) {
    let episodes = folder.join(EPISODE_FOLDER);
    let Ok(entries) = std::fs::read_dir(&episodes) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.strip_prefix(id).is_some_and(|rest| rest.starts_with('.')) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The address of a file of the feed folder.
fn url(options: &PodcastOptions, path: &str) -> String {
    format!("{}/{path}", options.base_url.trim_end_matches('/'))
}

/// Text made safe inside XML and HTML, attributes included.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// "1:02:03" or "02:03", as podcast apps show durations.
fn duration_text(seconds: f64) -> String {
    let whole = seconds.round() as u64;
    let (h, m, s) = (whole / 3600, whole / 60 % 60, whole % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_xml() {
        assert_eq!(escape("R&D <b> \"l'été\""), "R&amp;D &lt;b&gt; &quot;l&#39;été&quot;");
    }

    #[test]
    fn durations_read_as_clocks() {
        assert_eq!(duration_text(142.6), "02:23");
        assert_eq!(duration_text(3723.0), "1:02:03");
    }

    #[test]
    fn only_the_episode_s_own_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let episodes = dir.path().join(EPISODE_FOLDER);
        std::fs::create_dir(&episodes).unwrap();
        for name in ["2026-11-24-0800.mp3", "2026-11-24-0800.vtt", "2026-11-24-08001.mp3", "2026-11-24-0900.mp3"] {
            std::fs::write(episodes.join(name), "").unwrap();
        }
        remove_episode_files(dir.path(), "2026-11-24-0800");
        let mut left: Vec<String> = std::fs::read_dir(&episodes)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["2026-11-24-08001.mp3", "2026-11-24-0900.mp3"]);
    }
}
