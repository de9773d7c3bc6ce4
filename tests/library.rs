//! The library's entry point, used as a program embedding briefing would:
//! one call makes a bulletin, an observer hears of its progress, and the
//! report says what was written.

use briefing::{BuildOptions, Observer, Output, Stage};
use std::fs;

/// Everything the observer is told, in order.
#[derive(Default)]
struct Events(Vec<String>);

impl Observer for Events {
    fn started(&mut self, sentences: usize, sample_rate: u32) {
        self.0.push(format!("started {sentences} at {sample_rate}"));
    }
    fn sentence(&mut self, samples: usize) {
        assert!(samples > 0);
        self.0.push("sentence".into());
    }
    fn stage(&mut self, stage: Stage) {
        self.0.push(stage.to_string());
    }
    fn warning(&mut self, message: &str) {
        self.0.push(format!("warning {message}"));
    }
}

#[test]
fn one_call_makes_a_bulletin_and_reports_it() {
    let tmp = tempfile::tempdir().unwrap();
    let articles = tmp.path().join("articles");
    fs::create_dir(&articles).unwrap();
    fs::write(articles.join("a.txt"), "Titre du jour\n\nLe conseil a voté 12 mesures. Il se réunira lundi.").unwrap();
    fs::write(articles.join("b.txt"), "").unwrap();
    let wav = tmp.path().join("out/bulletin.wav");
    let options =
        BuildOptions::new([articles], Output::File(wav.clone())).cache(tmp.path().join("cache")).sample_rate(24000);
    let mut events = Events::default();
    let report = briefing::build(&options, &mut events).unwrap();

    assert_eq!(report.files, [wav.display().to_string(), wav.with_extension("json").display().to_string()]);
    assert_eq!((report.articles, report.sentences, report.synthesized, report.cache_hits), (1, 3, 3, 0));
    let manifest: serde_json::Value = serde_json::from_slice(&fs::read(wav.with_extension("json")).unwrap()).unwrap();
    assert_eq!(manifest["audio"], "bulletin.wav");
    assert_eq!(manifest["sample_rate"], 24000);
    assert_eq!(manifest["duration"].as_f64().unwrap(), report.duration);
    let reader = hound::WavReader::open(&wav).unwrap();
    assert_eq!(reader.duration() as u64, manifest["samples"].as_u64().unwrap());
    assert!(manifest["loudness"]["gain"].is_number(), "loudness is set by default");

    let warning = events.0.iter().position(|e| e.starts_with("warning ") && e.contains("b.txt"));
    assert_eq!(warning, Some(0), "the empty article is skipped with a warning first: {:?}", events.0);
    let rest: Vec<&str> = events.0[1..].iter().map(String::as_str).collect();
    let writing = format!("writing {}", wav.display());
    let expected =
        ["started 3 at 24000", "sentence", "sentence", "sentence", "mastering: loudness and peaks", &writing];
    assert_eq!(rest, expected);

    let again = briefing::build(&options, &mut ()).unwrap();
    assert_eq!((again.cache_hits, again.synthesized), (3, 0), "the second run reads the cache");
}

#[test]
fn plan_says_what_each_bulletin_will_say_without_speaking() {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("un.txt"), "Un\n\nPremière phrase.").unwrap();
    fs::write(tmp.path().join("deux.md"), "# Deux\n\nSeconde phrase, 2 fois.").unwrap();
    let options = BuildOptions::new([tmp.path()], Output::Each(tmp.path().join("out")));
    let bulletins = briefing::plan(&options, &mut ()).unwrap();
    let names: Vec<String> = bulletins.iter().map(|b| b.destination.name()).collect();
    let out = tmp.path().join("out");
    assert_eq!(names, [out.join("deux.wav").display().to_string(), out.join("un.wav").display().to_string()]);
    let spoken: Vec<&str> = bulletins[0].script.segments().map(|s| s.spoken.as_str()).collect();
    assert_eq!(spoken, ["Deux", "Seconde phrase, deux fois."]);
    assert!(!out.exists(), "planning writes nothing");
}

#[test]
fn options_that_cannot_go_together_are_refused_before_any_work() {
    let options = BuildOptions::new(["no-such-article.txt"], Output::Stdout).subtitles(briefing::Subtitles::Vtt);
    let error = briefing::build(&options, &mut ()).unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert_eq!(error.to_string(), "-o - writes no file beside the WAV: drop --subtitles");
}
