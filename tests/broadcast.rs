//! Broadcast features on the real binary: loudness checked by an independent
//! meter (ffmpeg), resampling, intro and outro, the ducked bed,
//! announcements, one bulletin per article, and streaming to stdout.

use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

mod common;

use common::*;

#[test]
#[ignore = "needs ffmpeg"]
fn a_loudness_out_of_reach_is_told_and_peaks_stay_under_the_limit() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("loud.wav");
    let run = briefing().args(["build", "--loudness", "-6", SHORT_ARTICLES, "-o"]).arg(&out).assert().success();
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("-6 LUFS is out of reach under a true peak of -1 dBTP"), "{stderr}");
    let manifest: Value = serde_json::from_slice(&fs::read(out.with_extension("json")).unwrap()).unwrap();
    let integrated = manifest["loudness"]["integrated"].as_f64().unwrap();
    assert!(integrated < -6.5 && integrated > -20.0, "{integrated}");
    let (measured, true_peak) = ffmpeg_loudness(&out);
    assert!((measured - integrated).abs() <= 0.5, "{measured} LUFS measured, {integrated} in the manifest");
    assert!(true_peak <= -1.0, "true peak {true_peak} dBTP");
}

#[test]
#[ignore = "needs ffmpeg"]
fn loudness_is_on_target_by_an_independent_meter() {
    let tmp = TempDir::new().unwrap();
    let runs = [
        (vec![], -16.0),
        (vec!["--sample-rate", "24000"], -16.0),
        (vec!["--sample-rate", "44100", "--loudness", "-23"], -23.0),
        (vec!["--loudness", "-20", "--sample-rate", "48000"], -20.0),
    ];
    for (args, target) in runs {
        let out = tmp.path().join("b.wav");
        let mut args = args.clone();
        args.push(SHORT_ARTICLES);
        let (_, _, manifest) = build(&args, &out);
        let loudness = &manifest["loudness"];
        assert_eq!(loudness["target"].as_f64(), Some(target));
        assert!((loudness["integrated"].as_f64().unwrap() - target).abs() < 0.2, "{loudness}");
        let (integrated, true_peak) = ffmpeg_loudness(&out);
        assert!((integrated - target).abs() <= 0.5, "{integrated} LUFS for {target}");
        assert!(true_peak <= -1.0, "true peak {true_peak} dBTP");
    }
    let out = tmp.path().join("raw.wav");
    let (_, _, manifest) = build(&["--no-loudness", SHORT_ARTICLES], &out);
    assert!(manifest.get("loudness").is_none());
    let (integrated, _) = ffmpeg_loudness(&out);
    assert!(integrated < -19.0, "left as the voice made it: {integrated}");
}

/// Speech where the manifest says, silence in the pauses between sentences.
fn check_sentences_against_samples(manifest: &Value, samples: &[i16]) {
    let sentences: Vec<&Value> = ["opening", "closing"]
        .iter()
        .filter_map(|k| manifest.get(*k))
        .chain(manifest["articles"].as_array().unwrap())
        .flat_map(|p| p["sentences"].as_array().unwrap())
        .collect();
    let mut spans: Vec<(usize, usize)> =
        sentences.iter().map(|s| (sample(s, "start_sample"), sample(s, "end_sample"))).collect();
    spans.sort();
    for pair in spans.windows(2) {
        let ((start, end), (next, _)) = (pair[0], pair[1]);
        assert!(rms(&samples[start..end]) > 300.0, "speech in {start}..{end}");
        assert!(samples[end..next].iter().all(|&s| s == 0), "silence in {end}..{next}");
    }
}

#[test]
fn sample_rate_is_converted_with_exact_timings_and_soft_joins() {
    let tmp = TempDir::new().unwrap();
    let (_, voice, native) = build(&["--no-loudness", SHORT_ARTICLES], &tmp.path().join("n.wav"));
    let (spec, samples, manifest) =
        build(&["--no-loudness", "--sample-rate", "48000", SHORT_ARTICLES], &tmp.path().join("h.wav"));
    assert_eq!(spec.sample_rate, 48000);
    assert_eq!(manifest["sample_rate"], 48000);
    assert_eq!(sample(&manifest, "samples"), samples.len());
    let ratio = samples.len() as f64 / voice.len() as f64;
    assert!((ratio - 48000.0 / 22050.0).abs() < 1e-3, "{ratio}");
    assert!((manifest["duration"].as_f64().unwrap() - native["duration"].as_f64().unwrap()).abs() < 0.01);
    check_sentences_against_samples(&manifest, &samples);
    // Each sentence fades in and out: no step at a join.
    for sentence in manifest["articles"].as_array().unwrap().iter().flat_map(|a| a["sentences"].as_array().unwrap()) {
        let (start, end) = (sample(sentence, "start_sample"), sample(sentence, "end_sample"));
        assert!(samples[start].abs() < 200 && samples[end - 1].abs() < 200, "{sentence}");
    }
    briefing().args(["build", "--sample-rate", "16000", SHORT_ARTICLES]).assert().failure().code(2);
}

#[test]
fn intro_and_outro_frame_the_bulletin() {
    let tmp = TempDir::new().unwrap();
    let (intro, outro) = (tmp.path().join("intro.wav"), tmp.path().join("outro.wav"));
    tone(&intro, 44100, 2, 1.0, 0.5);
    tone(&outro, 16000, 1, 0.5, 0.5);
    let input = article(tmp.path(), "a.txt", b"Titre\n\nUne phrase. Une autre.");
    let args = ["--no-loudness", "--intro", intro.to_str().unwrap(), "--outro", outro.to_str().unwrap()];
    let (_, samples, manifest) = build(&[&args[..], &[input.to_str().unwrap()]].concat(), &tmp.path().join("b.wav"));
    let span = |v: &Value| (sample(v, "start_sample"), sample(v, "end_sample"));
    assert_eq!(span(&manifest["intro"]), (0, 22050), "one second, at the voice's rate");
    let first = span(&manifest["articles"][0]["sentences"][0]);
    assert_eq!(first.0, 22050 + 11025, "half a second after the intro");
    let (outro_start, outro_end) = span(&manifest["outro"]);
    assert_eq!((outro_end - outro_start, outro_end), (11025, samples.len()));
    assert!(rms(&samples[1000..21000]) > 10000.0, "the intro is heard");
    assert!(rms(&samples[outro_start + 500..outro_end - 500]) > 10000.0, "the outro is heard");
    assert!(samples[0].abs() < 100 && samples[samples.len() - 1].abs() < 100, "faded");
    check_sentences_against_samples(&manifest, &samples);

    let bad = article(tmp.path(), "bad.txt", b"not a wav");
    briefing()
        .args(["build", "--intro"])
        .arg(&bad)
        .arg(&input)
        .arg("-o")
        .arg(tmp.path().join("x.wav"))
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains(format!("{}: not a readable WAV file", bad.display())));
    assert!(!tmp.path().join("x.wav").exists());
}

#[test]
fn announcements_and_a_ducked_bed_open_the_bulletin() {
    let tmp = TempDir::new().unwrap();
    let bed = tmp.path().join("bed.wav");
    tone(&bed, 22050, 1, 30.0, 0.5);
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    article(&dir, "a.txt", "Grève à la SNCF\n\nLes trains sont à l'arrêt.".as_bytes());
    article(&dir, "b.txt", "Le budget adopté\n\nLe vote a eu lieu hier.".as_bytes());
    let out = tmp.path().join("b.wav");
    let args = ["--no-loudness", "--announce", "--date", "2026-11-24T14:00", "--bed", bed.to_str().unwrap()];
    // One build for the audio, the manifest and the subtitles.
    let (_, samples, manifest) = build(&[&args[..], &["--subtitles", "vtt", dir.to_str().unwrap()]].concat(), &out);

    let said = |part: &Value| -> Vec<String> {
        part["sentences"].as_array().unwrap().iter().map(|s| s["spoken"].as_str().unwrap().to_owned()).collect()
    };
    assert_eq!(
        said(&manifest["opening"]),
        [
            "Bulletin du mardi vingt-quatre novembre deux mille vingt-six.",
            "Au sommaire : Grève à la S N C F.",
            "Le budget adopté."
        ]
    );
    assert_eq!(
        said(&manifest["closing"]),
        ["C'était votre bulletin du mardi vingt-quatre novembre deux mille vingt-six."]
    );
    assert_eq!(manifest["articles"][0]["sentences"][0]["kind"], "title");

    // The bed alone first, ducked 18 dB under the voice, gone after the opening.
    let opening = &manifest["opening"]["sentences"];
    let voice_start = sample(&opening[0], "start_sample");
    assert_eq!(voice_start, 2 * 22050, "two seconds of bed before the voice");
    let lead = rms(&samples[2000..20000]);
    assert!(lead > 10000.0, "{lead}");
    let gap = (sample(&opening[0], "end_sample") + 100, sample(&opening[1], "start_sample") - 100);
    let ducked = rms(&samples[gap.0..gap.1]) / lead;
    assert!((ducked - 10f64.powf(-18.0 / 20.0)).abs() < 0.02, "ducked to {ducked}");
    let first_article = &manifest["articles"][0]["sentences"];
    let later = (sample(&first_article[0], "end_sample"), sample(&first_article[1], "start_sample"));
    assert!(samples[later.0..later.1].iter().all(|&s| s == 0), "the bed has ended");

    // Subtitles carry the announcements too.
    let text = fs::read_to_string(out.with_extension("vtt")).unwrap();
    assert!(text.contains("Bulletin du mardi 24 novembre 2026."), "{text}");

    briefing()
        .args(["build", "--bed"])
        .arg(&bed)
        .arg(&dir)
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("add --announce"));
}

#[test]
fn announcement_templates_come_from_the_config_file() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Grève\n\nTexte.".as_bytes());
    let config = tmp.path().join("briefing.toml");
    let templates =
        "[build]\nannounce = true\ndate = \"2026-10-01T09:05\"\nopening-template = \"Journal de {time}.\"\n\
                     summary-template = \"\"\ntitle-template = \"À la une : {title}\"\nclosing-template = \"\"\n";
    fs::write(&config, templates).unwrap();
    let out = tmp.path().join("b.wav");
    briefing().current_dir(tmp.path()).arg("build").arg(&input).arg("-o").arg(&out).assert().success();
    let manifest: Value = serde_json::from_slice(&fs::read(out.with_extension("json")).unwrap()).unwrap();
    assert_eq!(manifest["opening"]["sentences"][0]["spoken"], "Journal de neuf heures cinq.");
    assert_eq!(manifest["articles"][0]["sentences"][0]["text"], "À la une : Grève");
    assert!(manifest.get("closing").is_none());

    fs::write(&config, "[build]\nannounce = true\nclosing-template = \"Fin du {jour}.\"\n").unwrap();
    briefing()
        .current_dir(tmp.path())
        .arg("build")
        .arg(&input)
        .assert()
        .failure()
        .code(2)
        .stderr("briefing: error: closing template: unknown placeholder {jour} (it may use {date}, {time})\n");
}

#[test]
fn each_article_gets_its_own_bulletin() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path().join("in");
    fs::create_dir(&dir).unwrap();
    article(&dir, "grève.txt", "Grève\n\nLes trains sont à l'arrêt.".as_bytes());
    article(&dir, "budget.md", "# Budget\n\nLe vote a eu lieu.".as_bytes());
    let out = tmp.path().join("out");
    let output =
        briefing().args(["build", "--each", "--json", "--jobs", "2"]).arg(&dir).arg("-o").arg(&out).assert().success();
    let summary: Value = serde_json::from_slice(&output.get_output().stdout).unwrap();
    let mut files = names(&out);
    files.sort();
    assert_eq!(files, ["budget.json", "budget.wav", "grève.json", "grève.wav"]);
    assert_eq!(summary["files"].as_array().unwrap().len(), 4);
    assert_eq!(summary["articles"], 2);

    // The same bytes as a bulletin of that article alone.
    let alone = tmp.path().join("alone.wav");
    briefing().arg("build").arg(dir.join("budget.md")).arg("-o").arg(&alone).assert().success();
    assert!(fs::read(&alone).unwrap() == fs::read(out.join("budget.wav")).unwrap());
    let manifest: Value = serde_json::from_slice(&fs::read(out.join("grève.json")).unwrap()).unwrap();
    assert_eq!(manifest["audio"], "grève.wav");
    assert_eq!(manifest["articles"].as_array().unwrap().len(), 1);
}

#[test]
fn stdout_stream_equals_the_file() {
    let tmp = TempDir::new().unwrap();
    let file = tmp.path().join("b.wav");
    build(&["--sample-rate", "24000", SHORT_ARTICLES], &file);
    let streamed = briefing().args(["build", "--sample-rate", "24000", SHORT_ARTICLES, "-o", "-"]).assert().success();
    assert!(streamed.get_output().stdout == fs::read(&file).unwrap(), "the same bytes, chapters included");
    for conflict in [["--each"], ["--json"], ["--subtitles=srt"]] {
        briefing()
            .args(["build", SHORT_ARTICLES, "-o", "-"])
            .args(conflict)
            .assert()
            .failure()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("-o -"));
    }
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    use std::io::Read;
    let tmp = TempDir::new().unwrap();
    let input =
        article(tmp.path(), "a.txt", "Titre\n\nUne phrase assez longue pour remplir le tuyau. Une autre.".as_bytes());
    let mut child = std::process::Command::new(briefing().get_program())
        .args(["build", "--no-loudness", "--no-cache", input.to_str().unwrap(), "-o", "-"])
        .envs(briefing().get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 100];
    child.stdout.take().unwrap().read_exact(&mut head).unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(&head[..4], b"RIFF");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(!stderr.contains("Broken pipe"), "{stderr}");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_output_is_one_clear_error() {
    // Linux's always-full device: writing the samples fails past the header.
    let full = fs::File::options().write(true).open("/dev/full").unwrap();
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nUne phrase. Une autre.".as_bytes());
    let output = std::process::Command::new(briefing().get_program())
        .args(["build", "--no-cache", input.to_str().unwrap(), "-o", "-"])
        .envs(briefing().get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().collect::<Vec<_>>(), ["briefing: error: stdout: cannot write: No space left on device"]);
}

#[test]
fn a_failure_to_publish_leaves_every_previous_output_as_it_was() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nUne phrase.".as_bytes());
    let out = tmp.path().join("b.wav");
    fs::write(&out, b"previous bulletin").unwrap();
    fs::create_dir(tmp.path().join("b.json")).unwrap();
    briefing()
        .args(["build", "--no-loudness", input.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("b.json: cannot write: is a folder"));
    assert_eq!(fs::read(&out).unwrap(), b"previous bulletin");
    let mut left = leftovers(tmp.path());
    left.sort();
    assert_eq!(left, ["b.json", "b.wav"], "no staging file left");

    fs::remove_dir(tmp.path().join("b.json")).unwrap();
    fs::write(tmp.path().join("b.json"), b"previous manifest").unwrap();
    fs::create_dir(tmp.path().join("b.srt")).unwrap();
    briefing()
        .args(["build", "--no-loudness", "--subtitles", "srt", input.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(1);
    assert_eq!(fs::read(&out).unwrap(), b"previous bulletin");
    assert_eq!(fs::read(tmp.path().join("b.json")).unwrap(), b"previous manifest");
}

#[test]
fn staging_files_a_killed_run_left_are_cleaned_after_a_day() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nUne phrase.".as_bytes());
    let (old, fresh) = (tmp.path().join(".briefing-old.part"), tmp.path().join(".briefing-running.part"));
    fs::write(&old, b"half").unwrap();
    fs::write(&fresh, b"half").unwrap();
    let two_days_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(48 * 3600);
    fs::File::options().write(true).open(&old).unwrap().set_modified(two_days_ago).unwrap();
    build(&["--no-loudness", input.to_str().unwrap()], &tmp.path().join("b.wav"));
    assert!(!old.exists(), "stale staging file removed");
    assert!(fresh.exists(), "another run's staging file kept");
}

#[test]
fn an_unwritable_output_is_told_before_any_synthesis() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nUne phrase.".as_bytes());
    // The output is checked before the voice is even opened.
    briefing()
        .args(["build", "--voice", "missing.onnx", input.to_str().unwrap(), "-o", "/proc/briefing/b.wav"])
        .assert()
        .code(1)
        .stderr(predicate::str::starts_with("briefing: error: /proc/briefing"));
    fs::create_dir(tmp.path().join("b.json")).unwrap();
    let out = tmp.path().join("b.wav");
    briefing()
        .args(["build", "--voice", "missing.onnx", input.to_str().unwrap(), "-o", out.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("b.json: cannot write: is a folder"));
}

#[test]
fn jobs_are_bounded() {
    briefing()
        .args(["build", "--jobs", "100000", SHORT_ARTICLES])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("100000 is not in 0..=256"));
}

/// Whether `folder` holds a file this program stages.
fn has_staging(folder: &Path) -> bool {
    names(folder).iter().any(|n| n.starts_with(".briefing-"))
}

/// A bulletin being written: not the probe that checks the folder first.
fn is_writing(file: &Path) -> bool {
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    name.starts_with(".briefing-") && name.ends_with(".part")
}

#[test]
fn an_interrupted_run_leaves_no_staging_file() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("b.wav");
    let home = briefing();
    // Interrupted as soon as the file system tells that the bulletin is
    // being written: retried if the write was over before the signal came.
    // The longer articles at the highest rate, for a write long enough to
    // be caught on a busy machine.
    for _ in 0..20 {
        let child = std::process::Command::new(home.get_program())
            .args(["build", "--no-cache", "-q", "--sample-rate", "48000", ARTICLES, "-o", out.to_str().unwrap()])
            .envs(home.get_envs().filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned()))))
            .spawn()
            .unwrap();
        let (mut seen, mut interrupted) = (false, false);
        watch_run(child, tmp.path(), |happened, id| match happened {
            Happened::Created(path) if !seen && is_writing(path) => {
                std::process::Command::new("kill").args(["-INT", &id.to_string()]).status().unwrap();
                seen = true;
            }
            Happened::Ended(status) => interrupted = seen && status.code() == Some(130),
            Happened::Created(_) => {}
        });
        if interrupted {
            assert!(!has_staging(tmp.path()), "{:?}", names(tmp.path()));
            assert!(!out.exists(), "nothing published");
            return;
        }
        let _ = fs::remove_file(&out);
        let _ = fs::remove_file(out.with_extension("json"));
    }
    panic!("the run was never interrupted while writing");
}
