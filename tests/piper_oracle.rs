//! The French Piper path against the reference implementation, Python
//! `piper-tts` (installed by scripts/install-piper-tts.sh, its python in
//! `BRIEFING_PIPER_PYTHON`), on the sentences of tests/corpus/piper/.
//!
//! The voice is the English test voice (scripts/fetch-test-voice.sh) with
//! its config's espeak voice set to `fr`, in a folder of the test's own:
//! that is enough, since the phoneme ids depend only on the espeak voice and
//! the config's phoneme map, and the samples only on the ids, the scales and
//! the model, whatever language it was trained on. A multi-speaker voice is
//! made by scripts/make-tiny-piper-model.py. Both implementations run with
//! noise off, so that their samples can be compared.
//!
//! Ignored by a plain `cargo test`; run by `cargo test -- --include-ignored`
//! (as CI does), failing without piper-tts, the voice or ONNX Runtime.

use briefing::{PiperOptions, PiperSpeech, VoiceOptions};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use tempfile::TempDir;

mod common;

/// Share of sentences whose ids must be those of piper-tts, as issue 20
/// asks, without the sentences our lexicon changes (see `compare`):
/// measured 96.8 % (394 of 407) before the lexicon, the rest listed in
/// differences.tsv: the espeak-ng crate's own stresses and liaisons (9),
/// an English name (1), and 3 where our French is the right one.
const IDENTICAL_IDS: f64 = 0.95;
/// Largest RMS difference between our samples and piper-tts's.
const SAMPLES_RMS: f64 = 1e-4;
/// One sentence in this many, of those with identical ids, is spoken by the
/// test voice on both sides (a real voice takes about a second a sentence on
/// each side); the tiny multi-speaker voice speaks them all.
const SPOKEN_ONE_IN: usize = 10;

/// Runs piper-tts on the sentences given as JSON on stdin: prints, per
/// sentence, the phoneme ids of each of its sentences as piper-tts splits
/// them, and, with an output folder, writes the samples of each (noise off,
/// not normalized: the model's own output) as `N-K.f32`, for the sentences
/// whose numbers are listed.
const REFERENCE: &str = r#"
import json, sys
import numpy as np
from piper import PiperVoice
from piper.config import SynthesisConfig

model, out_dir, speaker, spoken = sys.argv[1:5]
voice = PiperVoice.load(model)
quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0, normalize_audio=False,
                        speaker_id=None if speaker == "-" else int(speaker))
spoken = {int(n) for n in spoken.split(",") if n}
found = []
for n, sentence in enumerate(json.load(sys.stdin)):
    ids = [voice.phonemes_to_ids(p) for p in voice.phonemize(sentence) if p]
    for k, part in enumerate(ids if n in spoken else []):
        audio = np.asarray(voice.phoneme_ids_to_audio(part, quiet), dtype="<f4")
        audio.tofile(f"{out_dir}/{n}-{k}.f32")
    found.append(ids)
json.dump(found, sys.stdout)
"#;

fn cache() -> PathBuf {
    std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache"))
        .join("briefing")
}

/// An input of the test: the variable's path, else the install script's;
/// the test fails without it.
fn tool(variable: &str, default: &str, script: &str) -> PathBuf {
    let path = std::env::var_os(variable).map(PathBuf::from).unwrap_or_else(|| cache().join(default));
    assert!(path.is_file(), "this test needs {} ({variable}): run {script}", path.display());
    path
}

struct Tools {
    python: PathBuf,
    voice: PathBuf,
    runtime: PathBuf,
}

fn tools() -> Tools {
    Tools {
        python: tool("BRIEFING_PIPER_PYTHON", "piper-tts/bin/python", "scripts/install-piper-tts.sh"),
        voice: tool("BRIEFING_TEST_VOICE", "voices/en_US-joe-medium.onnx", "scripts/fetch-test-voice.sh"),
        runtime: tool("ORT_DYLIB_PATH", "onnxruntime/libonnxruntime.so", "scripts/fetch-onnxruntime.sh"),
    }
}

/// The corpus: one sentence a line, `#` lines are headings.
fn corpus() -> Vec<String> {
    let mut files: Vec<PathBuf> = fs::read_dir("tests/corpus/piper")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let text: String = files.iter().map(|f| fs::read_to_string(f).unwrap()).collect();
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(str::to_owned).collect()
}

/// The sentences where our ids are not piper-tts's, each with its kind
/// and reason (`sentence<TAB>kind<TAB>why`): every difference must be
/// explained there.
fn known_differences() -> BTreeMap<String, String> {
    let text = fs::read_to_string("tests/corpus/piper/differences.tsv").unwrap();
    let entry = |l: &str| {
        let fields: Vec<&str> = l.split('\t').collect();
        assert!(fields.len() == 3 && ["crate", "shield", "better"].contains(&fields[1]), "differences.tsv: {l}");
        (fields[0].to_owned(), format!("{}: {}", fields[1], fields[2]))
    };
    text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).map(entry).collect()
}

/// `model` as a voice of the test's folder, its config edited by `edit`.
fn voice_copy(model: &Path, dir: &Path, edit: impl FnOnce(&mut Value)) -> PathBuf {
    let copy = dir.join("voice.onnx");
    std::os::unix::fs::symlink(model, &copy).unwrap();
    let mut config: Value =
        serde_json::from_str(&fs::read_to_string(format!("{}.json", model.display())).unwrap()).unwrap();
    edit(&mut config);
    fs::write(dir.join("voice.onnx.json"), config.to_string()).unwrap();
    copy
}

/// piper-tts's ids of every sentence, and the samples of those numbered in
/// `spoken` in `dir`.
fn reference(
    python: &Path,
    model: &Path,
    speaker: Option<i64>,
    sentences: &[String],
    spoken: &[usize],
    dir: &Path,
) -> Vec<Vec<Vec<i64>>> {
    let speaker = speaker.map_or("-".to_owned(), |s| s.to_string());
    let spoken: Vec<String> = spoken.iter().map(usize::to_string).collect();
    let mut child = Command::new(python)
        .args(["-c", REFERENCE])
        .arg(model)
        .arg(dir)
        .arg(speaker)
        .arg(spoken.join(","))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(serde_json::to_string(sentences).unwrap().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "piper-tts failed");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn ours(model: &Path, runtime: &Path, speaker: Option<&str>) -> PiperSpeech {
    let piper = PiperOptions {
        onnxruntime: Some(runtime.to_path_buf()),
        noise_scale: Some(0.0),
        noise_w: Some(0.0),
        speaker: speaker.map(str::to_owned),
        ..PiperOptions::default()
    };
    PiperSpeech::open(model.to_str().unwrap(), &VoiceOptions { piper, ..VoiceOptions::default() }).unwrap()
}

/// Ids written back as the phonemes of the voice's map, for the report.
fn spelled(config: &Value, ids: &[Vec<i64>]) -> String {
    let map = config["phoneme_id_map"].as_object().unwrap();
    let symbols: HashMap<i64, &str> = map.iter().map(|(s, ids)| (ids[0].as_i64().unwrap(), s.as_str())).collect();
    let skipped = |id: &&i64| !["_", "^", "$"].contains(&symbols[id]);
    ids.iter()
        .map(|part| part.iter().filter(skipped).map(|id| symbols[id]).collect::<String>())
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The RMS of the difference between our samples of sentence `n` and
/// piper-tts's, inference by inference; a different length is a failure.
fn samples_rms(speech: &PiperSpeech, sentence: &str, n: usize, dir: &Path) -> f64 {
    let mine = speech.samples(sentence).unwrap();
    let (mut sum, mut count) = (0.0, 0);
    for (k, part) in mine.iter().enumerate() {
        let bytes = fs::read(dir.join(format!("{n}-{k}.f32"))).unwrap();
        let theirs: Vec<f32> = bytes.chunks_exact(4).map(|b| f32::from_le_bytes(b.try_into().unwrap())).collect();
        assert_eq!(part.len(), theirs.len(), "sample count of {sentence:?}");
        sum += part.iter().zip(&theirs).map(|(a, b)| f64::from(a - b).powi(2)).sum::<f64>();
        count += part.len();
    }
    assert!(!dir.join(format!("{n}-{}.f32", mine.len())).exists(), "piper-tts spoke {sentence:?} in more parts");
    (sum / count.max(1) as f64).sqrt()
}

/// The worst RMS difference over the sentences numbered in `spoken`.
fn worst_rms(speech: &PiperSpeech, sentences: &[String], spoken: &[usize], dir: &Path) -> f64 {
    spoken.iter().map(|&n| samples_rms(speech, &sentences[n], n, dir)).fold(0.0, f64::max)
}

/// Our ids and piper-tts's of every sentence of the corpus, and the
/// samples of those numbered in `spoken(identical ids)`, compared: returns
/// the share of sentences with identical ids and the worst RMS difference
/// of samples. Every difference is printed; one not listed with its reason
/// in differences.tsv (or one listed that is not a difference) fails.
fn compare(
    model: &Path,
    ours: &PiperSpeech,
    theirs_speaker: Option<i64>,
    spoken: impl Fn(&[usize]) -> Vec<usize>,
) -> (f64, f64) {
    let tools = tools();
    let dir = TempDir::new().unwrap();
    let config: Value =
        serde_json::from_str(&fs::read_to_string(format!("{}.json", model.display())).unwrap()).unwrap();
    let sentences = corpus();
    assert!(sentences.len() >= 400, "{} sentences", sentences.len());
    let mine: Vec<Vec<Vec<i64>>> = sentences.iter().map(|s| ours.phoneme_ids(s).unwrap()).collect();
    let ids_only = reference(&tools.python, model, theirs_speaker, &sentences, &[], dir.path());
    let identical: Vec<usize> = (0..sentences.len()).filter(|&n| mine[n] == ids_only[n]).collect();
    let spoken = spoken(&identical);
    let theirs = reference(&tools.python, model, theirs_speaker, &sentences, &spoken, dir.path());
    assert_eq!(theirs, ids_only, "piper-tts gives the same ids every time");
    report_differences(&sentences, &mine, &theirs, &config);
    // Where our lexicon gives a word as Lexique 3.83 says it, the reference
    // (espeak-ng's rules) is not the target: those sentences are not counted.
    let by_lexicon = (0..sentences.len()).filter(|&n| mine[n] != theirs[n] && lexicon(&sentences[n]).is_some()).count();
    let share = identical.len() as f64 / (sentences.len() - by_lexicon) as f64;
    let rms = worst_rms(ours, &sentences, &spoken, dir.path());
    eprintln!(
        "ids identical on {} of {} sentences ({:.1} %; {by_lexicon} more said otherwise by our lexicon); samples of {} of them: worst RMS difference {rms:.2e}",
        identical.len(),
        sentences.len() - by_lexicon,
        share * 100.0,
        spoken.len()
    );
    (share, rms)
}

/// The reason a sentence holding words of our lexicon may differ.
fn lexicon(sentence: &str) -> Option<String> {
    let words = common::lexicon_words(sentence);
    (!words.is_empty()).then(|| format!("our lexicon (Lexique 3.83): {}", words.join(", ")))
}

/// Prints every sentence whose ids differ, with its reason; fails on a
/// difference without a reason, or a reason without a difference.
fn report_differences(sentences: &[String], mine: &[Vec<Vec<i64>>], theirs: &[Vec<Vec<i64>>], config: &Value) {
    let known = known_differences();
    let mut unexplained = Vec::new();
    for (n, sentence) in sentences.iter().enumerate() {
        if mine[n] == theirs[n] {
            assert!(!known.contains_key(sentence), "listed in differences.tsv but identical: {sentence}");
            continue;
        }
        let reason = known.get(sentence).cloned().or_else(|| lexicon(sentence));
        eprintln!(
            "{sentence}\n  piper-tts: {}\n  briefing:  {}\n  reason: {}",
            spelled(config, &theirs[n]),
            spelled(config, &mine[n]),
            reason.as_deref().unwrap_or("NONE")
        );
        if reason.is_none() {
            unexplained.push(sentence.clone());
        }
    }
    assert!(unexplained.is_empty(), "{} differences without a reason in differences.tsv", unexplained.len());
}

#[test]
#[ignore = "needs piper-tts, the Piper test voice and ONNX Runtime"]
fn french_ids_and_samples_are_piper_tts_s() {
    let tools = tools();
    let tmp = TempDir::new().unwrap();
    let model = voice_copy(&tools.voice, tmp.path(), |c| c["espeak"]["voice"] = "fr".into());
    let speech = ours(&model, &tools.runtime, None);
    let one_in = |identical: &[usize]| identical.iter().copied().step_by(SPOKEN_ONE_IN).collect();
    let (share, rms) = compare(&model, &speech, None, one_in);
    assert!(share >= IDENTICAL_IDS, "ids identical on {:.1} % of sentences", share * 100.0);
    assert!(rms <= SAMPLES_RMS, "samples differ from piper-tts's by {rms:.2e} RMS");
}

/// A speaker other than the first of a multi-speaker voice, chosen by name
/// and by number: the voice is tiny, so every sentence is spoken.
#[test]
#[ignore = "needs piper-tts, the Piper test voice and ONNX Runtime"]
fn speakers_of_a_multi_speaker_voice_are_piper_tts_s() {
    let tools = tools();
    let tmp = TempDir::new().unwrap();
    let model = tmp.path().join("tiny.onnx");
    let made = Command::new(&tools.python)
        .arg("scripts/make-tiny-piper-model.py")
        .arg(format!("{}.json", tools.voice.display()))
        .arg(&model)
        .status()
        .unwrap();
    assert!(made.success(), "scripts/make-tiny-piper-model.py failed");
    let all = |identical: &[usize]| identical.to_vec();
    for (ours_speaker, theirs_speaker) in [("chloe", 2), ("1", 1)] {
        let speech = ours(&model, &tools.runtime, Some(ours_speaker));
        let (share, rms) = compare(&model, &speech, Some(theirs_speaker), all);
        assert!(share >= IDENTICAL_IDS, "speaker {ours_speaker}: ids identical on {:.1} %", share * 100.0);
        assert!(rms <= SAMPLES_RMS, "speaker {ours_speaker}: samples differ by {rms:.2e} RMS");
    }
    let first = ours(&model, &tools.runtime, None).samples("Il pleut.").unwrap();
    let third = ours(&model, &tools.runtime, Some("chloe")).samples("Il pleut.").unwrap();
    assert_ne!(first, third, "the tiny voice's speakers sound different");
}
