//! The sentence cache through the binary: a damaged entry heals itself, a
//! general folder given as the cache loses nothing of its own, `briefing
//! cache stats` and `prune`, and interruptions leave no staging file.

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tempfile::TempDir;

mod common;

use common::*;

/// The entries of the cache in `dir`: files in its two-hex-digit folders.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for folder in fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir()) {
        found.extend(fs::read_dir(folder).unwrap().map(|e| e.unwrap().path()));
    }
    found.sort();
    found
}

/// Builds `input` with `args`; the summary and stderr.
fn build_json(args: &[&str], input: &Path, out: &Path) -> (Value, String) {
    let assert = briefing().arg("build").args(args).arg("--json").arg(input).arg("-o").arg(out).assert().success();
    let output = assert.get_output();
    (serde_json::from_slice(&output.stdout).unwrap(), String::from_utf8(output.stderr.clone()).unwrap())
}

fn hits_and_made(summary: &Value) -> (u64, u64) {
    (summary["cache_hits"].as_u64().unwrap(), summary["synthesized"].as_u64().unwrap())
}

#[test]
fn a_damaged_cache_entry_heals_itself() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Le titre\n\nUne phrase. Une autre phrase.".as_bytes());
    let cache = tmp.path().join("cache");
    let cached = ["--cache-dir", cache.to_str().unwrap()];
    let (clean, first, out) = (tmp.path().join("clean.wav"), tmp.path().join("1.wav"), tmp.path().join("2.wav"));
    build_json(&["--no-cache"], &input, &clean);
    let (summary, _) = build_json(&cached, &input, &first);
    assert_eq!(hits_and_made(&summary), (0, 3));

    // One byte of one entry's samples (its last byte) flipped.
    let damaged = entries(&cache).remove(0);
    let mut bytes = fs::read(&damaged).unwrap();
    *bytes.last_mut().unwrap() ^= 0x10;
    fs::write(&damaged, &bytes).unwrap();

    let (summary, stderr) = build_json(&cached, &input, &out);
    assert_eq!(hits_and_made(&summary), (2, 1), "the damaged sentence made again");
    let expected =
        format!("briefing: warning: the sentence cache entry {} was damaged: made again\n", damaged.display());
    assert_eq!(stderr, expected, "one warning, naming the entry");
    assert!(fs::read(&out).unwrap() == fs::read(&clean).unwrap(), "the bytes of a build without the cache");

    let (summary, stderr) = build_json(&cached, &input, &out);
    assert_eq!(hits_and_made(&summary), (3, 0), "the entry was replaced");
    assert_eq!(stderr, "", "no warning once healed");
    assert!(fs::read(&out).unwrap() == fs::read(&clean).unwrap());
}

/// Sets when `path` (a file or a folder) was last modified.
fn age(path: &Path, ago: Duration) {
    let file = fs::File::options().read(true).open(path).unwrap();
    file.set_modified(SystemTime::now() - ago).unwrap();
}

const DAY: Duration = Duration::from_secs(24 * 3600);

#[test]
fn a_general_folder_as_the_cache_loses_nothing_of_its_own() {
    let tmp = TempDir::new().unwrap();
    let general = tmp.path().join("general");
    let theirs: Vec<PathBuf> = ["", "ab", "ab/.tmpdir", ".tmpdir"].iter().map(|d| general.join(d)).collect();
    theirs.iter().for_each(|d| fs::create_dir_all(d).unwrap());
    let mut files: Vec<PathBuf> =
        [".tmp1", "ab/.tmp2", "ab/notes.txt", ".tmpdir/inside"].iter().map(|f| general.join(f)).collect();
    files.iter().for_each(|f| fs::write(f, b"theirs").unwrap());
    files.extend(theirs.into_iter().skip(1));
    files.iter().for_each(|p| age(p, 10 * DAY));

    let input = article(tmp.path(), "a.txt", "Le titre\n\nUne phrase.".as_bytes());
    let cached = ["--cache-dir", general.to_str().unwrap()];
    build_json(&cached, &input, &tmp.path().join("1.wav"));
    briefing().args(["cache", "prune", "--older-than", "1"]).args(cached).assert().success();
    let pruned = briefing().args(["cache", "prune", "--max-size", "0", "--json"]).args(cached).assert().success();
    let pruned: Value = serde_json::from_slice(&pruned.get_output().stdout).unwrap();
    assert_eq!(pruned["removed"]["entries"], 2, "{pruned}");
    assert_eq!(pruned["left"]["entries"], 0, "{pruned}");

    let missing: Vec<&PathBuf> = files.iter().filter(|p| !p.exists()).collect();
    assert!(missing.is_empty(), "removed: {missing:?}");
    assert!(!general.join("CACHEDIR.TAG").exists(), "a folder the cache did not make is not marked");
}

fn stats(args: &[&str]) -> Value {
    let assert = briefing().args(["cache", "stats", "--json"]).args(args).assert().success();
    serde_json::from_slice(&assert.get_output().stdout).unwrap()
}

#[test]
fn cache_stats_and_prune() {
    let tmp = TempDir::new().unwrap();
    let cache = tmp.path().join("cache");
    let cached = ["--cache-dir", cache.to_str().unwrap()];
    let input = article(tmp.path(), "a.txt", "Le titre\n\nUne phrase. Une autre phrase.".as_bytes());
    build_json(&cached, &input, &tmp.path().join("1.wav"));
    let all = entries(&cache);
    let bytes: u64 = all.iter().map(|e| fs::metadata(e).unwrap().len()).sum();
    age(&all[0], 40 * DAY);

    let before = stats(&cached);
    assert_eq!((before["folder"].as_str(), before["entries"].as_u64()), (cache.to_str(), Some(3)));
    assert_eq!(before["bytes"], bytes);
    assert!(before["oldest_use"].as_str().unwrap() < before["newest_use"].as_str().unwrap(), "{before}");
    let text = briefing().args(["cache", "stats"]).args(cached).assert().success();
    let text = String::from_utf8(text.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with(&format!("folder   {}\nentries  3\nsize     ", cache.display())), "{text}");

    briefing().args(["cache", "prune"]).args(cached).assert().code(2);
    briefing().args(["cache", "prune", "--max-size", "5X"]).args(cached).assert().code(2);
    let pruned = briefing().args(["cache", "prune", "--older-than", "30"]).args(cached).assert().success();
    let said = String::from_utf8(pruned.get_output().stderr.clone()).unwrap();
    assert!(said.starts_with(&format!("briefing: removed from {}: 1 entries", cache.display())), "{said}");
    assert!(!all[0].exists() && all[1..].iter().all(|e| e.exists()), "the entry unused for 40 days only");

    // The config file's folder, as build takes it; the flag wins.
    let config = tmp.path().join("briefing.toml");
    fs::write(&config, format!("cache-dir = {:?}\n", cache.to_str().unwrap())).unwrap();
    let configured = stats(&["--config", config.to_str().unwrap()]);
    assert_eq!((configured["folder"].as_str(), configured["entries"].as_u64()), (cache.to_str(), Some(2)));
    let elsewhere = tmp.path().join("none");
    let flagged = stats(&["--config", config.to_str().unwrap(), "--cache-dir", elsewhere.to_str().unwrap()]);
    assert_eq!((flagged["entries"].as_u64(), flagged["oldest_use"].as_str()), (Some(0), None));
}

/// Staging files (ours and the voice data's) anywhere under `dir`.
fn staging_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in fs::read_dir(dir).unwrap().map(|e| e.unwrap()) {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".briefing-") || name.starts_with(".extract-") {
            found.push(entry.path());
        } else if entry.file_type().unwrap().is_dir() {
            found.extend(staging_under(&entry.path()));
        }
    }
    found
}

#[test]
fn interruptions_leave_no_staging_file() {
    const RUNS: u32 = 25;
    let tmp = TempDir::new().unwrap();
    // Many short sentences on many threads: cache entries staged all the
    // time, from several threads at once.
    let text: String = (1..=120).map(|n| format!("Phrase {n}. ")).collect();
    let input = article(tmp.path(), "a.txt", format!("Titre\n\n{text}").as_bytes());
    let home = briefing();
    let spawn = |i: u32| {
        let out = tmp.path().join(format!("out-{i}/b.wav"));
        let cache = tmp.path().join(format!("cache-{i}"));
        std::process::Command::new(home.get_program())
            .args(["build", "-q", "--jobs", "8", input.to_str().unwrap(), "-o", out.to_str().unwrap()])
            .args(["--cache-dir", cache.to_str().unwrap()])
            .envs(home.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
            .spawn()
            .unwrap()
    };
    // A whole run first (the voice data extracted), for how long one takes.
    let started = std::time::Instant::now();
    assert!(spawn(RUNS).wait().unwrap().success());
    let whole = started.elapsed();
    let mut interrupted = 0;
    for i in 0..RUNS {
        let mut child = spawn(i);
        std::thread::sleep(whole * i / RUNS);
        std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
        let status = child.wait().unwrap();
        // Done, interrupted, or (signalled before the handler was set)
        // ended by the signal itself.
        interrupted += u32::from(status.code() == Some(130));
        assert!(matches!(status.code(), Some(0 | 130) | None), "run {i}: {status}");
    }
    assert!(interrupted >= RUNS / 2, "only {interrupted} of {RUNS} runs interrupted");
    let xdg: Vec<PathBuf> = home.get_envs().filter_map(|(_, v)| Some(PathBuf::from(v?))).collect();
    let left: Vec<PathBuf> =
        std::iter::once(tmp.path()).chain(xdg.iter().map(PathBuf::as_path)).flat_map(staging_under).collect();
    assert!(left.is_empty(), "staging files left: {left:?}");
}
