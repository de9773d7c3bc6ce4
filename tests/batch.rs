//! Batches over many processes (issue 23), through the binary: `build
//! --each --shard K/N` made by parts equals one run, a re-run keeps what
//! is made, `--warm-cache` in shards then one assembly equals one build,
//! many processes share one cache, and `gather` indexes the folder.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::SystemTime;
use tempfile::TempDir;

mod common;

use common::*;

/// `count` short articles in `dir`/in, each its own sentences.
fn articles(dir: &Path, count: usize) -> PathBuf {
    let folder = dir.join("in");
    fs::create_dir_all(&folder).unwrap();
    for i in 1..=count {
        let text = format!("Titre {i}\n\nVoici la nouvelle numéro {i}. La nouvelle numéro {i} tient en deux phrases.");
        article(&folder, &format!("n{i:02}.txt"), text.as_bytes());
    }
    folder
}

/// Every file in `dir` with its bytes.
fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    names(dir).into_iter().map(|n| (n.clone(), fs::read(dir.join(&n)).unwrap())).collect()
}

fn modified(dir: &Path) -> BTreeMap<String, SystemTime> {
    names(dir).into_iter().map(|n| (n.clone(), fs::metadata(dir.join(&n)).unwrap().modified().unwrap())).collect()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn each(input: &Path, out: &Path, more: &[&str]) -> std::process::Output {
    let output = briefing().args(["build", "--each"]).arg(input).arg("-o").arg(out).args(more).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

#[test]
fn shards_together_make_the_bulletins_of_one_run_and_gather_lists_them() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 6);
    article(&input, "vide.txt", b"");
    let (alone, shared) = (tmp.path().join("alone"), tmp.path().join("shared"));
    each(&input, &alone, &[]);
    let mut made_by = Vec::new();
    for k in 1..=3 {
        let before = if shared.exists() { names(&shared).len() } else { 0 };
        each(&input, &shared, &["--shard", &format!("{k}/3")]);
        made_by.push(names(&shared).len() - before);
    }
    assert_eq!(contents(&shared), contents(&alone), "the same files, byte for byte");
    assert_eq!(made_by, [5, 4, 4], "one in three of n01..n06 and vide (its record), by sorted name");
    let failed: Value = serde_json::from_slice(&fs::read(shared.join("vide.failed")).unwrap()).unwrap();
    assert!(failed["reason"].as_str().unwrap().ends_with("vide.txt: empty article"), "{failed}");

    // The files named in another order on another machine (an empty one
    // named on its own would stop the run): the same part.
    let mut listed: Vec<PathBuf> = names(&input).iter().filter(|n| *n != "vide.txt").map(|n| input.join(n)).collect();
    listed.sort();
    listed.reverse();
    let part = tmp.path().join("part");
    let output =
        briefing().args(["build", "--each", "--shard", "2/3", "-o"]).arg(&part).args(&listed).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(names(&part).len(), 4);
    assert!(names(&part).iter().all(|n| fs::read(part.join(n)).unwrap() == fs::read(shared.join(n)).unwrap()));

    let gathered = briefing().arg("gather").arg(&shared).output().unwrap();
    assert_eq!(gathered.status.code(), Some(1), "an article failed: {}", stderr(&gathered));
    let told = stderr(&gathered);
    assert!(told.starts_with("briefing: 6 bulletins ("), "{told}");
    assert!(told.contains("briefing: failed: ") && told.contains("vide.txt: empty article"), "{told}");
    assert!(told.ends_with("1 article failed\n"), "{told}");
    let index: Value = serde_json::from_slice(&fs::read(shared.join("index.json")).unwrap()).unwrap();
    let audio: Vec<&str> =
        index["bulletins"].as_array().unwrap().iter().map(|b| b["audio"].as_str().unwrap()).collect();
    assert_eq!(audio, ["n01.wav", "n02.wav", "n03.wav", "n04.wav", "n05.wav", "n06.wav"]);
    let bytes: u64 = audio.iter().map(|a| fs::metadata(shared.join(a)).unwrap().len()).sum();
    assert_eq!(index["totals"]["bytes"].as_u64(), Some(bytes));
    assert!(index["totals"]["duration"].as_f64().unwrap() > 6.0);
    assert_eq!(index["failures"][0]["source"].as_str(), Some(input.join("vide.txt").to_str().unwrap()));

    fs::remove_file(shared.join("vide.failed")).unwrap();
    let gathered = briefing().args(["gather", "--json"]).arg(&shared).assert().success();
    let printed: Value = serde_json::from_slice(&gathered.get_output().stdout).unwrap();
    assert_eq!((printed["totals"]["bulletins"].as_u64(), printed["totals"]["failures"].as_u64()), (Some(6), Some(0)));
    assert_eq!(printed, serde_json::from_slice::<Value>(&fs::read(shared.join("index.json")).unwrap()).unwrap());
}

#[test]
fn a_shard_reads_only_the_files_it_takes() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 6);
    article(&input, "b1.json", b"{\"title\": \"Coupe");
    article(&input, "b2.txt", b"Titre latin\n\nUne nouvelle \xe9crite en Latin-1.");
    let feed = r#"[{"title": "Un", "body": "Le premier article."}, {"title": "Deux", "body": "Le deuxième."},
        {"title": "Trois", "body": "Le troisième."}, {"body": "..."}]"#;
    article(&input, "feed.json", feed.as_bytes());
    let (alone, shared) = (tmp.path().join("alone"), tmp.path().join("shared"));
    each(&input, &alone, &[]);
    for name in ["feed.wav", "feed~2.wav", "feed~3.wav", "feed~4.failed", "b1.failed", "b2.wav"] {
        assert!(alone.join(name).is_file(), "{name} in {:?}", names(&alone));
    }
    let again = each(&input, &alone, &[]);
    assert!(stderr(&again).contains("kept 10 bulletins"), "{}", stderr(&again));
    assert!(alone.join("feed~4.failed").is_file(), "an article's record stays when the others of its file are made");

    // By sorted name (b1, b2, feed, n01 ... n06), 1/3 takes b1, n01, n04.
    let first = each(&input, &shared, &["--shard", "1/3"]);
    assert!(stderr(&first).contains("b1.json: invalid JSON"), "{}", stderr(&first));
    let second = each(&input, &shared, &["--shard", "2/3"]);
    assert!(stderr(&second).contains("b2.txt: not valid UTF-8"), "{}", stderr(&second));

    // Every file 3/3 does not take made unreadable as an article: it reads
    // none of them, so it tells nothing of them.
    let theirs = ["b1.json", "b2.txt", "n01.txt", "n02.txt", "n04.txt", "n05.txt"];
    let kept: Vec<(String, Vec<u8>)> =
        theirs.iter().map(|n| (n.to_string(), fs::read(input.join(n)).unwrap())).collect();
    for name in theirs {
        fs::write(input.join(name), if name.ends_with(".json") { &b"{broken"[..] } else { &b""[..] }).unwrap();
    }
    let third = each(&input, &shared, &["--shard", "3/3"]);
    let told = stderr(&third);
    assert!(theirs.iter().all(|name| !told.contains(name)), "{told}");
    assert!(told.contains("feed.json#4: no speakable text"), "its own file's told: {told}");
    kept.iter().for_each(|(name, bytes)| fs::write(input.join(name), bytes).unwrap());
    assert!(contents(&shared) == contents(&alone), "the shards make the files of one run, byte for byte");
}

/// Flags, environment, and the start of the one line told.
type Misuse<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);

#[test]
fn misused_batch_options_exit_2_with_one_line() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 1);
    let out = tmp.path().join("out");
    let cases: [Misuse; 9] = [
        (
            &["--each", "--shard", "0/4"],
            &[],
            "--shard 0/4: K counts from 1 to N (1/4 is the first shard, 4/4 the last)",
        ),
        (&["--each", "--shard", "5/4"], &[], "--shard 5/4: K counts from 1 to N"),
        (&["--each", "--shard", "half"], &[], "--shard \"half\": not K/N (like 1/4) nor auto"),
        (&["--each", "--shard", "auto"], &[], "--shard auto: neither SLURM_ARRAY_TASK_ID"),
        (
            &["--each", "--shard", "auto"],
            &[("SLURM_ARRAY_TASK_ID", "4"), ("SLURM_ARRAY_TASK_MIN", "0"), ("SLURM_ARRAY_TASK_MAX", "3")],
            "--shard auto: inconsistent: SLURM_ARRAY_TASK_ID=4 is not one of 0 to 3",
        ),
        (&["--shard", "1/2"], &[], "--shard shares out the articles of build --each"),
        (&["--warm-cache", "--no-cache"], &[], "--warm-cache fills the sentence cache: drop --no-cache"),
        (&["--warm-cache", "--each"], &[], "--warm-cache fills the cache for one bulletin: drop --each"),
        (&["--force"], &[], "--force makes again the bulletins build --each finds made: it needs --each"),
    ];
    for (flags, vars, expected) in cases {
        let mut command = briefing();
        command.arg("build").args(flags).arg(&input).arg("-o").arg(&out);
        for name in ["SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_MAX", "JOB_COMPLETION_INDEX"] {
            command.env_remove(name);
        }
        let output = command.envs(vars.iter().copied()).output().unwrap();
        let told = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{flags:?}: {told}");
        assert!(told.starts_with(&format!("briefing: error: {expected}")), "{flags:?}: {told}");
        assert_eq!(told.lines().count(), 1, "{flags:?}: {told}");
        assert!(!out.exists(), "{flags:?}: nothing written");
    }
}

#[test]
fn a_rerun_keeps_finished_bulletins_and_makes_again_what_changed() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 3);
    let out = tmp.path().join("out");
    each(&input, &out, &[]);
    let first = modified(&out);

    let again = each(&input, &out, &[]);
    assert_eq!(modified(&out), first, "nothing made again");
    assert!(stderr(&again).contains("briefing: kept 3 bulletins made from the same input and options"));

    // A changed article, and a bulletin lost with its node: those two only.
    article(&input, "n02.txt", "Titre 2\n\nLa nouvelle a changé.".as_bytes());
    fs::remove_file(out.join("n03.wav")).unwrap();
    each(&input, &out, &[]);
    let second = modified(&out);
    let changed: Vec<&String> = second.keys().filter(|n| second[*n] != first[*n]).collect();
    assert_eq!(changed, ["n02.json", "n02.wav", "n03.json", "n03.wav"]);

    // A changed option: all of them; --force: all of them.
    each(&input, &out, &["--volume", "90"]);
    let third = modified(&out);
    assert!(third.keys().all(|n| third[n] != second[n]), "{third:?}");
    each(&input, &out, &["--volume", "90", "--force"]);
    let fourth = modified(&out);
    assert!(fourth.keys().all(|n| fourth[n] != third[n]), "{fourth:?}");
    assert!(leftovers(&out).iter().all(|n| !n.starts_with(".briefing-")), "no staging file left");
}

#[test]
fn a_rerun_makes_again_an_audio_that_is_not_the_one_its_manifest_describes() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 3);
    let out = tmp.path().join("out");
    each(&input, &out, &[]);
    let (first, made) = (modified(&out), contents(&out));

    // Another article's audio under n01's manifest, as two runs publishing
    // without a lock could leave it; n03's audio cut short.
    fs::copy(out.join("n02.wav"), out.join("n01.wav")).unwrap();
    let n03 = &made["n03.wav"];
    fs::write(out.join("n03.wav"), &n03[..n03.len() - 2]).unwrap();
    let second = modified(&out);
    let again = each(&input, &out, &[]);
    assert!(stderr(&again).contains("briefing: kept 1 bulletin made from"), "{}", stderr(&again));
    let third = modified(&out);
    let changed: Vec<&String> = third.keys().filter(|n| third[*n] != second[*n]).collect();
    assert_eq!(changed, ["n01.json", "n01.wav", "n03.json", "n03.wav"]);
    assert_eq!(third["n02.wav"], first["n02.wav"]);
    assert!(contents(&out) == made, "made again as they were");
    let manifest: Value = serde_json::from_slice(&made["n01.json"]).unwrap();
    assert_eq!(manifest["audio_bytes"].as_u64(), Some(made["n01.wav"].len() as u64));
    assert_eq!(manifest["audio_sha256"].as_str().map(str::len), Some(64));
}

/// A library that makes every `flock` fail as a file system without locks
/// does (Lustre mounted without them: ENOSYS), compiled into `dir`.
fn no_locks_shim(dir: &Path) -> PathBuf {
    let cc = needs("cc", "apt-get install gcc (Rust links with it too)");
    let source = "#include <errno.h>\nint flock(int fd, int operation) { (void)fd; (void)operation; errno = ENOSYS; return -1; }\n";
    let source = article(dir, "nolock.c", source.as_bytes());
    let shim = dir.join("nolock.so");
    let status = std::process::Command::new(cc).args(["-shared", "-fPIC", "-o"]).arg(&shim).arg(&source).status();
    assert!(status.unwrap().success(), "cc could not build the shim");
    shim
}

#[test]
fn where_the_file_system_refuses_locks_every_bulletin_is_published_with_one_warning() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 3);
    let (locked, unlocked) = (tmp.path().join("locked"), tmp.path().join("unlocked"));
    each(&input, &locked, &[]);
    let shim = no_locks_shim(tmp.path());
    let output =
        briefing().env("LD_PRELOAD", &shim).args(["build", "--each"]).arg(&input).arg("-o").arg(&unlocked).output();
    let output = output.unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(contents(&unlocked) == contents(&locked), "the same files, byte for byte");
    let told = stderr(&output);
    let warnings: Vec<&str> = told.lines().filter(|l| l.contains("refuses locks")).collect();
    assert_eq!(warnings.len(), 1, "{told}");
    assert!(warnings[0].starts_with(&format!("briefing: warning: {}: ", unlocked.display())), "{told}");
}

/// Builds `input` into `out` with `args`; the JSON summary.
fn summary(input: &Path, out: &Path, args: &[&str]) -> Value {
    let output = briefing().arg("build").arg(input).arg("-o").arg(out).arg("--json").args(args).output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_cache_warmed_in_shards_gives_the_bulletin_of_one_machine() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 3);
    let (alone, assembled) = (tmp.path().join("alone.wav"), tmp.path().join("assembled.wav"));
    let whole = summary(&input, &alone, &["--no-cache"]);
    let cache = tmp.path().join("cache");
    let cached = ["--cache-dir", cache.to_str().unwrap()];
    let mut warmed = 0;
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let part = summary(&input, &assembled, &[&cached[..], &["--warm-cache", "--shard", &shard]].concat());
        assert_eq!(part["synthesized"], part["sentences"], "{shard}: {part}");
        warmed += part["sentences"].as_u64().unwrap();
        assert!(!assembled.exists(), "a warm-up writes no bulletin");
    }
    assert_eq!(Some(warmed), whole["sentences"].as_u64());
    let last = summary(&input, &assembled, &cached);
    assert_eq!((last["cache_hits"].as_u64(), last["synthesized"].as_u64()), (Some(warmed), Some(0)));
    assert!(fs::read(&alone).unwrap() == fs::read(&assembled).unwrap(), "byte-identical");
}

/// The binary as a process to start and not wait for, with its own folders.
fn process() -> std::process::Command {
    let home = briefing();
    let mut command = std::process::Command::new(home.get_program());
    command.envs(home.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))));
    command
}

/// The entries of the cache in `dir`, and any other file in its folders.
fn cache_files(dir: &Path) -> Vec<PathBuf> {
    let folders = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_dir());
    let mut files: Vec<PathBuf> = folders.flat_map(|f| fs::read_dir(f).unwrap().map(|e| e.unwrap().path())).collect();
    files.sort();
    files
}

#[test]
fn processes_filling_one_cache_at_once_agree_and_a_torn_entry_is_made_again() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 2);
    let cache = tmp.path().join("cache");
    let alone = tmp.path().join("alone.wav");
    let whole = summary(&input, &alone, &["--no-cache"]);
    let sentences = whole["sentences"].as_u64().unwrap();
    let writers: Vec<std::process::Child> = (0..4)
        .map(|i| {
            let out = tmp.path().join(format!("w{i}.wav"));
            let mut command = process();
            command.arg("build").arg(&input).arg("-o").arg(&out).args(["--warm-cache", "--quiet", "--cache-dir"]);
            command.arg(&cache).spawn().unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let entries = cache_files(&cache);
    assert!(entries.iter().all(|e| !e.file_name().unwrap().to_string_lossy().starts_with('.')), "{entries:?}");
    assert_eq!(entries.len() as u64, sentences, "one entry a sentence, whoever wrote it");

    // Cut short, as a copy stopped half-way leaves it.
    let torn = &entries[0];
    let bytes = fs::read(torn).unwrap();
    fs::write(torn, &bytes[..bytes.len() / 2]).unwrap();
    let out = tmp.path().join("out.wav");
    let cached = ["--cache-dir", cache.to_str().unwrap()];
    let healed = summary(&input, &out, &cached);
    assert_eq!((healed["cache_hits"].as_u64(), healed["synthesized"].as_u64()), (Some(sentences - 1), Some(1)));
    assert_eq!(fs::read(torn).unwrap(), bytes, "the entry written again whole");
    assert!(fs::read(&out).unwrap() == fs::read(&alone).unwrap());
    let last = summary(&input, &out, &cached);
    assert_eq!(last["synthesized"].as_u64(), Some(0));
}

/// Runs `briefing cache ARGS --json` on `cache` again and again until
/// `running` is cleared (twice at least); what each printed.
fn upkeep(cache: PathBuf, args: &'static [&'static str], running: Arc<AtomicBool>) -> Vec<Value> {
    let mut printed = Vec::new();
    while running.load(Ordering::Relaxed) || printed.len() < 2 {
        let output = process().arg("cache").args(args).arg("--json").arg("--cache-dir").arg(&cache).output().unwrap();
        assert!(output.status.success(), "cache {args:?}: {}", stderr(&output));
        printed.push(serde_json::from_slice(&output.stdout).unwrap());
    }
    printed
}

#[test]
fn builds_stats_and_prunes_at_once_on_one_cache_all_succeed_and_agree() {
    let tmp = TempDir::new().unwrap();
    let input = articles(tmp.path(), 4);
    let (cache, alone) = (tmp.path().join("cache"), tmp.path().join("alone"));
    each(&input, &alone, &["--no-cache"]);
    let running = Arc::new(AtomicBool::new(true));
    let jobs: [&'static [&'static str]; 3] =
        [&["stats"], &["prune", "--max-size", "0"], &["prune", "--max-size", "8K"]];
    let upkeep: Vec<_> = jobs
        .into_iter()
        .map(|args| {
            let (cache, running) = (cache.clone(), Arc::clone(&running));
            std::thread::spawn(move || upkeep(cache, args, running))
        })
        .collect();
    let outs: Vec<PathBuf> = (0..3).map(|i| tmp.path().join(format!("b{i}"))).collect();
    let builders: Vec<std::process::Child> = outs
        .iter()
        .map(|out| {
            let mut command = process();
            command.args(["build", "--each", "--quiet"]).arg(&input).arg("-o").arg(out).arg("--cache-dir").arg(&cache);
            command.stderr(std::process::Stdio::piped()).spawn().unwrap()
        })
        .collect();
    for builder in builders {
        let output = builder.wait_with_output().unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
    }
    running.store(false, Ordering::Relaxed);
    let printed: Vec<Vec<Value>> = upkeep.into_iter().map(|u| u.join().unwrap()).collect();
    for out in &outs {
        assert!(contents(out) == contents(&alone), "{}: the bulletins of a run alone, byte for byte", out.display());
    }
    let removed: u64 = printed[1..].iter().flatten().map(|p| p["removed"]["entries"].as_u64().unwrap()).sum();
    assert!(removed > 0, "entries were pruned while the bulletins were made");

    let on_disk = cache_files(&cache);
    assert!(on_disk.iter().all(|e| !e.file_name().unwrap().to_string_lossy().starts_with('.')), "{on_disk:?}");
    let bytes: u64 = on_disk.iter().map(|e| fs::metadata(e).unwrap().len()).sum();
    let output = process().args(["cache", "stats", "--json", "--cache-dir"]).arg(&cache).output().unwrap();
    let stats: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!((stats["entries"].as_u64(), stats["bytes"].as_u64()), (Some(on_disk.len() as u64), Some(bytes)));
}
