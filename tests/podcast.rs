//! `briefing podcast`: the feed read by real podcast clients' parsers
//! (gPodder's podcastparser and feedparser), the page played in headless
//! Chromium, and the folder kept whole when runs fail or overlap.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use tempfile::TempDir;

const BASE: &str = "https://radio.example/bulletins";

/// Publishes the short articles as the episode of `date` in `feed`.
fn publish(feed: &Path, date: &str, extra: &[&str]) -> std::process::Output {
    briefing()
        .args(["podcast", "-q", "--no-cache", "--announce", "--date", date, "--base-url", BASE])
        .args(["--title", "Bulletin du {date} à {time}", "--show-title", "Radio Essai"])
        .args(extra)
        .arg(feed)
        .arg(SHORT_ARTICLES)
        .output()
        .unwrap()
}

fn published(feed: &Path, date: &str) {
    let output = publish(feed, date, &[]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// The Python of the venv that holds gPodder's podcastparser and
/// feedparser: `BRIEFING_PODCAST_PYTHON`, else where
/// `scripts/install-podcast-clients.sh` puts it.
fn podcast_python() -> PathBuf {
    installed("BRIEFING_PODCAST_PYTHON", "podcast-clients/bin/python", "scripts/install-podcast-clients.sh")
}

/// What podcastparser and feedparser read of the feed, side by side.
const READ_FEED: &str = r#"
import json, sys, podcastparser, feedparser
path = sys.argv[1]
with open(path, 'rb') as f:
    gpodder = podcastparser.parse(sys.argv[2], f)
parsed = feedparser.parse(path)
print(json.dumps({
    "podcastparser": {"title": gpodder["title"], "episodes": [
        {k: e.get(k) for k in ("title", "guid", "total_time", "enclosures", "chapters", "chapters_json_url", "transcript_url", "published")}
        for e in gpodder["episodes"]]},
    "feedparser": {"bozo": parsed.bozo, "language": parsed.feed.get("language"), "entries": [
        {"id": e.id, "duration": e.get("itunes_duration"), "enclosures": [dict(x) for x in e.enclosures],
         "chapters": dict(e.get("podcast_chapters", {})), "transcript": dict(e.get("podcast_transcript", {}))}
        for e in parsed.entries]},
}))
"#;

fn read_feed(feed: &Path) -> Value {
    let output = Command::new(podcast_python())
        .args(["-c", READ_FEED])
        .arg(feed.join("feed.xml"))
        .arg(format!("{BASE}/feed.xml"))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn episodes(feed: &Path) -> Vec<Value> {
    serde_json::from_slice::<Value>(&fs::read(feed.join("episodes.json")).unwrap()).unwrap().as_array().unwrap().clone()
}

#[test]
#[ignore = "needs podcastparser and feedparser"]
fn podcast_clients_read_every_episode_and_its_files() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    published(&feed, "2026-11-24T08:00");
    published(&feed, "2026-11-24T09:00");
    let first = read_feed(&feed);
    // The same hour again replaces its episode: still two, same GUIDs.
    published(&feed, "2026-11-24T09:00");
    let read = read_feed(&feed);
    let gpodder = read["podcastparser"]["episodes"].as_array().unwrap();
    let entries = read["feedparser"]["entries"].as_array().unwrap();
    assert_eq!(read["podcastparser"]["title"], "Radio Essai");
    assert_eq!(read["feedparser"]["bozo"], false, "{}", read["feedparser"]);
    assert_eq!(read["feedparser"]["language"], "fr");
    assert_eq!(gpodder.len(), 2);
    assert_eq!(entries.len(), 2);
    let guids = |read: &Value| -> Vec<Value> {
        read["podcastparser"]["episodes"].as_array().unwrap().iter().map(|e| e["guid"].clone()).collect()
    };
    assert_eq!(guids(&read), guids(&first));
    assert_ne!(gpodder[0]["guid"], gpodder[1]["guid"]);

    for ((episode, entry), hour) in gpodder.iter().zip(entries).zip(["0900", "0800"]) {
        let id = format!("2026-11-24-{hour}");
        let audio = feed.join("episodes").join(format!("{id}.mp3"));
        let manifest: Value = serde_json::from_slice(&fs::read(audio.with_extension("json")).unwrap()).unwrap();
        let url = format!("{BASE}/episodes/{id}.mp3");
        let enclosure = &episode["enclosures"][0];
        assert_eq!(enclosure["url"], url.as_str());
        assert_eq!(enclosure["file_size"], fs::metadata(&audio).unwrap().len());
        assert_eq!(enclosure["mime_type"], "audio/mpeg");
        assert_eq!(entry["enclosures"][0]["href"], url.as_str());
        assert_eq!(entry["enclosures"][0]["length"], fs::metadata(&audio).unwrap().len().to_string());
        let duration = manifest["duration"].as_f64().unwrap();
        assert!((episode["total_time"].as_f64().unwrap() - duration).abs() <= 1.0, "{episode}");
        assert!(episode["title"].as_str().unwrap().ends_with(&format!("à {}h00", &hour[..2].trim_start_matches('0'))));
        // Chapters: the JSON file and the inline ones, with the manifest's titles.
        let chapters_url = format!("{BASE}/episodes/{id}.chapters.json");
        assert_eq!(episode["chapters_json_url"], chapters_url.as_str());
        assert_eq!(entry["chapters"]["url"], chapters_url.as_str());
        let titles: Vec<&Value> = manifest["articles"].as_array().unwrap().iter().map(|a| &a["title"]).collect();
        let inline: Vec<&Value> = episode["chapters"].as_array().unwrap().iter().map(|c| &c["title"]).collect();
        assert_eq!(inline, titles);
        let json: Value =
            serde_json::from_slice(&fs::read(feed.join("episodes").join(format!("{id}.chapters.json"))).unwrap())
                .unwrap();
        let json_titles: Vec<&Value> = json["chapters"].as_array().unwrap().iter().map(|c| &c["title"]).collect();
        assert_eq!(json_titles, titles);
        // The transcript is the episode's WebVTT.
        let transcript_url = format!("{BASE}/episodes/{id}.vtt");
        assert_eq!(episode["transcript_url"], transcript_url.as_str());
        assert_eq!(entry["transcript"]["url"], transcript_url.as_str());
        let vtt = fs::read_to_string(feed.join("episodes").join(format!("{id}.vtt"))).unwrap();
        assert!(vtt.starts_with("WEBVTT"));
    }
    assert!(gpodder[0]["published"].as_i64() > gpodder[1]["published"].as_i64(), "newest first");
}

#[test]
fn older_episodes_go_with_their_files() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    for hour in ["08", "09", "10"] {
        let output = publish(&feed, &format!("2026-11-24T{hour}:00"), &["--keep", "2"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let ids: Vec<Value> = episodes(&feed).iter().map(|e| e["id"].clone()).collect();
    assert_eq!(ids, ["2026-11-24-1000", "2026-11-24-0900"]);
    let mut files = names(&feed.join("episodes"));
    files.sort();
    assert!(files.iter().all(|f| !f.starts_with("2026-11-24-0800")), "{files:?}");
    assert_eq!(files.len(), 8, "{files:?}");
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    assert_eq!(xml.matches("<item>").count(), 2);
}

#[test]
fn a_failed_run_leaves_the_feed_as_it_was() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    published(&feed, "2026-11-24T08:00");
    let before: Vec<(String, Vec<u8>)> = ["feed.xml", "index.html", "episodes.json"]
        .iter()
        .map(|name| (name.to_string(), fs::read(feed.join(name)).unwrap()))
        .collect();
    let failed = briefing()
        .args(["podcast", "-q", "--no-cache", "--date", "2026-11-24T09:00", "--base-url", BASE])
        .arg(&feed)
        .arg(tmp.path().join("missing.txt"))
        .output()
        .unwrap();
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("missing.txt") && stderr.trim().lines().count() == 1, "{stderr}");
    for (name, bytes) in before {
        assert!(fs::read(feed.join(&name)).unwrap() == bytes, "{name} changed");
    }
    let left: Vec<String> = names(&feed).into_iter().filter(|n| n.starts_with(".briefing-")).collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(names(&feed.join("episodes")).len(), 4);
}

#[test]
fn runs_at_once_take_turns_on_one_folder() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    let runs: Vec<std::process::Child> = ["08", "09", "10"]
        .iter()
        .map(|hour| {
            let template = briefing();
            Command::new(template.get_program())
                .envs(template.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
                .args(["podcast", "-q", "--no-cache", "--date", &format!("2026-11-24T{hour}:00"), "--base-url", BASE])
                .arg(&feed)
                .arg(SHORT_ARTICLES)
                .spawn()
                .unwrap()
        })
        .collect();
    for mut run in runs {
        assert!(run.wait().unwrap().success());
    }
    assert_eq!(episodes(&feed).len(), 3);
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    assert_eq!(xml.matches("<item>").count(), 3);
    assert!(xml.trim_end().ends_with("</rss>"));
}

#[test]
fn podcast_takes_no_output_flag() {
    let tmp = TempDir::new().unwrap();
    let output = briefing()
        .args(["podcast", "--base-url", BASE, "-o", "x.mp3"])
        .arg(tmp.path())
        .arg(SHORT_ARTICLES)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("unexpected argument '-o'"));
}

#[test]
#[ignore = "needs chromium"]
fn the_page_plays_every_episode_in_a_browser() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    published(&feed, "2026-11-24T08:00");
    let output = publish(&feed, "2026-11-24T09:00", &["--encoding", "opus"]);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let chromium = common::needs("chromium", "scripts/install-chromium.sh");
    let page = format!("file://{}", feed.join("index.html").canonicalize().unwrap().display());
    let dom = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom", "--virtual-time-budget=10000"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(dom.status.success());
    let dom = String::from_utf8_lossy(&dom.stdout);
    let players: Vec<&str> =
        dom.match_indices("<audio").map(|(at, _)| &dom[at..at + dom[at..].find('>').unwrap()]).collect();
    assert_eq!(players.len(), 2, "{dom}");
    for (player, (id, extension)) in players.iter().zip([("2026-11-24-0900", "opus"), ("2026-11-24-0800", "mp3")]) {
        assert!(player.contains(&format!("episodes/{id}.{extension}")), "{player}");
        let manifest: Value =
            serde_json::from_slice(&fs::read(feed.join("episodes").join(format!("{id}.json"))).unwrap()).unwrap();
        let at = player.find("data-duration=\"").unwrap_or_else(|| panic!("no duration loaded: {player}")) + 15;
        let loaded: f64 = player[at..at + player[at..].find('"').unwrap()].parse().unwrap();
        let duration = manifest["duration"].as_f64().unwrap();
        assert!((loaded - duration).abs() < 0.1, "{id}: the browser reads {loaded} s, the manifest says {duration} s");
    }
    assert_eq!(dom.matches("data-start=").count(), 6, "three chapter links per episode");
}

#[test]
fn the_show_is_set_in_the_config_file() {
    let tmp = TempDir::new().unwrap();
    let config = tmp.path().join("briefing.toml");
    fs::write(
        &config,
        format!("[podcast]\nbase-url = \"{BASE}\"\nshow-title = \"Radio Réglée\"\nauthor = \"La rédaction\"\n"),
    )
    .unwrap();
    let feed = tmp.path().join("feed");
    briefing()
        .arg("--config")
        .arg(&config)
        .args(["podcast", "-q", "--no-cache"])
        .arg(&feed)
        .arg(SHORT_ARTICLES)
        .assert()
        .success();
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    assert!(xml.contains("<title>Radio Réglée</title>"), "{xml}");
    assert!(xml.contains("<itunes:author>La rédaction</itunes:author>"), "{xml}");
    assert!(xml.contains(&format!("{BASE}/episodes/")), "{xml}");
    let missing = briefing().args(["podcast", "-q"]).arg(&feed).arg(SHORT_ARTICLES).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--base-url"));
}

/// Publishes one episode whose title and article hold control characters,
/// markup and cue arrows; returns the episode's files' stem.
fn publish_nasty(feed: &Path, tmp: &Path) -> PathBuf {
    let nasty =
        article(tmp, "nasty.txt", "Essai\u{7} <b>\u{1b}[31m\n\nR&D --> A <i>B</i>\u{1b}]0;x\u{7}.\n\n".as_bytes());
    let output = briefing()
        .args(["podcast", "-q", "--no-cache", "--date", "2026-12-03T08:00", "--base-url", BASE])
        .args(["--title", "Bulletin\u{1b}[1m\u{7} R&D <b> --> \u{1}", "--show-title", "Radio\u{8} <Essai>"])
        .arg(feed)
        .arg(&nasty)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    feed.join("episodes").join("2026-12-03-0800")
}

#[test]
fn control_characters_and_markup_in_titles_keep_the_feed_well_formed() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    let stem = publish_nasty(&feed, tmp.path());
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    let document = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let titles: Vec<&str> =
        document.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert_eq!(titles, ["Radio <Essai>", "Bulletin R&D <b> --> "]);
    let vtt = fs::read_to_string(stem.with_extension("vtt")).unwrap();
    assert!(vtt.contains("\nEssai &lt;b&gt;\n") && vtt.contains("\nR&amp;D --&gt; A &lt;i&gt;B&lt;/i&gt;.\n"), "{vtt}");
    let page = fs::read_to_string(feed.join("index.html")).unwrap();
    assert!(page.contains("<h2>Bulletin R&amp;D &lt;b&gt; --&gt; </h2>"), "{page}");
    for text in [&xml, &vtt, &page] {
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'), "{text}");
    }
}

/// The transcript's cues as webvtt-py reads them (their text as written,
/// then unescaped), and the feed as feedparser does.
const READ_NASTY: &str = r#"
import html, json, sys, webvtt, feedparser
cues = [html.unescape(c.text) for c in webvtt.read(sys.argv[1])]
parsed = feedparser.parse(sys.argv[2])
print(json.dumps({"cues": cues, "bozo": bool(parsed.bozo), "title": parsed.entries[0].title}))
"#;

#[test]
#[ignore = "needs webvtt-py"]
fn a_real_webvtt_parser_reads_every_cue_of_a_nasty_bulletin() {
    let python = podcast_python();
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    let stem = publish_nasty(&feed, tmp.path());
    let output = Command::new(python)
        .args(["-c", READ_NASTY])
        .arg(stem.with_extension("vtt"))
        .arg(feed.join("feed.xml"))
        .output();
    let output = output.unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let read: Value = serde_json::from_slice(&output.stdout).unwrap();
    let manifest: Value = serde_json::from_slice(&fs::read(stem.with_extension("json")).unwrap()).unwrap();
    let parts = manifest["opening"].as_array().into_iter().flatten().chain(manifest["articles"].as_array().unwrap());
    let texts: Vec<&Value> = parts.flat_map(|p| p["sentences"].as_array().unwrap()).map(|s| &s["text"]).collect();
    assert_eq!(read["cues"].as_array().unwrap().iter().collect::<Vec<_>>(), texts);
    assert_eq!(read["bozo"], false);
    assert_eq!(read["title"], "Bulletin R&D <b> -->");
}

/// The `<guid>` of each item of the feed, in order.
fn guids(feed: &Path) -> Vec<String> {
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    xml.split("<guid isPermaLink=\"false\">")
        .skip(1)
        .map(|rest| rest.split("</guid>").next().unwrap().to_owned())
        .collect()
}

#[test]
fn the_base_url_must_be_an_absolute_web_address() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    for wrong in ["radio.example/bulletins", "/var/www/feed", "ftp://radio.example/feed"] {
        let output =
            briefing().args(["podcast", "-q", "--base-url", wrong]).arg(&feed).arg(SHORT_ARTICLES).output().unwrap();
        assert_eq!(output.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(wrong) && stderr.contains("http") && stderr.trim().lines().count() == 1, "{stderr}");
        assert!(!feed.exists(), "nothing made");
    }
}

#[test]
fn guids_stay_when_the_base_url_is_corrected() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    let first = |base: &str, date: &str| {
        let output = briefing()
            .args(["podcast", "-q", "--no-cache", "--date", date, "--base-url", base])
            .arg(&feed)
            .arg(SHORT_ARTICLES)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    };
    first("https://wrong.example/podcast", "2026-11-24T08:00");
    let before = guids(&feed);
    first(BASE, "2026-11-24T09:00");
    let after = guids(&feed);
    assert_eq!(after.len(), 2);
    assert_eq!(after[1], before[0], "the first episode's GUID is the same");
    assert!(after.iter().all(|guid| !guid.contains("example")), "{after:?}");
    assert_ne!(after[0], after[1]);
    let xml = fs::read_to_string(feed.join("feed.xml")).unwrap();
    assert!(xml.contains(&format!("{BASE}/episodes/2026-11-24-0800.mp3")) && !xml.contains("wrong.example"), "{xml}");
    let kept: Vec<Value> = episodes(&feed).iter().map(|e| e["guid"].clone()).collect();
    assert_eq!(kept, after.iter().map(|g| Value::from(g.as_str())).collect::<Vec<_>>());
}

#[test]
fn keep_never_removes_the_episode_just_published() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    for hour in ["09", "10"] {
        let output = publish(&feed, &format!("2026-11-24T{hour}:00"), &["--keep", "2"]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let before = fs::read(feed.join("episodes.json")).unwrap();
    let older = publish(&feed, "2026-11-24T08:00", &["--keep", "2"]);
    assert_eq!(older.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&older.stderr);
    assert!(stderr.contains("--keep") && stderr.trim().lines().count() == 1, "{stderr}");
    assert_eq!(fs::read(feed.join("episodes.json")).unwrap(), before);
    assert!(names(&feed.join("episodes")).iter().all(|f| !f.starts_with("2026-11-24-0800")));
}

#[test]
fn no_lock_file_is_left_where_the_feed_is_served() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    fs::create_dir(&feed).unwrap();
    fs::write(feed.join(".briefing.lock"), "").unwrap();
    published(&feed, "2026-11-24T08:00");
    let mut files = names(&feed);
    files.sort();
    assert_eq!(files, ["episodes", "episodes.json", "feed.xml", "index.html"], "the old lock file goes too");
}

#[test]
fn a_lost_episode_list_is_one_warning() {
    let tmp = TempDir::new().unwrap();
    let feed = tmp.path().join("feed");
    published(&feed, "2026-11-24T08:00");
    fs::remove_file(feed.join("episodes.json")).unwrap();
    let output = publish(&feed, "2026-11-24T09:00", &[]);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("episodes.json: missing, though 4 files") && stderr.trim().lines().count() == 1,
        "{stderr}"
    );
    assert_eq!(episodes(&feed).len(), 1);
}
