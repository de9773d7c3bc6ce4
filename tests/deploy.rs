//! The scheduler files in deploy/ (issue 23): the Kubernetes indexed Job
//! is read and its contract with the binary (JOB_COMPLETION_INDEX,
//! BRIEFING_SHARDS, `--shard auto`) run: its pods together make every
//! bulletin once; kubectl decodes it, offline, as the cluster would.

use serde_yaml::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

mod common;

use common::*;

const JOB: &str = "deploy/kubernetes/briefing-indexed-job.yaml";

fn job() -> Value {
    serde_yaml::from_str(&fs::read_to_string(JOB).unwrap()).unwrap()
}

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_else(|| panic!("not a string: {value:?}"))
}

/// The one container's argument list, and the value of each variable it sets.
fn container(job: &Value) -> (Vec<String>, Vec<(String, String)>) {
    let containers = job["spec"]["template"]["spec"]["containers"].as_sequence().unwrap();
    assert_eq!(containers.len(), 1);
    let args = containers[0]["args"].as_sequence().unwrap().iter().map(|a| text(a).to_owned()).collect();
    let env = containers[0]["env"].as_sequence().unwrap();
    let env = env.iter().map(|v| (text(&v["name"]).to_owned(), text(&v["value"]).to_owned())).collect();
    (args, env)
}

fn after<'a>(args: &'a [String], flag: &str) -> &'a str {
    let at = args.iter().position(|a| a == flag).unwrap_or_else(|| panic!("{flag} in {args:?}"));
    &args[at + 1]
}

#[test]
fn the_indexed_job_shares_one_volume_and_has_as_many_shards_as_completions() {
    let job = job();
    let spec = &job["spec"];
    assert_eq!((text(&job["apiVersion"]), text(&job["kind"])), ("batch/v1", "Job"));
    assert_eq!(text(&spec["completionMode"]), "Indexed");
    let completions = spec["completions"].as_u64().unwrap();
    assert!(completions > 1 && spec["parallelism"].as_u64().unwrap() <= completions);
    let pod = &spec["template"]["spec"];
    assert_eq!(text(&pod["restartPolicy"]), "Never");
    let (args, env) = container(&job);
    assert_eq!(&args[..4], ["build", "--each", "--shard", "auto"]);
    assert!(env.contains(&("BRIEFING_SHARDS".into(), completions.to_string())), "{env:?}");

    let resources = &pod["containers"][0]["resources"]["requests"];
    assert_eq!(after(&args, "--jobs"), text(&resources["cpu"]), "one synthesis thread per requested core");
    assert!(resources["memory"].as_str().is_some());
    let mount = &pod["containers"][0]["volumeMounts"][0];
    let volume = &pod["volumes"][0];
    assert_eq!(mount["name"], volume["name"]);
    assert!(volume["persistentVolumeClaim"]["claimName"].as_str().is_some());
    let shared = Path::new(text(&mount["mountPath"]));
    let input = Path::new(args.last().unwrap());
    for path in [input, Path::new(after(&args, "-o")), Path::new(after(&args, "--cache-dir"))] {
        assert!(path.starts_with(shared), "{} on the shared volume", path.display());
    }
    let data = env.iter().find(|(name, _)| name == "XDG_DATA_HOME").map(|(_, v)| Path::new(v)).unwrap();
    assert!(data.starts_with(shared), "voices installed once, on the shared volume");
}

/// `args` with the shared volume's paths moved under `root`.
fn moved(args: &[String], shared: &str, root: &Path) -> Vec<PathBuf> {
    let under = |a: &String| a.strip_prefix(shared).map(|rest| root.join(rest.trim_start_matches('/')));
    args.iter().map(|a| under(a).unwrap_or_else(|| PathBuf::from(a))).collect()
}

#[test]
fn the_pods_of_the_job_make_every_bulletin_once() {
    let job = job();
    let (args, env) = container(&job);
    let shards: usize = env.iter().find(|(n, _)| n == "BRIEFING_SHARDS").unwrap().1.parse().unwrap();
    let shared = text(&job["spec"]["template"]["spec"]["containers"][0]["volumeMounts"][0]["mountPath"]).to_owned();
    let tmp = TempDir::new().unwrap();
    let input = tmp.path().join("input");
    fs::create_dir_all(&input).unwrap();
    let count = shards + 2;
    for i in 0..count {
        article(&input, &format!("a{i:02}.txt"), format!("Titre {i}\n\nLa dépêche numéro {i}.").as_bytes());
    }
    for index in 0..shards {
        let mut pod = briefing();
        pod.args(moved(&args, &shared, tmp.path())).envs(env.iter().map(|(n, v)| (n, v)));
        pod.env("XDG_DATA_HOME", tmp.path().join("data")).env("JOB_COMPLETION_INDEX", index.to_string());
        let output = pod.env_remove("SLURM_ARRAY_TASK_ID").output().unwrap();
        let told = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "pod {index}: {told}");
        let said = format!(
            "briefing: shard {}/{shards} from JOB_COMPLETION_INDEX={index}, BRIEFING_SHARDS={shards}\n",
            index + 1
        );
        assert_eq!(told, said, "pod {index}: the line that says which shard, and nothing else (--quiet)");
    }
    let out = tmp.path().join("output");
    let mut made = names(&out);
    made.sort();
    let expected: Vec<String> = (0..count).flat_map(|i| [format!("a{i:02}.json"), format!("a{i:02}.wav")]).collect();
    assert_eq!(made, expected);
    briefing().arg("gather").arg(&out).assert().success();
}

#[test]
#[ignore = "needs kubectl"]
fn kubectl_decodes_the_job_offline() {
    let kubectl = needs("kubectl", "scripts/install-kubectl.sh");
    // A client-side dry run that needs no cluster: kubectl decodes the
    // file into its own Job type (a mistyped field fails) and prints it.
    let home = TempDir::new().unwrap();
    let output = std::process::Command::new(kubectl)
        .args(["set", "env", "--local", "--dry-run=client", "-o", "json", "-f", JOB, "BRIEFING_CHECKED=1"])
        .env("HOME", home.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let decoded: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let job = job();
    assert_eq!(decoded["kind"], "Job");
    assert_eq!(decoded["spec"]["completions"].as_u64(), job["spec"]["completions"].as_u64());
    assert_eq!(decoded["spec"]["parallelism"].as_u64(), job["spec"]["parallelism"].as_u64());
    let decoded_container = &decoded["spec"]["template"]["spec"]["containers"][0];
    let args: Vec<&str> = decoded_container["args"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    assert_eq!(args, container(&job).0);
    let env = decoded_container["env"].as_array().unwrap();
    assert!(env.iter().any(|v| v["name"] == "BRIEFING_SHARDS"), "{env:?}");
    assert_eq!(decoded_container["resources"]["requests"]["cpu"], "2");
}
