//! A podcast in a folder: each run makes the bulletin an episode
//! (`episodes/<id>.mp3` with its transcript, chapters and manifest beside
//! it) and rewrites the feed (`feed.xml`, RSS 2.0 with the iTunes and
//! Podcasting 2.0 tags) and a listening page (`index.html`) from the list
//! of episodes kept in `episodes.json`. Runs on one folder take turns (a
//! lock on the folder itself, so that no lock file is published);
//! everything is made in a staging folder and renamed into place together,
//! so a failed run leaves the feed as it was.

mod feed;
#[cfg(test)]
mod hostile;
mod page;

use crate::error::{Error, Result};
use crate::manifest::{Manifest, ManifestSentence};
use crate::output::{Encoding, Subtitles};
use crate::pipeline::{build, BuildOptions, Observer, Output, Report};
use chrono::{Local, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};
use sha2::Digest;
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
    /// The address the folder is served at, `http://` or `https://`:
    /// enclosures need absolute URLs. Correcting it later changes the
    /// addresses of the files, not the episodes' identities (GUIDs).
    pub base_url: String,
    pub channel: Channel,
    /// Episodes kept, newest first; older ones are removed with their files.
    /// An episode that would not be among them is refused, not published.
    pub keep: usize,
    /// The episode's date and time: its identity (a run for the same one
    /// replaces it) and its publication date.
    pub when: NaiveDateTime,
}

/// One episode, as `episodes.json` keeps it and the feed and page show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Episode {
    pub id: String,
    /// The episode's identity for podcast apps, set when it is first
    /// published and kept from then on (never derived from the base URL,
    /// which may be corrected). Empty in the state of older versions, which
    /// published the episode's address: that one is kept.
    #[serde(default)]
    pub guid: String,
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
/// The lock file of earlier versions, removed when seen.
const OLD_LOCK: &str = ".briefing.lock";
/// The staging folders of runs, inside the feed folder (so that renames
/// stay on one file system).
const STAGING_PREFIX: &str = ".briefing-";

/// Makes the bulletin `build` describes (its output is chosen here) and
/// publishes it as an episode of the feed in `options.folder`.
pub fn publish(options: &PodcastOptions, build_options: &BuildOptions, observer: &mut dyn Observer) -> Result<Report> {
    check_base_url(&options.base_url)?;
    let folder = &options.folder;
    let problem = |path: &Path, e: std::io::Error| Error::writing(path.display().to_string(), e);
    std::fs::create_dir_all(folder.join(EPISODE_FOLDER)).map_err(|e| problem(folder, e))?;
    let _lock = lock(folder)?;
    // Under the lock no other run is under way: any staging left is a
    // killed run's.
    crate::paths::remove_staging_older_than(folder, &[STAGING_PREFIX], std::time::Duration::ZERO);
    let _ = std::fs::remove_file(folder.join(OLD_LOCK));
    let id = options.when.format("%Y-%m-%d-%H%M").to_string();
    let published = published(options.when);
    let mut episodes = load(options, observer)?;
    refuse_if_pruned(&episodes, &id, &published, options.keep)?;
    let make = || tempfile::Builder::new().prefix(STAGING_PREFIX).tempdir_in(folder);
    // One value: the folder is dropped (removed) before its registration.
    let staged = crate::paths::Staging::create(make, tempfile::TempDir::path).map_err(|e| problem(folder, e))?;
    let staging = &staged.0;

    let encoding = build_options.audio.encoding.unwrap_or(Encoding::Mp3);
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
    let mut episode =
        describe(&id, &audio_name, encoding, &made, manifest, published, &build_options.audio.tags.title)?;
    episode.guid = guid_for(&episodes, &id, &options.base_url);
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

/// Refuses a base URL that is not an absolute `http(s)://` address with a
/// host: podcast apps cannot fetch a relative or mistyped enclosure.
fn check_base_url(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    let rest = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let host = rest.map(|rest| rest.split('/').next().unwrap_or_default());
    let odd = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '?' | '#' | '"' | '<' | '>');
    if host.is_some_and(|h| !h.is_empty() && !h.starts_with(':')) && !url.contains(odd) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "base URL {url:?}: must be an absolute http:// or https:// address, like https://example.org/bulletins"
    )))
}

/// Takes the folder's lock, held until the returned file is dropped. The
/// folder itself is locked (Unix), so that no lock file sits among the
/// files a web server publishes.
fn lock(folder: &Path) -> Result<std::fs::File> {
    let name = folder.display().to_string();
    let handle = std::fs::File::open(folder).map_err(|e| Error::reading(&name, e))?;
    handle.lock().map_err(|e| Error::writing(name, e))?;
    Ok(handle)
}

/// The episodes the feed lists now; none in a new folder. Episodes from
/// older versions get the GUID the feed published for them. Should the
/// list be lost while episodes stay on disk, a warning says so: the feed
/// goes on with the episodes made from now on.
fn load(options: &PodcastOptions, observer: &mut dyn Observer) -> Result<Vec<Episode>> {
    let path = options.folder.join(EPISODES);
    let mut episodes: Vec<Episode> = match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::output(path.display().to_string(), format!("is not a list of episodes: {e}")))?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            warn_of_unlisted(&options.folder, observer);
            Vec::new()
        }
        Err(e) => return Err(Error::reading(path.display().to_string(), e)),
    };
    let feed = std::fs::read_to_string(options.folder.join("feed.xml")).unwrap_or_default();
    for episode in episodes.iter_mut().filter(|e| e.guid.is_empty()) {
        episode.guid = feed::published_guid(&feed, &episode.id)
            .unwrap_or_else(|| url(options, &format!("{EPISODE_FOLDER}/{}", episode.id)));
    }
    Ok(episodes)
}

/// The warning for episode files in a folder without its `episodes.json`.
fn warn_of_unlisted(folder: &Path, observer: &mut dyn Observer) {
    let Ok(entries) = std::fs::read_dir(folder.join(EPISODE_FOLDER)) else { return };
    let count = entries.flatten().filter(|e| e.path().is_file()).count();
    if count > 0 {
        observer.warning(&format!(
            "{}: missing, though {count} files are in {}: the feed lists the episodes from this one on, \
             and older files stay until removed by hand",
            folder.join(EPISODES).display(),
            folder.join(EPISODE_FOLDER).display()
        ));
    }
}

/// Refuses an episode that `keep` would remove as soon as it is published
/// (one dated before the `keep` newest), before any work is done.
fn refuse_if_pruned(episodes: &[Episode], id: &str, published: &str, keep: usize) -> Result<()> {
    let newer = episodes.iter().filter(|e| e.id != id && (e.published.as_str(), e.id.as_str()) > (published, id));
    if newer.count() < keep.max(1) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "the episode of {published} would be older than the {keep} kept: publish it with a larger --keep, or not at all"
    )))
}

/// The GUID of the episode `id`: the one it had if it is being replaced,
/// else one made of the feed's identity and the episode's id. The feed's
/// identity is the one its episodes carry; a new feed gets one from its
/// first address and episode, kept however the address changes later.
fn guid_for(episodes: &[Episode], id: &str, base_url: &str) -> String {
    if let Some(replaced) = episodes.iter().find(|e| e.id == id) {
        return replaced.guid.clone();
    }
    let carried = episodes.iter().find_map(|e| e.guid.strip_prefix(GUID_PREFIX)?.split_once(':').map(|(feed, _)| feed));
    let feed = carried.map_or_else(
        || {
            let digest = sha2::Sha256::digest(format!("{base_url}\n{id}").as_bytes());
            crate::hex(&digest[..8])
        },
        str::to_owned,
    );
    format!("{GUID_PREFIX}{feed}:{id}")
}

/// GUIDs of this version: `briefing:<feed>:<episode id>`.
const GUID_PREFIX: &str = "briefing:";

/// Publication date, RFC 3339 in local time, as `episodes.json` keeps it.
fn published(when: NaiveDateTime) -> String {
    Local.from_local_datetime(&when).earliest().map_or_else(|| when.and_utc().to_rfc3339(), |t| t.to_rfc3339())
}

/// The episode just made, from its audio file and its manifest.
fn describe(
    id: &str,
    audio: &str,
    encoding: Encoding,
    made: &Path,
    manifest: &Manifest,
    published: String,
    title: &str,
) -> Result<Episode> {
    let bytes = std::fs::metadata(made).map_err(|e| Error::reading(made.display().to_string(), e))?.len();
    let articles = &manifest.articles;
    let headlines = articles.iter().filter_map(|a| a.title.clone()).collect();
    let chapters =
        articles.iter().map(|a| (a.span.start, a.title.clone().unwrap_or_else(|| a.source.clone()))).collect();
    let transcript = articles.iter().flat_map(|a| paragraphs(&a.sentences)).collect();
    Ok(Episode {
        id: id.to_owned(),
        guid: String::new(),
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

/// Text made safe inside XML and HTML, attributes included. XML 1.0 cannot
/// carry most control characters even as references, so what is not text
/// is dropped (see [`crate::controls`]).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in crate::controls::strip(text).chars() {
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
        assert_eq!(escape("Un\u{1B}[1m\u{7}\u{0}\u{FFFF} titre"), "Un titre");
    }

    #[test]
    fn durations_read_as_clocks() {
        assert_eq!(duration_text(142.6), "02:23");
        assert_eq!(duration_text(3723.0), "1:02:03");
    }

    /// An episode of `id`, published at `published`, with `guid`.
    fn episode(id: &str, published: &str, guid: &str) -> Episode {
        Episode {
            id: id.into(),
            guid: guid.into(),
            title: "Bulletin".into(),
            published: published.into(),
            audio: format!("{id}.mp3"),
            bytes: 1,
            mime: "audio/mpeg".into(),
            duration: 1.0,
            headlines: Vec::new(),
            chapters: Vec::new(),
            transcript: Vec::new(),
        }
    }

    fn options(folder: &Path, base_url: &str) -> PodcastOptions {
        PodcastOptions {
            folder: folder.to_path_buf(),
            base_url: base_url.into(),
            channel: Channel::default(),
            keep: 48,
            when: NaiveDateTime::default(),
        }
    }

    #[test]
    fn the_base_url_is_an_absolute_web_address() {
        for fine in ["https://radio.example/bulletins", "http://localhost:8000/", "HTTPS://Radio.Example"] {
            assert!(check_base_url(fine).is_ok(), "{fine}");
        }
        for wrong in [
            "radio.example/bulletins",
            "/var/www",
            "ftp://radio.example",
            "https://",
            "https:///x",
            "https://a b",
            "https://x/?a=1",
        ] {
            let error = check_base_url(wrong).unwrap_err();
            assert_eq!(error.exit_code(), 2);
            assert!(error.to_string().contains("absolute http:// or https://"), "{error}");
        }
    }

    #[test]
    fn guids_come_from_the_feed_not_from_its_address() {
        let first = guid_for(&[], "2026-11-24-0800", "https://wrong.example");
        assert!(first.starts_with("briefing:") && first.ends_with(":2026-11-24-0800") && !first.contains("wrong"));
        let kept = [episode("2026-11-24-0800", "2026-11-24T08:00:00+01:00", &first)];
        let second = guid_for(&kept, "2026-11-24-0900", "https://right.example");
        assert_eq!(second, first.replace("0800", "0900"), "the feed's identity is carried on");
        assert_eq!(
            guid_for(&kept, "2026-11-24-0800", "https://right.example"),
            first,
            "a replaced episode keeps its own"
        );
    }

    #[test]
    fn episodes_of_earlier_versions_keep_the_guids_their_feed_published() {
        let dir = tempfile::tempdir().unwrap();
        let old = [
            episode("2026-11-24-0800", "2026-11-24T08:00:00+01:00", ""),
            episode("2026-11-24-0900", "2026-11-24T09:00:00+01:00", ""),
        ];
        std::fs::write(dir.path().join(EPISODES), serde_json::to_string(&old).unwrap().replace(",\"guid\":\"\"", ""))
            .unwrap();
        let published =
            "<item><guid isPermaLink=\"false\">https://old.example/a&amp;b/episodes/2026-11-24-0800</guid></item>";
        std::fs::write(dir.path().join("feed.xml"), published).unwrap();
        let loaded = load(&options(dir.path(), "https://new.example"), &mut ()).unwrap();
        assert_eq!(loaded[0].guid, "https://old.example/a&b/episodes/2026-11-24-0800");
        assert_eq!(loaded[1].guid, "https://new.example/episodes/2026-11-24-0900", "none published: the old formula");
    }

    #[test]
    fn an_episode_keep_would_remove_at_once_is_refused() {
        let kept = [
            episode("2026-11-24-1000", "2026-11-24T10:00:00+01:00", "a"),
            episode("2026-11-24-0900", "2026-11-24T09:00:00+01:00", "b"),
        ];
        let error = refuse_if_pruned(&kept, "2026-11-24-0800", "2026-11-24T08:00:00+01:00", 2).unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(error.to_string().contains("older than the 2 kept"), "{error}");
        assert!(refuse_if_pruned(&kept, "2026-11-24-0800", "2026-11-24T08:00:00+01:00", 3).is_ok());
        assert!(refuse_if_pruned(&kept, "2026-11-24-0900", "2026-11-24T09:00:00+01:00", 2).is_ok(), "a replacement");
        assert!(refuse_if_pruned(&kept, "2026-11-24-1100", "2026-11-24T11:00:00+01:00", 1).is_ok());
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
