//! The real binary on real articles: WAV header, duration, manifest
//! consistency, determinism across --jobs, and every error case.

use predicates::prelude::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use tempfile::TempDir;

mod common;

use common::*;

/// The one test that builds the example articles end to end; the others use
/// short articles (`SHORT_ARTICLES` or written in the test).
#[test]
fn builds_a_bulletin_from_the_example_articles() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("bulletin.wav");
    let (spec, samples, manifest) = build(&[ARTICLES], &out);

    assert_eq!((spec.channels, spec.bits_per_sample, spec.sample_format), (1, 16, hound::SampleFormat::Int));
    assert_eq!(spec.sample_rate, 22050);
    let seconds = samples.len() as f64 / 22050.0;
    assert!((60.0..400.0).contains(&seconds), "{seconds} s");
    assert!(rms(&samples) > 500.0, "audible");

    assert_eq!(manifest["audio"], "bulletin.wav");
    assert_eq!(manifest["samples"].as_u64().unwrap() as usize, samples.len());
    assert!((manifest["duration"].as_f64().unwrap() - seconds).abs() < 1e-6, "the WAV lasts what the manifest says");
    let articles = manifest["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);
    assert_eq!(articles[0]["title"], "Budget 2026 : le gouvernement présente un plan d'économies");

    // Every sentence is sound where the manifest says, silence between.
    let mut previous_end = 0;
    for article in articles {
        for sentence in article["sentences"].as_array().unwrap() {
            let start = sentence["start_sample"].as_u64().unwrap() as usize;
            let end = sentence["end_sample"].as_u64().unwrap() as usize;
            assert!(start >= previous_end && end > start, "{sentence}");
            assert!(samples[previous_end..start].iter().all(|&s| s == 0), "pause before {sentence}");
            assert!(rms(&samples[start..end]) > 300.0, "speech in {sentence}");
            assert!((sentence["start"].as_f64().unwrap() - start as f64 / 22050.0).abs() < 1e-9);
            previous_end = end;
        }
    }
    assert_eq!(previous_end, samples.len(), "no trailing silence");
}

#[test]
fn pauses_are_exactly_as_asked() {
    let tmp = TempDir::new().unwrap();
    let input =
        article(tmp.path(), "a.txt", "Le titre\n\nPremière phrase. Deuxième phrase.\n\nNouveau paragraphe.".as_bytes());
    let out = tmp.path().join("b.wav");
    let args = ["--pause-title", "1", "--pause-sentence", "0.25", "--pause-paragraph", "0.5", input.to_str().unwrap()];
    let (_, _, manifest) = build(&args, &out);
    let sentences = manifest["articles"][0]["sentences"].as_array().unwrap();
    let gap =
        |i: usize| sentences[i + 1]["start_sample"].as_u64().unwrap() - sentences[i]["end_sample"].as_u64().unwrap();
    assert_eq!([gap(0), gap(1), gap(2)], [22050, 5513, 11025]);
}

#[test]
fn output_is_identical_for_any_number_of_jobs() {
    let tmp = TempDir::new().unwrap();
    let one = tmp.path().join("one.wav");
    let four = tmp.path().join("four.wav");
    build(&["--no-cache", "--jobs", "1", SHORT_ARTICLES], &one);
    build(&["--no-cache", "--jobs", "4", SHORT_ARTICLES], &four);
    assert_eq!(fs::read(&one).unwrap(), fs::read(&four).unwrap());
    let manifest = |p: &Path| fs::read_to_string(p.with_extension("json")).unwrap().replace("one.wav", "four.wav");
    assert_eq!(manifest(&one), manifest(&four));
}

#[test]
fn volume_rate_and_voice_change_the_audio() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nLe gouvernement présente son budget mardi.".as_bytes());
    let input = input.to_str().unwrap();
    let (_, normal, _) = build(&["--no-loudness", input], &tmp.path().join("n.wav"));
    let (_, quiet, _) = build(&["--no-loudness", "--volume", "50", input], &tmp.path().join("q.wav"));
    let (_, fast, _) = build(&["--rate", "1.5", input], &tmp.path().join("f.wav"));
    let (_, swiss, manifest) = build(&["--voice", "fr-CH", input], &tmp.path().join("c.wav"));
    assert!((rms(&quiet) / rms(&normal) - 0.5).abs() < 0.01);
    assert!(fast.len() < normal.len() * 4 / 5);
    assert_eq!(manifest["engine"], "espeak-ng fr-CH");
    assert!(!swiss.is_empty());
}

#[test]
fn reads_markdown_json_and_stdin() {
    let tmp = TempDir::new().unwrap();
    let json = r#"[{"title": "Premier", "body": "Un texte."}, {"title": "Second", "body": "Un autre."}]"#;
    let input = article(tmp.path(), "feed.json", json.as_bytes());
    let (_, _, manifest) = build(&[input.to_str().unwrap()], &tmp.path().join("j.wav"));
    assert_eq!(manifest["articles"][1]["title"], "Second");

    briefing()
        .args(["text", "-"])
        .write_stdin("Titre lu\n\nCorps lu. Fin.")
        .assert()
        .success()
        .stdout("== stdin ==\nTitre lu\n\nCorps lu.\nFin.\n\n");
}

#[test]
fn dry_run_prints_what_will_be_read_and_writes_nothing() {
    let tmp = TempDir::new().unwrap();
    // Page furniture as news sites leave it: a headline label, a cross-link, stray dashes.
    let input = article(
        tmp.path(),
        "a.txt",
        "VIDÉO - Congrès 2027 : les maires se réunissent à Lyon\n\nLes élus arrivent mardi.\n\n\
         >> À lire aussi - Le programme du congrès\nLa séance s'ouvre à 9h. - -\n"
            .as_bytes(),
    );
    let out = tmp.path().join("x.wav");
    briefing()
        .args(["build", "--dry-run"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::starts_with(format!(
            "== {} ==\nCongrès deux mille vingt-sept : les maires",
            input.display()
        )))
        .stdout(predicate::str::contains("À lire aussi").not())
        .stdout(predicate::str::contains("- -").not());
    assert!(!out.exists());
}

#[test]
fn split_prints_one_sentence_per_line() {
    briefing()
        .arg("split")
        .write_stdin("M. Dupont arrive à 1.200 km. Il dit : « Oui. » Puis part...\nUn titre\nFin")
        .assert()
        .success()
        .stdout("M. Dupont arrive à 1.200 km.\nIl dit : « Oui. »\nPuis part...\nUn titre\nFin\n");
}

/// A news sentence of 700 characters, many commas and no full stop inside.
const LONG_SENTENCE: &str = "Après trois jours de négociations menées dans une salle sans fenêtre du ministère, les représentants des syndicats de cheminots, ceux de la direction de l'entreprise publique et les deux conseillers envoyés par le gouvernement, qui avaient reçu pour consigne de ne rien céder sur le calendrier de la réforme, ont fini par signer, tard dans la nuit de jeudi à vendredi, un relevé de conclusions qui prévoit une hausse progressive des salaires, un plan d'embauche de plusieurs centaines d'agents dans les régions les plus touchées par les suppressions de postes, le maintien des petites lignes jugées non rentables et la création d'une commission de suivi, chargée de rendre compte chaque trimestre de l'avancée des engagements pris par chacun.";

#[test]
fn long_sentences_stay_whole_in_the_manifest_and_subtitles() {
    assert!(LONG_SENTENCE.chars().count() > 600);
    briefing()
        .arg("split")
        .write_stdin(format!("{LONG_SENTENCE} Fin."))
        .assert()
        .success()
        .stdout(format!("{LONG_SENTENCE}\nFin.\n"));
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", format!("Le titre\n\n{LONG_SENTENCE} La grève est levée.").as_bytes());
    let out = tmp.path().join("long.wav");
    let (_, samples, manifest) = build(&["--subtitles", "srt", input.to_str().unwrap()], &out);
    let sentences = manifest["articles"][0]["sentences"].as_array().unwrap();
    let texts: Vec<&str> = sentences.iter().map(|s| s["text"].as_str().unwrap()).collect();
    assert_eq!(texts, ["Le titre", LONG_SENTENCE, "La grève est levée."]);
    let srt = fs::read_to_string(out.with_extension("srt")).unwrap();
    assert_eq!(srt.matches(" --> ").count(), 3, "one cue per sentence");
    assert!(srt.contains(LONG_SENTENCE));
    // Inside the sentence, clause pauses (0.17 s) but nothing as long as a sentence pause (0.4 s).
    let speech = &samples[sample(&sentences[1], "start_sample")..sample(&sentences[1], "end_sample")];
    let longest = speech.split(|&s| s != 0).map(<[i16]>::len).max().unwrap();
    assert!((3500..8820).contains(&longest), "longest silence {longest} samples");
}

#[test]
fn voices_lists_the_embedded_french_voices() {
    briefing()
        .arg("voices")
        .assert()
        .success()
        .stdout(predicate::str::contains("fr-FR\tespeak-ng"))
        .stdout(predicate::str::contains("fr-BE"))
        .stdout(predicate::str::contains("fr-CH"));
}

#[test]
fn latin1_input_is_read_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "latin1.txt", b"Titre\n\nL'\xE9t\xE9 sera chaud.");
    briefing()
        .args(["text"])
        .arg(&input)
        .assert()
        .success()
        .stdout(predicate::str::contains("L'été sera chaud."))
        .stderr(predicate::str::contains("latin1.txt: not valid UTF-8, read as Windows-1252"));
}

/// Runs `build` expecting failure: one line on stderr naming `name`, exit
/// code 1, and no file left in `tmp`.
fn fails(tmp: &Path, args: &[&str], name: &str, problem: &str) {
    let out = tmp.join("out").join("b.wav");
    let assert = briefing().arg("build").args(args).arg("-o").arg(&out).assert().failure().code(1);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.starts_with("briefing: error: "), "{stderr}");
    assert!(stderr.contains(name) && stderr.contains(problem), "{stderr}");
    assert!(!out.exists());
    if out.parent().unwrap().exists() {
        assert!(leftovers(out.parent().unwrap()).is_empty());
    }
}

#[test]
fn bad_inputs_fail_cleanly() {
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let missing = dir.join("absent.txt");
    fails(dir, &[missing.to_str().unwrap()], "absent.txt", "No such file");

    let empty_folder = dir.join("vide");
    fs::create_dir(&empty_folder).unwrap();
    fs::write(empty_folder.join("notes.pdf"), b"x").unwrap();
    fails(dir, &[empty_folder.to_str().unwrap()], "vide", "folder has no articles");

    let empty = article(dir, "empty.txt", b"\n  \n");
    fails(dir, &[empty.to_str().unwrap()], "empty.txt", "empty article");

    let binary = article(dir, "image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR");
    fails(dir, &[binary.to_str().unwrap()], "image.txt", "binary file");

    let clutter = article(dir, "clutter.txt", b"- -\n***\n");
    fails(dir, &[clutter.to_str().unwrap()], "clutter.txt", "no speakable text");

    let json = article(dir, "bad.json", b"{\"title\": ");
    fails(dir, &[json.to_str().unwrap()], "bad.json", "invalid JSON");

    let ok = article(dir, "ok.txt", b"Titre\n\nTexte.");
    fails(dir, &["--voice", "klingon", ok.to_str().unwrap()], "klingon", "unknown voice");
}

#[test]
fn endless_and_oversized_inputs_are_refused_in_one_line() {
    let tmp = TempDir::new().unwrap();
    let too_large = "more than 64 MiB, too large for an article";
    fails(tmp.path(), &["/dev/zero"], "/dev/zero", too_large);
    fails(tmp.path(), &["/dev/urandom"], "/dev/urandom", too_large);
    let sparse = tmp.path().join("gros.txt");
    fs::File::create(&sparse).unwrap().set_len((64 << 20) + 1).unwrap();
    fails(tmp.path(), &[sparse.to_str().unwrap()], "gros.txt", too_large);
    briefing()
        .args(["text", "-"])
        .write_stdin(vec![b'a'; (64 << 20) + 1])
        .assert()
        .failure()
        .code(1)
        .stderr(format!("briefing: error: stdin: {too_large}\n"));
}

#[test]
fn music_declaring_an_absurd_rate_is_refused_before_synthesis() {
    let tmp = TempDir::new().unwrap();
    let ok = article(tmp.path(), "ok.txt", b"Titre\n\nTexte.");
    let music = tmp.path().join("un-hertz.wav");
    tone(&music, 1, 1, 20.0, 0.5);
    let problem = "declares 1 Hz, outside the 8 to 384 kHz a music file may have";
    fails(tmp.path(), &["--intro", music.to_str().unwrap(), ok.to_str().unwrap()], "un-hertz.wav", problem);
}

#[test]
fn control_characters_in_file_names_are_shown_written_out() {
    let tmp = TempDir::new().unwrap();
    article(tmp.path(), "un\u{1b}[31m.txt", b"Titre\n\nTexte.");
    article(tmp.path(), "deux\u{7}.txt", b"- -\n");
    let output = briefing().arg("text").arg(tmp.path()).output().unwrap();
    assert!(output.status.success());
    let (stdout, stderr) = (String::from_utf8(output.stdout).unwrap(), String::from_utf8(output.stderr).unwrap());
    let folder = tmp.path().display();
    assert!(stdout.contains(&format!("== {folder}/un\\u{{1b}}[31m.txt ==\n")), "{stdout}");
    assert!(stderr.contains(&format!("briefing: warning: {folder}/deux\\u{{7}}.txt: no speakable text")), "{stderr}");
    assert!(!format!("{stdout}{stderr}").contains(['\u{1b}', '\u{7}']));
}

#[test]
fn unspeakable_article_is_skipped_with_a_warning() {
    let tmp = TempDir::new().unwrap();
    let good = article(tmp.path(), "good.txt", b"Titre\n\nTexte.");
    let bad = article(tmp.path(), "bad.txt", b"- - -\n");
    briefing()
        .arg("build")
        .arg(&bad)
        .arg(&good)
        .arg("-o")
        .arg(tmp.path().join("b.wav"))
        .assert()
        .success()
        .stderr(predicate::str::contains("bad.txt: no speakable text, skipped"));
}

#[test]
fn unwritable_output_fails_without_leftovers() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", b"Titre\n\nTexte.");
    let blocker = article(tmp.path(), "file.txt", b"not a folder");
    let under_file = blocker.join("b.wav");
    briefing()
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(&under_file)
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("cannot write"));
    fs::create_dir(tmp.path().join("taken.wav")).unwrap();
    briefing()
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(tmp.path().join("taken.wav"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("taken.wav: cannot write: is a folder"));
    assert_eq!(leftovers(tmp.path()), ["taken.wav"]);
}

#[test]
fn bad_options_are_usage_errors() {
    briefing().args(["build", "--rate", "9", "a.txt"]).assert().failure().code(2);
    briefing().args(["build"]).assert().failure().code(2);
}

#[test]
fn fresh_cache_is_safe_when_processes_start_together() {
    let cache = TempDir::new().unwrap();
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", b"Titre\n\nTexte court.");
    let children: Vec<_> = (0..4)
        .map(|i| {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("briefing"))
                .env("XDG_CACHE_HOME", cache.path())
                .arg("build")
                .arg(&input)
                .arg("-o")
                .arg(tmp.path().join(format!("b{i}.wav")))
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let outputs: Vec<Vec<u8>> = (0..4).map(|i| fs::read(tmp.path().join(format!("b{i}.wav"))).unwrap()).collect();
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    let mut entries = names(&cache.path().join("briefing"));
    entries.sort();
    assert_eq!(entries, ["espeak-ng-0.2.0-fr-en", "sentences"], "no staging leftovers");
    let sentences = cache.path().join("briefing/sentences");
    let folders = names(&sentences).into_iter().filter(|d| sentences.join(d).is_dir());
    let stored: Vec<String> = folders.flat_map(|d| names(&sentences.join(d))).collect();
    assert_eq!(stored.len(), 2, "title and sentence, each stored once: {stored:?}");
}

#[test]
fn normalize_keeps_one_line_per_line() {
    briefing()
        .arg("normalize")
        .write_stdin("Le 1er mai à 14h30.\n\n21 personnes, 12,50 €\nLouis XIV\n")
        .assert()
        .success()
        .stdout("Le premier mai à quatorze heures trente.\n\nvingt et une personnes, douze euros cinquante\nLouis quatorze\n");
}

#[test]
fn normalize_explains_every_rewrite_with_its_rule() {
    let home = TempDir::new().unwrap();
    briefing()
        .args(["normalize", "--explain"])
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_CACHE_HOME", home.path())
        .write_stdin(
            "Rendez-vous à 14h30 avec M. Dupont.\nRien ici.\n31 licences, nº 5, 35º, \u{AD}2 et in\u{200B}dex\n",
        )
        .assert()
        .success()
        .stdout(concat!(
            "Rendez-vous à quatorze heures trente avec monsieur Dupont.\n",
            "  14h30 → quatorze heures trente [time]\n",
            "  M. → monsieur [abbreviation]\n",
            "Rien ici.\n",
            "trente et une licences, numéro cinq, trente-cinq degrés, moins deux et index\n",
            "  º → ° [stand-in]\n",
            "  º → ° [stand-in]\n",
            "  \\u{ad} → − [stand-in]\n",
            "  \\u{200b} →  [invisible]\n",
            "  31 → trente et une [noun gender]\n",
            "  n° → numéro [abbreviation]\n",
            "  5 → cinq [named]\n",
            "  35° → trente-cinq degrés [number]\n",
            "  −2 → moins deux [number]\n",
        ));
}

#[test]
fn normalize_options_and_lexicons() {
    briefing().args(["normalize", "--dialect", "fr-BE"]).write_stdin("91 ans").assert().stdout("nonante et un ans\n");
    briefing().args(["normalize", "--dialect", "fr-CH"]).write_stdin("80 ans").assert().stdout("huitante ans\n");
    briefing().args(["normalize", "--spelling", "1990"]).write_stdin("201 ans").assert().stdout("deux-cent-un ans\n");

    let tmp = TempDir::new().unwrap();
    let toml = article(tmp.path(), "lexique.toml", "mujao = \"Moujao\"\n".as_bytes());
    let json = article(tmp.path(), "lexique.json", r#"{"Gao": "Gaô"}"#.as_bytes());
    let tsv = article(tmp.path(), "lexique.tsv", "# écrit\tdit\nà\tà\nMujao\tMoujao\nGao\tGaô\n".as_bytes());
    let lexicons = [(&toml, "le Moujao à Gao\n"), (&json, "le Mujao à Gaô\n"), (&tsv, "le Moujao à Gaô\n")];
    for (lexicon, expected) in lexicons {
        briefing()
            .args(["normalize", "--lexicon"])
            .arg(lexicon)
            .write_stdin("le Mujao à Gao")
            .assert()
            .stdout(expected);
    }
    let config = TempDir::new().unwrap();
    fs::create_dir(config.path().join("briefing")).unwrap();
    fs::write(config.path().join("briefing/lexicon.toml"), "gao = \"Gaô\"").unwrap();
    briefing().arg("normalize").env("XDG_CONFIG_HOME", config.path()).write_stdin("à Gao").assert().stdout("à Gaô\n");

    let bad = article(tmp.path(), "bad.toml", b"mujao = 3");
    briefing()
        .args(["normalize", "--lexicon"])
        .arg(&bad)
        .write_stdin("x")
        .assert()
        .failure()
        .code(1)
        .stderr(predicate::str::contains("bad.toml:1: invalid lexicon"));
}

#[test]
fn manifest_shows_written_and_spoken_text() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Titre\n\nÀ 14h30, M. Dupont arrive.".as_bytes());
    let (_, _, manifest) = build(&[input.to_str().unwrap()], &tmp.path().join("n.wav"));
    let sentence = &manifest["articles"][0]["sentences"][1];
    assert_eq!(sentence["text"], "À 14h30, M. Dupont arrive.");
    assert_eq!(sentence["spoken"], "À quatorze heures trente, monsieur Dupont arrive.");
    let (_, _, raw) = build(&["--no-normalize", input.to_str().unwrap()], &tmp.path().join("r.wav"));
    assert_eq!(raw["articles"][0]["sentences"][1]["spoken"], "À 14h30, M. Dupont arrive.");
}

/// Chunks of a RIFF file, read with an independent RIFF parser: (id, contents).
fn riff_chunks(path: &Path) -> Vec<(String, Vec<u8>)> {
    let mut file = std::fs::File::open(path).unwrap();
    let riff = riff::Chunk::read(&mut file, 0).unwrap();
    assert_eq!(riff.id().as_str(), "RIFF");
    assert_eq!(u64::from(riff.len()) + 8, fs::metadata(path).unwrap().len(), "RIFF size covers the file");
    let chunks: Vec<riff::Chunk> = riff.iter(&mut file).map(Result::unwrap).collect();
    chunks.iter().map(|c| (c.id().as_str().to_owned(), c.read_contents(&mut file).unwrap())).collect()
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
}

#[test]
fn chapters_mark_each_article() {
    let tmp = TempDir::new().unwrap();
    let out = tmp.path().join("c.wav");
    let (_, samples, manifest) = build(&[SHORT_ARTICLES], &out);
    let chunks = riff_chunks(&out);
    let ids: Vec<&str> = chunks.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["fmt ", "data", "cue ", "LIST"]);
    let articles = manifest["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 3);

    let cue = &chunks[2].1;
    assert_eq!(u32_at(cue, 0) as usize, articles.len());
    for (i, article) in articles.iter().enumerate() {
        let point = &cue[4 + 24 * i..4 + 24 * (i + 1)];
        assert_eq!(u32_at(point, 0), i as u32 + 1, "cue id");
        assert_eq!(&point[8..12], b"data");
        assert_eq!(u64::from(u32_at(point, 20)), article["start_sample"].as_u64().unwrap(), "cue at the article");
    }

    let list = &chunks[3].1;
    assert_eq!(&list[..4], b"adtl");
    let mut labels = Vec::new();
    let mut at = 4;
    while at < list.len() {
        assert_eq!(&list[at..at + 4], b"labl");
        let size = u32_at(list, at + 4) as usize;
        let text = &list[at + 12..at + 8 + size - 1];
        labels.push((u32_at(list, at + 8), String::from_utf8(text.to_vec()).unwrap()));
        at += 8 + size + size % 2;
    }
    let titles: Vec<(u32, String)> =
        articles.iter().enumerate().map(|(i, a)| (i as u32 + 1, a["title"].as_str().unwrap().to_owned())).collect();
    assert_eq!(labels, titles);
    // The audio itself is untouched by the chunks after it.
    assert_eq!(hound::WavReader::open(&out).unwrap().len() as usize, samples.len());
}

#[test]
fn subtitles_follow_the_manifest() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Le titre\n\nUne phrase à 14h30. Une autre.\n\nLa fin.".as_bytes());
    for format in ["srt", "vtt"] {
        let out = tmp.path().join(format!("s-{format}.wav"));
        let (_, _, manifest) = build(&["--subtitles", format, input.to_str().unwrap()], &out);
        let text = fs::read_to_string(out.with_extension(format)).unwrap();
        let sentences = manifest["articles"][0]["sentences"].as_array().unwrap();
        let cues: Vec<&str> = text.trim_start_matches("WEBVTT\n\n").split("\n\n").filter(|c| !c.is_empty()).collect();
        assert_eq!(cues.len(), sentences.len(), "{text}");
        for (cue, sentence) in cues.iter().zip(sentences) {
            let lines: Vec<&str> = cue.lines().collect();
            let (timing, written) = if format == "srt" { (lines[1], lines[2]) } else { (lines[0], lines[1]) };
            assert_eq!(written, sentence["text"].as_str().unwrap());
            let stamp = |seconds: f64| {
                let ms = (seconds * 1000.0).round() as u64;
                let sep = if format == "srt" { ',' } else { '.' };
                format!("{:02}:{:02}:{:02}{sep}{:03}", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
            };
            let expected = format!(
                "{} --> {}",
                stamp(sentence["start"].as_f64().unwrap()),
                stamp(sentence["end"].as_f64().unwrap())
            );
            assert_eq!(timing, expected);
        }
        if format == "vtt" {
            assert!(text.starts_with("WEBVTT\n\n"));
        }
    }
}

#[test]
fn config_file_sets_options_and_flags_override_it() {
    let tmp = TempDir::new().unwrap();
    fs::write(tmp.path().join("briefing.toml"), "[normalize]\ndialect = \"fr-BE\"\n").unwrap();
    let normalize =
        |args: &[&str]| briefing().current_dir(tmp.path()).arg("normalize").args(args).write_stdin("91 ans").assert();
    normalize(&[]).success().stdout("nonante et un ans\n");
    normalize(&["--dialect", "fr-FR"]).success().stdout("quatre-vingt-onze ans\n");

    let elsewhere = tmp.path().join("elsewhere.toml");
    fs::write(&elsewhere, "dialect = \"fr-CH\"\nvoice = \"fr-CH\"\n").unwrap();
    normalize(&["--config", elsewhere.to_str().unwrap()]).success().stdout("nonante et un ans\n");
    briefing()
        .args(["--config", elsewhere.to_str().unwrap(), "normalize"])
        .write_stdin("80 ans")
        .assert()
        .success()
        .stdout("huitante ans\n");

    let config_home = TempDir::new().unwrap();
    fs::create_dir(config_home.path().join("briefing")).unwrap();
    fs::write(config_home.path().join("briefing/briefing.toml"), "[build]\nvoix = \"fr-FR\"\n").unwrap();
    briefing()
        .env("XDG_CONFIG_HOME", config_home.path())
        .args(["build", "--dry-run", SHORT_ARTICLES])
        .assert()
        .failure()
        .code(2)
        .stderr(predicate::str::contains("briefing.toml:2: unknown key \"voix\""));
}

#[test]
fn config_values_are_values_checked_like_flags() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", b"Le titre\n\nUne phrase.");
    let config = tmp.path().join("c.toml");
    fs::write(&config, "[build]\nannounce = true\ntitle-template = \"- {title}\"\ndate = \"2026-11-24\"\n").unwrap();
    let dry_run = briefing().args(["build", "--dry-run", "--config"]).arg(&config).arg(&input).assert().success();
    let stdout = String::from_utf8(dry_run.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("\n- Le titre\n"), "{stdout}");

    fs::write(&config, "voice = \"fr-FR\"\n\n[build]\nrate = 99\n").unwrap();
    briefing()
        .args(["build", "--dry-run", "--config"])
        .arg(&config)
        .arg(&input)
        .assert()
        .failure()
        .code(2)
        .stderr(format!("briefing: error: {}:4: rate = 99: must be between 0.5 and 3\n", config.display()));
    // Given on the command line, the flag wins and the file's value is not used, but still checked.
    briefing().args(["build", "--dry-run", "--rate", "1", "--config"]).arg(&config).arg(&input).assert().code(2);
}

#[test]
fn config_file_reaches_build_options() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", b"Titre\n\nPhrase une. Phrase deux.");
    let config = tmp.path().join("c.toml");
    fs::write(&config, "[build]\npause-sentence = 1.0\nvoice = \"fr-CH\"\nsubtitles = \"srt\"\n").unwrap();
    let out = tmp.path().join("b.wav");
    briefing().args(["build", "--config"]).arg(&config).arg(&input).arg("-o").arg(&out).assert().success();
    let manifest: Value = serde_json::from_slice(&fs::read(out.with_extension("json")).unwrap()).unwrap();
    assert_eq!(manifest["engine"], "espeak-ng fr-CH");
    let s = manifest["articles"][0]["sentences"].as_array().unwrap();
    assert_eq!(s[2]["start_sample"].as_u64().unwrap() - s[1]["end_sample"].as_u64().unwrap(), 22050);
    assert!(out.with_extension("srt").is_file());
}

fn summary(args: &[&str], out: &Path) -> Value {
    let output = briefing().arg("build").args(args).arg("--json").arg("-o").arg(out).assert().success();
    let output = output.get_output();
    assert!(output.stderr.is_empty(), "--json prints nothing else: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn cache_makes_only_changed_sentences_again() {
    let tmp = TempDir::new().unwrap();
    let cache = tmp.path().join("cache");
    let cache_arg = cache.to_str().unwrap();
    let inputs = tmp.path().join("in");
    fs::create_dir(&inputs).unwrap();
    article(&inputs, "a.txt", "Première\n\nUn. Deux. Trois.".as_bytes());
    article(&inputs, "b.txt", "Seconde\n\nQuatre. Cinq.".as_bytes());
    let input = inputs.to_str().unwrap();
    let (first, second, third) = (tmp.path().join("1.wav"), tmp.path().join("2.wav"), tmp.path().join("3.wav"));

    let cold = summary(&["--cache-dir", cache_arg, input], &first);
    assert_eq!(
        (cold["sentences"].as_u64(), cold["cache_hits"].as_u64(), cold["synthesized"].as_u64()),
        (Some(7), Some(0), Some(7))
    );
    let warm = summary(&["--cache-dir", cache_arg, input], &second);
    assert_eq!((warm["cache_hits"].as_u64(), warm["synthesized"].as_u64()), (Some(7), Some(0)));
    assert!(fs::read(&first).unwrap() == fs::read(&second).unwrap(), "the cache gives the same bytes");
    assert_eq!(warm["files"][0], second.to_str().unwrap());
    assert!(warm["wall_time"].as_f64().unwrap() > 0.0);
    assert!((warm["duration"].as_f64().unwrap() - cold["duration"].as_f64().unwrap()).abs() < 1e-9);

    article(&inputs, "b.txt", "Seconde\n\nQuatre. Six.".as_bytes());
    let changed = summary(&["--cache-dir", cache_arg, input], &third);
    assert_eq!((changed["cache_hits"].as_u64(), changed["synthesized"].as_u64()), (Some(6), Some(1)));

    // A damaged entry is noticed and made again, never played (and told:
    // --json is not alone on stderr).
    let folders = fs::read_dir(&cache).unwrap().map(|d| d.unwrap().path()).filter(|d| d.is_dir());
    for entry in folders.flat_map(|d| fs::read_dir(d).unwrap()) {
        fs::write(entry.unwrap().path(), b"garbage").unwrap();
    }
    let repaired = briefing().args(["build", "--json", "--cache-dir", cache_arg, input, "-o"]).arg(&second).assert();
    let repaired: Value = serde_json::from_slice(&repaired.success().get_output().stdout).unwrap();
    assert_eq!(repaired["synthesized"].as_u64(), Some(7));
    assert!(fs::read(&third).unwrap() == fs::read(&second).unwrap(), "repaired entries give the same bytes");

    let off = summary(&["--no-cache", "--cache-dir", cache_arg, input], &second);
    assert_eq!((off["cache_hits"].as_u64(), off["synthesized"].as_u64()), (Some(0), Some(7)));
    assert!(fs::read(&third).unwrap() == fs::read(&second).unwrap(), "without the cache, the same bytes");
}

#[test]
fn sentences_from_the_cache_under_a_bed_give_the_same_bytes() {
    let tmp = TempDir::new().unwrap();
    let bed = tmp.path().join("bed.wav");
    tone(&bed, 22050, 1, 4.0, 0.25);
    let input = article(tmp.path(), "a.txt", "Le titre\n\nUne phrase. Une autre phrase.".as_bytes());
    let cache = tmp.path().join("cache");
    let bulletin = |name: &str, cached: bool| {
        let out = tmp.path().join(name);
        let mut args = vec!["--announce", "--date", "2026-11-24", "--bed", bed.to_str().unwrap()];
        args.extend(if cached { ["--cache-dir", cache.to_str().unwrap()] } else { ["--no-cache", "-q"] });
        briefing().arg("build").args(&args).arg(&input).arg("-o").arg(&out).assert().success();
        fs::read(out).unwrap()
    };
    let (cold, warm, none) = (bulletin("1.wav", true), bulletin("2.wav", true), bulletin("3.wav", false));
    assert!(cold == warm && warm == none, "cached, from the cache and without it: the same bytes");
}

#[test]
fn quiet_prints_nothing_on_success() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", b"Titre\n\nTexte.");
    let out = tmp.path().join("b.wav");
    briefing().arg("build").arg(&input).arg("-q").arg("-o").arg(&out).assert().success().stdout("").stderr("");
    briefing()
        .arg("build")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("wrote"));
}

/// `briefing phonemes`: one line per line, what the voice says after
/// normalizing (shields included: "dix-huit" with /z/, "Trump" in English).
#[test]
fn phonemes_keep_one_line_per_line() {
    let home = TempDir::new().unwrap();
    let run = |args: &[&str], input: &str| {
        let output = briefing()
            .arg("phonemes")
            .args(args)
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_CACHE_HOME", home.path())
            .write_stdin(input)
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    let said = run(&[], "Il a 18 ans.\n\nTrump, le 1er mai.\n");
    let lines: Vec<&str> = said.lines().collect();
    assert_eq!(lines.len(), 3, "{said}");
    assert_eq!(lines[0], "il a dˈizyˈit ˈɑ̃");
    assert!(lines[1].is_empty());
    assert!(lines[2].starts_with("tɹ") && lines[2].contains("pʁəmjˈe mˈɛ"), "{said}");
    assert!(lines[2].split(' ').next().unwrap().chars().count() > 3, "Trump is said whole: {said}");
    assert!(run(&[], "14h30\n").contains("œʁ"), "quatorze heures trente");
    assert!(!run(&["--no-normalize"], "14h30\n").contains("œʁ"), "as written");
    briefing().args(["phonemes", "--voice", "x.onnx"]).write_stdin("a").assert().failure();
}

#[cfg(not(feature = "playback"))]
#[test]
fn speak_without_playback_says_how_to_get_it() {
    let output = briefing().args(["speak", "tests/fixtures/articles"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.trim().lines().count() == 1, "{stderr}");
    assert!(stderr.contains("libasound2-dev"), "{stderr}");
    assert!(stderr.trim_end().ends_with(": cargo install --path . --features playback"), "{stderr}");
}

/// The long options `briefing <command> --help` lists.
fn listed_options(command: &str) -> Vec<String> {
    let output = briefing().args([command, "--help"]).output().unwrap();
    assert!(output.status.success());
    let help = String::from_utf8(output.stdout).unwrap();
    let options = help.lines().filter_map(|line| line.trim_start().split(' ').find(|w| w.starts_with("--")));
    options.map(|w| w.trim_end_matches(',').to_owned()).collect()
}

#[test]
fn podcast_and_speak_list_only_options_they_take() {
    let build = listed_options("build");
    let podcast = listed_options("podcast");
    let speak = listed_options("speak");
    for option in ["--output", "--each", "--dry-run", "--timings", "--subtitles"] {
        assert!(build.iter().any(|o| o == option), "{option}: {build:?}");
        assert!(!podcast.iter().any(|o| o == option), "podcast lists {option}");
    }
    for option in ["--base-url", "--keep", "--encoding", "--title", "--intro", "--voice", "--loudness", "--lexicon"] {
        assert!(podcast.iter().any(|o| o == option), "podcast lacks {option}");
    }
    let file_only = ["--encoding", "--bitrate", "--title", "--artist", "--sample-rate", "--intro", "--outro", "--bed"];
    for option in ["--output", "--each", "--dry-run", "--timings", "--subtitles"].iter().chain(&file_only) {
        assert!(!speak.iter().any(|o| o == option), "speak lists {option}");
    }
    for option in ["--voice", "--loudness", "--true-peak", "--jobs", "--announce", "--json", "--no-cache", "--dialect"]
    {
        assert!(speak.iter().any(|o| o == option), "speak lacks {option}");
    }
    // What speak does not list, it refuses.
    let refused = briefing().args(["speak", "--intro", "x.wav", "a.txt"]).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
}

#[test]
fn a_regional_voice_reads_its_region_s_numbers() {
    let tmp = TempDir::new().unwrap();
    let input = article(tmp.path(), "a.txt", "Il a 70 ans.".as_bytes());
    let said = |extra: &[&str]| {
        let output = briefing().args(["build", "--dry-run"]).args(extra).arg(&input).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(said(&["--voice", "fr-BE"]).contains("Il a septante ans."), "{}", said(&["--voice", "fr-BE"]));
    assert!(said(&["--voice", "fr-CH"]).contains("septante"));
    assert!(said(&["--voice", "fr-FR"]).contains("soixante-dix"));
    assert!(said(&["--voice", "fr-BE", "--dialect", "fr-FR"]).contains("soixante-dix"), "--dialect wins");
}
