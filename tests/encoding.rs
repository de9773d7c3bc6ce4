//! Encoded bulletins read by independent tools: ffprobe and ffmpeg read
//! the MP3's and Opus file's length, tags and chapters, which must agree
//! with the manifest (those tests need ffmpeg: `scripts/install-ffmpeg.sh`).

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

const DATED: [&str; 4] = ["--announce", "--date", "2026-11-24T08:00", "--no-cache"];

fn manifest(audio: &Path) -> Value {
    serde_json::from_slice(&fs::read(audio.with_extension("json")).unwrap()).unwrap()
}

fn seconds(value: &Value) -> f64 {
    value.as_f64().or_else(|| value.as_str().and_then(|s| s.parse().ok())).unwrap_or_else(|| panic!("{value}"))
}

#[test]
#[ignore = "needs ffmpeg"]
fn an_mp3_by_its_extension_has_the_manifest_length_tag_and_chapters() {
    let tmp = TempDir::new().unwrap();
    let mp3 = tmp.path().join("bulletin.mp3");
    briefing()
        .arg("build")
        .args(DATED)
        .args(["--artist", "Radio Essai", SHORT_ARTICLES, "-o"])
        .arg(&mp3)
        .assert()
        .success();
    assert_eq!(&fs::read(&mp3).unwrap()[..3], b"ID3");
    let manifest = manifest(&mp3);
    assert_eq!(manifest["audio"], "bulletin.mp3");
    let probe = ffprobe(&mp3);
    let stream = &probe["streams"][0];
    assert_eq!(stream["codec_name"], "mp3");
    assert_eq!(stream["channels"], 1);
    let bit_rate = seconds(&probe["format"]["bit_rate"]);
    assert!((bit_rate - 64_000.0).abs() < 2_000.0, "{bit_rate}");
    let tags = &probe["format"]["tags"];
    assert_eq!(tags["title"], "Bulletin du mardi 24 novembre 2026");
    assert_eq!(tags["date"], "2026-11-24");
    assert_eq!(tags["artist"], "Radio Essai");

    let duration = seconds(&manifest["duration"]);
    let decoded = decoded_seconds(&mp3);
    assert!((decoded - duration).abs() < 0.05, "decoded {decoded} s, manifest {duration} s");
    // What ffprobe reports, the encoder's delay (its start time) aside.
    let reported = seconds(&probe["format"]["duration"]) - seconds(&stream["start_time"]);
    assert!((reported - duration).abs() < 0.05, "ffprobe {reported} s, manifest {duration} s");

    let articles = manifest["articles"].as_array().unwrap();
    let chapters = probe["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), articles.len());
    assert!(articles.len() >= 2);
    for (chapter, article) in chapters.iter().zip(articles) {
        assert_eq!(chapter["tags"]["title"], article["title"]);
        for (field, key) in [("start_time", "start"), ("end_time", "end")] {
            let (at, expected) = (seconds(&chapter[field]), seconds(&article[key]));
            assert!((at - expected).abs() < 0.001, "{field} {at} vs {expected}");
        }
    }
}

#[test]
#[ignore = "needs ffmpeg"]
fn encoding_and_bitrate_are_chosen_by_flag_also_on_stdout() {
    let tmp = TempDir::new().unwrap();
    let output = briefing()
        .arg("build")
        .args(DATED)
        .args(["--encoding", "mp3", "--bitrate", "32", SHORT_ARTICLES, "-o", "-"])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(&output.stdout[..3], b"ID3");
    let piped = tmp.path().join("piped.mp3");
    fs::write(&piped, &output.stdout).unwrap();
    let probe = ffprobe(&piped);
    assert_eq!(probe["streams"][0]["codec_name"], "mp3");
    let bit_rate = seconds(&probe["format"]["bit_rate"]);
    assert!((bit_rate - 32_000.0).abs() < 2_000.0, "{bit_rate}");
}

#[test]
fn each_article_becomes_an_mp3_when_asked() {
    let tmp = TempDir::new().unwrap();
    briefing()
        .arg("build")
        .args(["--no-cache", "--each", "--encoding", "mp3", SHORT_ARTICLES, "-o"])
        .arg(tmp.path())
        .assert()
        .success();
    let mut names = names(tmp.path());
    names.sort();
    let audio: Vec<&String> = names.iter().filter(|n| n.ends_with(".mp3")).collect();
    assert_eq!(audio.len(), fs::read_dir(SHORT_ARTICLES).unwrap().count(), "{names:?}");
    assert!(!names.iter().any(|n| n.ends_with(".wav")), "{names:?}");
}

#[test]
fn encoded_files_are_the_same_bytes_whatever_the_threads() {
    let tmp = TempDir::new().unwrap();
    for extension in ["mp3", "opus"] {
        let made: Vec<Vec<u8>> = ["1", "3"]
            .iter()
            .map(|jobs| {
                // One stem per format: each keeps its own manifest.
                let file = tmp.path().join(format!("j{jobs}-{extension}.{extension}"));
                briefing()
                    .arg("build")
                    .args(DATED)
                    .args(["--jobs", jobs, SHORT_ARTICLES, "-o"])
                    .arg(&file)
                    .assert()
                    .success();
                fs::read(file).unwrap()
            })
            .collect();
        assert!(made[0] == made[1], "{extension}: --jobs 1 and --jobs 3 differ");
    }
}

#[test]
#[ignore = "needs ffmpeg"]
fn an_mp3_at_48_khz_decodes_to_the_manifest_length() {
    let tmp = TempDir::new().unwrap();
    let mp3 = tmp.path().join("wide.mp3");
    briefing()
        .arg("build")
        .args(DATED)
        .args(["--sample-rate", "48000", SHORT_ARTICLES, "-o"])
        .arg(&mp3)
        .assert()
        .success();
    let duration = seconds(&manifest(&mp3)["duration"]);
    let decoded = decoded_seconds(&mp3);
    assert!((decoded - duration).abs() < 0.05, "decoded {decoded} s, manifest {duration} s");
    assert_eq!(ffprobe(&mp3)["streams"][0]["sample_rate"], "48000");
}

#[test]
#[ignore = "needs ffmpeg"]
fn an_opus_file_has_the_manifest_length_comments_and_chapters() {
    let tmp = TempDir::new().unwrap();
    let opus = tmp.path().join("bulletin.opus");
    briefing()
        .arg("build")
        .args(DATED)
        .args(["--publisher", "Radio Essai", SHORT_ARTICLES, "-o"])
        .arg(&opus)
        .assert()
        .success();
    assert_eq!(&fs::read(&opus).unwrap()[..4], b"OggS");
    let manifest = manifest(&opus);
    // The voice's 22.05 kHz is not an Opus rate: the program is made at 24 kHz.
    assert_eq!(manifest["sample_rate"], 24000);
    let probe = ffprobe(&opus);
    let stream = &probe["streams"][0];
    assert_eq!(stream["codec_name"], "opus");
    assert_eq!(stream["tags"]["TITLE"], "Bulletin du mardi 24 novembre 2026");
    assert_eq!(stream["tags"]["DATE"], "2026-11-24");
    assert_eq!(stream["tags"]["ORGANIZATION"], "Radio Essai");
    let bit_rate = seconds(&probe["format"]["bit_rate"]);
    assert!(bit_rate > 16_000.0 && bit_rate < 40_000.0, "{bit_rate}");

    let duration = seconds(&manifest["duration"]);
    let decoded = decoded_seconds(&opus);
    assert!((decoded - duration).abs() < 0.05, "decoded {decoded} s, manifest {duration} s");
    let reported = seconds(&probe["format"]["duration"]);
    assert!((reported - duration).abs() < 0.05, "ffprobe {reported} s, manifest {duration} s");

    // Vorbis chapters carry starts; each runs to the next.
    let articles = manifest["articles"].as_array().unwrap();
    let chapters = probe["chapters"].as_array().unwrap();
    assert_eq!(chapters.len(), articles.len());
    for (chapter, article) in chapters.iter().zip(articles) {
        assert_eq!(chapter["tags"]["title"], article["title"]);
        let (at, expected) = (seconds(&chapter["start_time"]), seconds(&article["start"]));
        assert!((at - expected).abs() < 0.001, "start {at} vs {expected}");
    }
}

#[test]
fn opus_on_stdout_and_a_rate_it_cannot_carry() {
    let output =
        briefing().arg("build").args(["--no-cache", "--encoding", "opus", SHORT_ARTICLES, "-o", "-"]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(&output.stdout[..4], b"OggS");
    let tmp = TempDir::new().unwrap();
    let refused = briefing()
        .arg("build")
        .args(["--no-cache", "--sample-rate", "22050", SHORT_ARTICLES, "-o"])
        .arg(tmp.path().join("b.opus"))
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("opus cannot carry 22050 Hz"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(names(tmp.path()).is_empty(), "{:?}", names(tmp.path()));
}
