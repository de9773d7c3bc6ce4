//! The Slurm files of deploy/slurm/ submitted to a real scheduler: the
//! one-node cluster `scripts/slurm.sh start` runs on this machine (its
//! slurm.conf named by `SLURM_CONF`, else where the script puts it). Each
//! test fails, naming the script, when sbatch is missing or the cluster's
//! node takes no jobs. The jobs run this build's binary, named to them by
//! `BRIEFING`, over short articles the tests write (the embedded voice).

mod common;

use common::*;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant, SystemTime};
use tempfile::TempDir;

/// Articles in the batch: ten per task of an array of four.
const ARTICLES: usize = 40;
/// The array every test submits: 0-3, one CPU per task, so that two tasks
/// run at once on a two-core machine and the other two wait.
const ARRAY: [&str; 2] = ["--array=0-3", "--cpus-per-task=1"];

/// The tests take the cluster in turn: each needs to know which of its
/// tasks run.
static CLUSTER: Mutex<()> = Mutex::new(());

/// The slurm.conf of a cluster whose node takes jobs, or a panic that says
/// how to start one.
fn cluster() -> PathBuf {
    needs("sbatch", "scripts/slurm.sh start");
    let conf = std::env::var_os("SLURM_CONF")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/briefing-slurm/slurm.conf"));
    assert!(
        conf.is_file(),
        "this test needs a Slurm cluster: run scripts/slurm.sh start ({} is missing)",
        conf.display()
    );
    let sinfo = Command::new(needs("sinfo", "scripts/slurm.sh start"))
        .args(["--noheader", "--format=%T"])
        .env("SLURM_CONF", &conf)
        .output()
        .unwrap();
    let state = String::from_utf8_lossy(&sinfo.stdout).trim().to_owned();
    assert!(
        sinfo.status.success() && ["idle", "mixed", "allocated"].contains(&state.as_str()),
        "this test needs a Slurm cluster: run scripts/slurm.sh start (with SLURM_CONF={}: {} {})",
        conf.display(),
        state,
        String::from_utf8_lossy(&sinfo.stderr)
    );
    conf
}

/// The cluster, when the other tests are done with it, and a batch of
/// articles for it (dropped first: its jobs are cancelled before the next
/// test's turn).
fn turn() -> (MutexGuard<'static, ()>, Batch) {
    let turn = CLUSTER.lock().unwrap_or_else(|e| e.into_inner());
    (turn, Batch::new(cluster(), ARTICLES))
}

/// A folder the jobs share: the articles in `articles`, the cache in
/// `cache`, the outputs in `out`, the jobs' logs at its root.
struct Batch {
    dir: TempDir,
    conf: PathBuf,
    /// The jobs submitted, cancelled when the test ends (harmless if done):
    /// a failed test leaves nothing queued.
    jobs: RefCell<Vec<String>>,
}

impl Drop for Batch {
    fn drop(&mut self) {
        let jobs = self.jobs.take();
        if !jobs.is_empty() {
            let _ = self.slurm("scancel").args(jobs).output();
        }
    }
}

impl Batch {
    /// `count` short articles, each its own sentences (numbers differ), so
    /// that no article finds another's sentences in the cache.
    fn new(conf: PathBuf, count: usize) -> Batch {
        let dir = TempDir::new().unwrap();
        fs::create_dir(dir.path().join("articles")).unwrap();
        for i in 1..=count {
            let text = format!("Séance numéro {i}\n\nLe conseil de la commune {i} a voté {} mesures.\n", i * 7 + 3);
            article(&dir.path().join("articles"), &format!("article-{i:03}.txt"), text.as_bytes());
        }
        Batch { dir, conf, jobs: RefCell::default() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// A Slurm command run from the batch's folder, with what the jobs
    /// need in their environment (sbatch passes it on): the binary, the
    /// folders, and config and cache folders of their own.
    fn slurm(&self, program: &str) -> Command {
        let mut command = Command::new(program);
        command.current_dir(self.dir.path()).env("SLURM_CONF", &self.conf);
        command.env("BRIEFING", env!("CARGO_BIN_EXE_briefing"));
        command.env("BRIEFING_INPUT", "articles").env("BRIEFING_OUTPUT", "out").env("BRIEFING_CACHE", "cache");
        command.env("XDG_CONFIG_HOME", self.path("config")).env("XDG_CACHE_HOME", self.path("xdg-cache"));
        command.env_remove("BRIEFING_BULLETIN").env_remove("BRIEFING_SHARDS");
        command
    }

    /// `deploy/slurm/submit.sh` with the array's options and `extra`:
    /// the ids of the array and of the job chained after it.
    fn submit(&self, extra: impl FnOnce(&mut Command)) -> (String, String) {
        let mut command = self.slurm(&deploy("submit.sh"));
        command.args(ARRAY);
        extra(&mut command);
        let ids = stdout(command.output().unwrap());
        let ids: Vec<&str> = ids.lines().collect();
        assert_eq!(ids.len(), 2, "{ids:?}");
        self.jobs.borrow_mut().extend(ids.iter().map(|id| id.to_string()));
        (ids[0].to_owned(), ids[1].to_owned())
    }

    /// `sbatch` of `deploy/slurm/briefing-array.sbatch` with `options` and
    /// the environment `shards` adds; the job id.
    fn sbatch(&self, options: &[&str], shards: Option<&str>) -> String {
        let mut command = self.slurm("sbatch");
        if let Some(shards) = shards {
            command.env("BRIEFING_SHARDS", shards);
        }
        command.arg("--parsable").args(options).arg(deploy("briefing-array.sbatch"));
        let id = stdout(command.output().unwrap()).trim().to_owned();
        self.jobs.borrow_mut().push(id.clone());
        id
    }

    /// Waits up to five minutes for `job` (every task of an array) to leave
    /// the queue, and gives its state as `scontrol` tells it.
    fn wait(&self, job: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(300);
        loop {
            let queued =
                stdout(self.slurm("squeue").args(["--noheader", "--format=%i", "--jobs", job]).output().unwrap());
            if queued.trim().is_empty() {
                break;
            }
            assert!(Instant::now() < deadline, "job {job} still queued after 300 s:\n{queued}\n{}", self.logs());
            std::thread::sleep(Duration::from_millis(250));
        }
        let shown = stdout(self.slurm("scontrol").args(["--oneliner", "show", "job", job]).output().unwrap());
        let state = shown.split_whitespace().find_map(|field| field.strip_prefix("JobState="));
        state.unwrap_or_else(|| panic!("no JobState in {shown}")).to_owned()
    }

    /// The jobs' logs, to show when a test fails.
    fn logs(&self) -> String {
        let mut logs = String::new();
        for name in names(self.dir.path()).into_iter().filter(|n| n.ends_with(".log")) {
            logs += &format!("== {name}\n{}", fs::read_to_string(self.path(&name)).unwrap_or_default());
        }
        logs
    }

    /// The files of `out`, by name, with their content.
    fn outputs(&self) -> BTreeMap<String, Vec<u8>> {
        contents(&self.path("out"))
    }
}

fn deploy(name: &str) -> String {
    format!("{}/deploy/slurm/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn stdout(output: Output) -> String {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

fn contents(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    names(dir).into_iter().map(|name| (name.clone(), fs::read(dir.join(&name)).unwrap())).collect()
}

/// What one machine makes of the batch's articles with `build --each`, once
/// for all the tests (the articles are the same).
fn local(batch: &Batch) -> &'static BTreeMap<String, Vec<u8>> {
    static LOCAL: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    LOCAL.get_or_init(|| {
        let build = ["build", "-q", "--each", "articles", "-o", "local"];
        briefing().current_dir(batch.dir.path()).args(build).assert().success();
        contents(&batch.path("local"))
    })
}

fn modified(path: &Path) -> SystemTime {
    fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
#[ignore = "needs slurm"]
fn an_array_of_four_makes_what_one_machine_makes_and_gather_reports_the_bad_article() {
    let (_turn, batch) = turn();
    let expected = local(&batch).clone();
    article(&batch.path("articles"), "article-020b.json", b"{\"title\": ");
    let (array, gather) = batch.submit(|_| ());
    assert_eq!(batch.wait(&array), "COMPLETED", "{}", batch.logs());
    assert_eq!(batch.wait(&gather), "FAILED", "gather exits 1: an article failed\n{}", batch.logs());
    let mut made = batch.outputs();
    let index: serde_json::Value = serde_json::from_slice(&made.remove("index.json").unwrap()).unwrap();
    assert!(made.remove("article-020b.failed").is_some(), "{:?}", made.keys());
    assert_eq!(made.len(), expected.len(), "{:?}", made.keys());
    for (name, bytes) in &expected {
        assert!(made.get(name) == Some(bytes), "{name} differs from the local build's\n{}", batch.logs());
    }
    let listed = index["bulletins"].as_array().unwrap();
    assert_eq!(listed.len(), ARTICLES, "{index}");
    let failed = index["failures"].as_array().unwrap();
    assert_eq!(failed.len(), 1, "{index}");
    assert_eq!(failed[0]["source"], "articles/article-020b.json", "{index}");
    let log = fs::read_to_string(batch.path(&format!("briefing-{gather}.log"))).unwrap();
    assert!(log.contains("article-020b.json"), "{log}");
}

#[test]
#[ignore = "needs slurm"]
fn a_cancelled_task_resubmitted_alone_redoes_only_what_it_had_not_published() {
    let (_turn, batch) = turn();
    let expected = local(&batch).clone();
    // Task 2 is shard 3/4: the articles at positions 2, 6, 10... of the list.
    let third: Vec<String> =
        (1..=ARTICLES).filter(|i| (i - 1) % 4 == 2).map(|i| format!("article-{i:03}.wav")).collect();
    let array = batch.sbatch(&ARRAY, None);
    let out = batch.path("out");
    let deadline = Instant::now() + Duration::from_secs(300);
    while !third.iter().any(|name| out.join(name).exists()) {
        assert!(Instant::now() < deadline, "task 2 published nothing in 300 s\n{}", batch.logs());
        std::thread::sleep(Duration::from_millis(20));
    }
    stdout(batch.slurm("scancel").arg(format!("{array}_2")).output().unwrap());
    batch.wait(&array);
    let published: Vec<(&String, SystemTime)> =
        third.iter().filter(|n| out.join(n).exists()).map(|n| (n, modified(&out.join(n)))).collect();
    assert!(published.len() < third.len(), "task 2 finished before it was cancelled: {published:?}");
    let again = batch.sbatch(&["--array=2", ARRAY[1]], Some("4"));
    assert_eq!(batch.wait(&again), "COMPLETED", "{}", batch.logs());
    assert_eq!(batch.outputs(), expected, "{}", batch.logs());
    for (name, time) in published {
        assert_eq!(modified(&out.join(name)), time, "{name} was made again");
    }
}

#[test]
#[ignore = "needs slurm"]
fn a_long_bulletin_warmed_by_four_tasks_is_the_one_machine_makes() {
    let (_turn, batch) = turn();
    let bulletin = batch.path("bulletin.mp3");
    let (array, assembly) = batch.submit(|submit| {
        submit.env("BRIEFING_BULLETIN", &bulletin);
    });
    assert_eq!(batch.wait(&array), "COMPLETED", "{}", batch.logs());
    assert!(!bulletin.exists(), "the tasks only fill the cache");
    assert_eq!(batch.wait(&assembly), "COMPLETED", "{}", batch.logs());
    let log = fs::read_to_string(batch.path(&format!("briefing-{assembly}.log"))).unwrap();
    let (sentences, cached) = cache_counts(&log);
    assert!(sentences >= 2 * ARTICLES && cached == sentences, "the assembly synthesizes nothing: {log}");
    // The same name in another folder, for the manifests to be alike.
    fs::create_dir(batch.path("local")).unwrap();
    let one_machine = batch.path("local/bulletin.mp3");
    let build = ["build", "-q", "--no-cache", "articles", "-o"];
    briefing().current_dir(batch.dir.path()).args(build).arg(&one_machine).assert().success();
    assert!(fs::read(&bulletin).unwrap() == fs::read(&one_machine).unwrap(), "{log}");
    let manifest = |audio: &Path| fs::read(audio.with_extension("json")).unwrap();
    assert_eq!(manifest(&bulletin), manifest(&one_machine));
}

/// The sentences and those found in the cache, as a build's last line tells
/// them ("... 12 sentences, 12 from the cache)").
fn cache_counts(log: &str) -> (usize, usize) {
    let words: Vec<&str> = log.split_whitespace().collect();
    let count = |after: &[&str]| {
        let at = words.windows(after.len() + 1).position(|w| w[1..] == *after);
        let at = at.unwrap_or_else(|| panic!("{after:?} in {log}"));
        words[at].trim_start_matches('(').parse::<usize>().unwrap()
    };
    (count(&["sentences,"]), count(&["from", "the", "cache)"]))
}
