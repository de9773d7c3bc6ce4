//! The embedded espeak-ng voice (pure-Rust crate, French data bundled in the
//! binary): French from France, Belgium and Switzerland. Also the phonemizer
//! of neural voices trained on espeak-ng phonemes.

mod english;
mod homograph;
mod piper_ipa;
mod pronounce;
mod respell;
mod safe_text;
mod voice_data;

use super::pieces;
use super::{Engine, VoiceInfo, VoiceOptions};
use crate::audio;
use crate::error::{Error, Result};
use espeak_ng::synthesize::{intonation, setlengths};
use espeak_ng::translate::PhonemeCode;
use espeak_ng::{translate, voices, EspeakNg, PhonemeData, Synthesizer, Translator, VoiceParams};
use std::path::Path;

/// (voice name, espeak language, description)
const VOICES: [(&str, &str, &str); 3] = [
    ("fr-FR", "fr", "French (France), embedded"),
    ("fr-BE", "fr-be", "French (Belgium), embedded"),
    ("fr-CH", "fr-ch", "French (Switzerland), embedded"),
];

/// The espeak language C espeak-ng switches to for English words.
const ENGLISH: &str = "en";
/// A French word put after a French run that an English one follows, so
/// that the run is said as inside a clause, then left off; it starts with a
/// consonant, so no liaison reaches it. Its IPA, stress marks removed.
const CONTEXT_WORD: &str = "pas";
const CONTEXT_IPA: &str = "pa";
/// espeak-ng's normal pace and the range it accepts, words per minute.
const NORMAL_RATE_WPM: f32 = 175.0;
/// At the same nominal rate the crate speaks slower than C espeak-ng (its
/// speech, pauses left out, lasted 1.139 times C's on the example articles:
/// `scripts/bench-voice.sh`); `--rate 1` is C's default pace.
const PACE_TO_MATCH_C: f32 = 1.14;
const RATE_RANGE_WPM: (u32, u32) = (80, 450);
/// Longest piece of a clause handed to the engine at once. It needs no cut:
/// a clause of 100 to 50,000 characters without punctuation was measured
/// spoken whole, in time proportional to its length, no word dropped, no
/// pause added (`long_clauses_are_spoken_whole` keeps 3,000 checked). This
/// only bounds what it is given.
const LONGEST_PIECE_CHARS: usize = 10_000;
/// espeak's default voice `pitch 80 118`, the reference for a voice's own.
const DEFAULT_PITCH: (f64, f64) = (80.0, 118.0);
/// The pause at a comma (and between clauses) at `--rate 1`: C espeak-ng's
/// measure 0.15 to 0.20 s.
const CLAUSE_GAP_SECONDS: f32 = 0.17;
/// The silence between two pieces of a clause synthesized apart so that no
/// liaison crosses a quote or a bracket, as C espeak-ng makes none there.
const WORD_GAP_SECONDS: f32 = 0.05;
/// 16-bit samples to [-1, 1].
const PCM_SCALE: f32 = 32768.0;

pub fn voices() -> Vec<VoiceInfo> {
    VOICES.iter().map(|&(name, _, description)| VoiceInfo { engine: "espeak-ng", name, description }).collect()
}

/// A loaded French voice. The crate's `EspeakNg::synth` re-reads the
/// dictionary, phoneme tables and voice files from disk on every call (about
/// thirty files); loading them once here gives the same samples for a third
/// less time.
pub struct Espeak {
    voice: &'static str,
    translator: Translator,
    phonemes: PhonemeData,
    params: VoiceParams,
    clause_gap: usize,
    word_gap: usize,
    english: english::EnglishWords,
    /// English words are said with the English rules and phoneme table, in
    /// the French voice, as C espeak-ng says them.
    english_translator: Translator,
    english_phonemes: PhonemeData,
}

/// The espeak voice called `voice`, or `None` if it is not one of ours.
pub fn open(voice: &str, options: &VoiceOptions) -> Result<Option<Espeak>> {
    let Some(&(name, language, _)) = VOICES.iter().find(|(name, ..)| name.eq_ignore_ascii_case(voice)) else {
        return Ok(None);
    };
    let failed = |e: espeak_ng::Error| Error::engine_failed(name, "cannot load the voice", e);
    let data = voice_data::data_dir().map_err(|e| Error::engine_failed(name, "cannot extract voice data", e))?;
    let translator = Translator::new(language, Some(&data)).map_err(failed)?;
    let mut phonemes = PhonemeData::load(&data).map_err(failed)?;
    translate::select_phoneme_table(&mut phonemes, &data, language).map_err(failed)?;
    let rate = engine_wpm(options.rate);
    let params = voice_params(&data, language, rate, u32::from(options.pitch.min(100)));
    let clause_gap = audio::samples_in(CLAUSE_GAP_SECONDS / options.rate, params.sample_rate);
    let english = english::EnglishWords::new(&data, language).map_err(failed)?;
    let english_translator = Translator::new(ENGLISH, Some(&data)).map_err(failed)?;
    let mut english_phonemes = PhonemeData::load(&data).map_err(failed)?;
    translate::select_phoneme_table(&mut english_phonemes, &data, ENGLISH).map_err(failed)?;
    let word_gap = audio::samples_in(WORD_GAP_SECONDS / options.rate, params.sample_rate);
    Ok(Some(Espeak {
        voice: name,
        translator,
        phonemes,
        params,
        clause_gap,
        word_gap,
        english,
        english_translator,
        english_phonemes,
    }))
}

/// The rate handed to the crate for a `--rate`, words per minute.
fn engine_wpm(rate: f32) -> u32 {
    ((NORMAL_RATE_WPM * PACE_TO_MATCH_C * rate).round() as u32).clamp(RATE_RANGE_WPM.0, RATE_RANGE_WPM.1)
}

/// Voice parameters as `EspeakNg` derives them for a voice without variant,
/// from the language's voice file and the user's rate and pitch.
fn voice_params(data: &Path, language: &str, rate_wpm: u32, pitch: u32) -> VoiceParams {
    let (pitch1, pitch2) =
        voices::voice_pitch(data, language).map_or(DEFAULT_PITCH, |(low, high)| (f64::from(low), f64::from(high)));
    let formant_shift = (pitch1 - DEFAULT_PITCH.0) / DEFAULT_PITCH.0;
    let stress_lengths = voices::voice_stress_length(data, language)
        .filter(|lengths| lengths.len() >= 8)
        .map(|lengths| std::array::from_fn(|i| lengths[i].max(0) as u32));
    let defaults = VoiceParams::default();
    VoiceParams {
        speed_percent: ((100.0 / setlengths::speed_duration_factor(rate_wpm)).round() as u32).clamp(20, 800),
        pitch_hz: intonation::base_pitch_hz(pitch1, pitch).round() as u32,
        pitch_range_units: (pitch2 - pitch1) * 108.0,
        formant_factor: ((1.0 + formant_shift / 4.0) * 256.0).round() as i32,
        amplitude: defaults.user_volume / 2,
        user_rate_wpm: rate_wpm,
        user_pitch: pitch,
        stress_lengths,
        intonation_group: voices::voice_intonation(data, language).map_or(1, usize::from),
        ..defaults
    }
}

impl Espeak {
    /// IPA of what [`Engine::synthesize`] says for prepared text, in the
    /// notation of `espeak-ng -q --ipa` (stress marks, ties), from the very
    /// pieces the engine is given; clause breaks are spaces.
    /// English words are printed inline, as C prints them between its
    /// "(en)" and "(fr)" marks.
    pub fn phonemes(&self, prepared: &str) -> Result<String> {
        let mut said: Vec<String> = Vec::new();
        for (piece, _) in engine_pieces(prepared) {
            let mut hyphen = false;
            let runs = english::runs(&piece);
            for (i, (run, language)) in runs.iter().enumerate() {
                let (translator, _) = self.language(*language);
                let failed = |e| Error::engine_failed(self.voice, "cannot find the phonemes", e);
                let ipa = match *language {
                    english::Language::French if i + 1 < runs.len() => {
                        let said = translator.text_to_ipa(&format!("{run} {CONTEXT_WORD}")).map_err(failed)?;
                        match said.trim_end().rsplit_once(char::is_whitespace) {
                            Some((before, last)) if last.replace(['ˈ', 'ˌ'], "") == CONTEXT_IPA => before.to_owned(),
                            _ => translator.text_to_ipa(run).map_err(failed)?,
                        }
                    }
                    _ => translator.text_to_ipa(run).map_err(failed)?,
                };
                let mut words = ipa.split_whitespace().map(str::to_owned);
                // A word whose parts are in two languages ("burn-out":
                // English, then French) is one word, as C prints it.
                if let Some(last) = said.last_mut().filter(|_| hyphen) {
                    last.push_str(&words.next().unwrap_or_default());
                }
                said.extend(words);
                hyphen = run.ends_with('-');
            }
        }
        Ok(said.join(" "))
    }

    /// The rules and phoneme table of a language.
    fn language(&self, language: english::Language) -> (&Translator, &PhonemeData) {
        match language {
            english::Language::French => (&self.translator, &self.phonemes),
            english::Language::English => (&self.english_translator, &self.english_phonemes),
        }
    }

    /// A piece of a clause, spoken run by run, each in its own language;
    /// the runs' edges are trimmed and they are joined with no pause, as C
    /// espeak-ng switches language between two words.
    fn speak(&self, piece: &str) -> Result<Vec<f32>> {
        let runs = english::runs(piece);
        if let [(run, language)] = runs.as_slice() {
            return self.speak_in(run, *language, false);
        }
        let mut samples = Vec::new();
        let last = runs.len().saturating_sub(1);
        for (i, (run, language)) in runs.iter().enumerate() {
            if run.chars().any(char::is_alphanumeric) {
                samples.extend_from_slice(audio::trim_silence(&self.speak_in(run, *language, i < last)?));
            }
        }
        Ok(samples)
    }

    /// `text` in one language; `followed` when another run comes after it
    /// in the clause, so that a French run's last word is said as inside a
    /// clause ("le" unstressed and short before "meeting"), not as its end.
    fn speak_in(&self, text: &str, language: english::Language, followed: bool) -> Result<Vec<f32>> {
        let failed = |e: espeak_ng::Error| Error::engine_failed(self.voice, "cannot speak", e);
        let (translator, phonemes) = self.language(language);
        let codes = match language {
            english::Language::French if followed => self.codes_in_context(text)?,
            _ => translator.translate_to_codes(text).map_err(failed)?,
        };
        let pcm = Synthesizer::new(self.params.clone()).synthesize_codes(&codes, phonemes).map_err(failed)?;
        Ok(pcm.iter().map(|&s| f32::from(s) / PCM_SCALE).collect())
    }

    /// French codes of `text` as said before another word: those of `text`
    /// and [`CONTEXT_WORD`], the word's own left off (or, should the rules
    /// have joined the two, those of `text` alone).
    fn codes_in_context(&self, text: &str) -> Result<Vec<PhonemeCode>> {
        let failed = |e: espeak_ng::Error| Error::engine_failed(self.voice, "cannot speak", e);
        let sounds = |codes: &[PhonemeCode]| -> Vec<u8> {
            codes.iter().filter(|c| !c.is_boundary && c.marker.is_none()).map(|c| c.code).collect()
        };
        let word = self.translator.translate_to_codes(CONTEXT_WORD).map_err(failed)?;
        let mut codes = self.translator.translate_to_codes(&format!("{text} {CONTEXT_WORD}")).map_err(failed)?;
        match codes.iter().rposition(|c| c.is_boundary) {
            Some(cut) if sounds(&codes[cut..]) == sounds(&word) => {
                codes.truncate(cut);
                Ok(codes)
            }
            _ => self.translator.translate_to_codes(text).map_err(failed),
        }
    }
}

impl Engine for Espeak {
    fn describe(&self) -> String {
        format!("espeak-ng {}", self.voice)
    }

    fn sample_rate(&self) -> u32 {
        self.params.sample_rate
    }

    fn cache_key(&self) -> String {
        let p = &self.params;
        let (voice, gap, word_gap) = (self.voice, self.clause_gap, self.word_gap);
        format!(
            "espeak-ng 0.2.0 {voice} wpm={} pitch={} gap={gap} word-gap={word_gap} piece={LONGEST_PIECE_CHARS} shields=6",
            p.user_rate_wpm, p.user_pitch
        )
    }

    fn prepare(&self, text: &str) -> String {
        let hidden = pronounce::hide(&safe_text::engine_safe(text));
        pronounce::phonemes(&self.english.mark(&respell::respell(&hidden)))
    }

    /// Clause by clause: the engine carries liaison across commas and every
    /// other mark ("grands, et" read "grand-z-et"), so each clause is spoken
    /// on its own and joined with the pause the engine would have made.
    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
        let pieces = engine_pieces(prepared);
        let gap = |join| if join == Join::Word { self.word_gap } else { self.clause_gap };
        let spaced: Vec<(&str, usize)> = pieces.iter().map(|(piece, join)| (piece.as_str(), gap(*join))).collect();
        pieces::speak_spaced(&spaced, |piece| self.speak(piece))
    }
}

/// IPA phonemes of text, with its punctuation, as neural voices trained on
/// espeak-ng phonemes expect them.
pub struct Phonemizer {
    engine: EspeakNg,
    /// For the French voices: their English words, found and phonemized in
    /// English as by the embedded voice (and by C espeak-ng).
    english: Option<(english::EnglishWords, EspeakNg)>,
}

impl Phonemizer {
    /// A phonemizer for an espeak voice such as "fr" or "en-us".
    pub fn new(language: &str) -> Result<Self> {
        let language = language.to_ascii_lowercase();
        if !voice_data::LANGUAGES.contains(&language.as_str()) {
            let bundled = voice_data::LANGUAGES.join(", ");
            return Err(Error::engine(&language, format!("no phonemes for this espeak voice (bundled: {bundled})")));
        }
        let data =
            voice_data::data_dir().map_err(|e| Error::engine_failed(&language, "cannot extract voice data", e))?;
        let failed = |language: &str| {
            let language = language.to_owned();
            move |e: espeak_ng::Error| Error::engine_failed(language, "cannot load the phonemizer", e)
        };
        let engine = EspeakNg::with_data_dir(&language, &data).map_err(failed(&language))?;
        let english = if language.starts_with("fr") {
            let words = english::EnglishWords::new(&data, &language).map_err(failed(&language))?;
            let engine = EspeakNg::with_data_dir(ENGLISH, &data).map_err(failed(ENGLISH))?;
            Some((words, engine))
        } else {
            None
        };
        Ok(Phonemizer { engine, english })
    }

    /// The text made safe for the phonemizer, which shares the engine's
    /// defects.
    pub fn prepare(&self, text: &str) -> String {
        let safe = safe_text::engine_safe(text);
        match &self.english {
            Some((words, _)) => pronounce::phonemes(&words.mark(&respell::respell(&pronounce::hide(&safe)))),
            None => safe,
        }
    }

    /// Phonemes of prepared text as piper-tts gives them to a voice (see
    /// `piper_ipa`), clause by clause so that no liaison crosses a comma.
    pub fn phonemes(&self, prepared: &str) -> Result<String> {
        let mut said: Vec<String> = Vec::new();
        let pieces = engine_pieces(prepared);
        for (p, (clause, _)) in pieces.iter().enumerate() {
            // A piece cut at a quote or a bracket goes on with the next.
            let clause_ends = pieces.get(p + 1).is_none_or(|(_, join)| *join == Join::Clause);
            let runs = english::runs(clause);
            for (k, (run, language)) in runs.iter().enumerate() {
                let next = runs.get(k + 1).map(|(_, l)| *l);
                let phonemes = self.run_phonemes(run, *language, next, clause_ends)?;
                match said.last_mut().filter(|_| k > 0 && runs[k - 1].0.ends_with('-')) {
                    // A word whose parts are in two languages ("pop-up",
                    // "fast-food") is one word, as C says it.
                    Some(last) => piper_ipa::join_hyphenated(last, &phonemes),
                    None => said.push(phonemes),
                }
            }
        }
        Ok(piper_ipa::joined(&said))
    }

    /// Phonemes of one run of a clause, in its language: a French run gets
    /// what C espeak-ng says and the crate does not. A run that another one
    /// follows in its clause is said with a stand-in after it, so that its
    /// last word is said as inside the clause ("start-up" stˈɑːtˌʌp, not
    /// stˈɑːtˈʌp as at a clause's end).
    fn run_phonemes(
        &self,
        run: &str,
        language: english::Language,
        next: Option<english::Language>,
        clause_ends: bool,
    ) -> Result<String> {
        let (engine, french) = match (&self.english, language) {
            (Some((_, english)), english::Language::English) => (english, false),
            (english, _) => (&self.engine, english.is_some()),
        };
        let stand_in = match (french, next) {
            (true, Some(english::Language::English)) => Some(piper_ipa::StandIn::French),
            (false, Some(_)) => Some(piper_ipa::StandIn::English),
            _ => None,
        };
        let text = stand_in.map_or_else(|| run.to_owned(), |stand_in| stand_in.after(run));
        let phonemes = engine
            .text_to_phonemes_phonemizer(&text)
            .map_err(|e| Error::engine_failed("phonemizer", "cannot find the phonemes", e))?;
        let phonemes = piper_ipa::without_marks(phonemes.trim());
        let phonemes = if stand_in.is_some() { piper_ipa::without_stand_in(&phonemes) } else { phonemes };
        Ok(match &self.english {
            Some((words, _)) if french => {
                let ends = clause_ends && next.is_none();
                piper_ipa::with_glides(&french_stresses(words, run, &phonemes, ends))
            }
            _ => phonemes,
        })
    }
}

/// A French run's phonemes with the stresses C gives them and the crate
/// does not, inside its clause (`ends`: the run ends its clause): a word
/// after an elision stressed as alone, a plural such as "mois" with a
/// secondary stress, a verb such as "sont" after "ils" unstressed.
fn french_stresses(words: &english::EnglishWords, run: &str, phonemes: &str, ends: bool) -> String {
    let phonemes = piper_ipa::without_elision_stress(run, phonemes);
    piper_ipa::word_by_word(run, &phonemes, |word, said| {
        if word.last && ends {
            said.to_owned()
        } else if words.unstressed_plural(word.written) {
            piper_ipa::secondary(said)
        } else if words.unstressed_verb(word.before, word.written) {
            piper_ipa::unstressed(said)
        } else {
            said.to_owned()
        }
    })
}

/// How a piece the engine is given follows the one before it: after a
/// clause pause, or at once (a quote or a bracket between them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Join {
    Clause,
    Word,
}

/// What the engine is given of a sentence, in order: its clauses, each cut
/// where a liaison must not cross, and further where one is longer than the
/// engine takes at once.
fn engine_pieces(sentence: &str) -> Vec<(String, Join)> {
    let mut out = Vec::new();
    for clause in clauses(sentence) {
        for (g, group) in liaison_groups(&clause).iter().enumerate() {
            for (p, piece) in pieces::cut(group, LONGEST_PIECE_CHARS).into_iter().enumerate() {
                out.push((piece, if g > 0 && p == 0 { Join::Word } else { Join::Clause }));
            }
        }
    }
    out
}

/// A clause cut at its quotes and brackets: C espeak-ng makes no liaison
/// across them (`"troupes jihadistes" ont`, `familles (adultes`), the crate
/// does, so the parts are spoken apart. A mark stays with the words it
/// encloses; a straight quote opens when a word follows it.
fn liaison_groups(clause: &str) -> Vec<String> {
    let chars: Vec<char> = clause.chars().collect();
    let mut groups = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let space_before = i > 0 && chars[i - 1].is_whitespace();
        let space_after = chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        // Square brackets are phonemes ("[[asp'E]]"), the text's own
        // being round by now (`safe_text`): liaison goes into them.
        let opening = matches!(c, '«' | '“' | '(') || (c == '"' && !space_after);
        let closing = matches!(c, '»' | '”' | ')') || (c == '"' && space_after && !space_before);
        if opening && space_before && !current.trim().is_empty() {
            groups.push(std::mem::take(&mut current).trim().to_owned());
        }
        current.push(c);
        if closing && space_after && i + 1 < chars.len() {
            groups.push(std::mem::take(&mut current).trim().to_owned());
        }
    }
    groups.push(current.trim().to_owned());
    groups.retain(|g| !g.is_empty());
    groups
}

/// Clauses of a sentence, each keeping its own punctuation so the engine
/// gives it the right intonation. A spaced dash becomes a comma.
fn clauses(sentence: &str) -> Vec<String> {
    let mut clauses = Vec::new();
    let mut current = String::new();
    let all: Vec<char> = sentence.chars().collect();
    for (i, &c) in all.iter().enumerate() {
        let spaced_after = all.get(i + 1).is_some_and(|n| n.is_whitespace());
        let spaced_dash = matches!(c, '–' | '—') && spaced_after && current.ends_with(' ');
        if spaced_dash {
            current.truncate(current.trim_end().len());
            current.push(',');
        } else {
            current.push(c);
        }
        if spaced_dash || (matches!(c, ',' | ';' | ':') && spaced_after) || ends_inner_sentence(&all, i) {
            clauses.push(std::mem::take(&mut current).trim().to_owned());
        }
    }
    clauses.push(current.trim().to_owned());
    clauses.retain(|c| !c.is_empty());
    clauses
}

/// Whether the mark at `i` ends a sentence inside the text (a line with
/// several, as `briefing phonemes --no-normalize` reads them), where C
/// espeak-ng starts a clause and makes no liaison: ".", "!", "?" or "…"
/// after a word of three letters or more ("M. Dupont" and "J.-C." go on),
/// then a space and a capital or an opening mark.
fn ends_inner_sentence(chars: &[char], i: usize) -> bool {
    if !matches!(chars[i], '.' | '!' | '?' | '…') || !chars.get(i + 1).is_some_and(|c| c.is_whitespace()) {
        return false;
    }
    let word = chars[..i].iter().rev().filter(|&&c| !english::is_mark(c)).take_while(|c| c.is_alphabetic()).count();
    let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
    word >= 3 && next.is_some_and(|&n| n.is_uppercase() || matches!(n, '«' | '"' | '“' | '(' | '—' | '–'))
}

#[cfg(test)]
mod tests {
    use super::*;

    use espeak_ng::Parameter;

    fn french() -> EspeakNg {
        EspeakNg::with_data_dir("fr", &voice_data::data_dir().unwrap()).unwrap()
    }

    /// Loading once must not change a single sample of what the crate makes.
    #[test]
    fn same_samples_as_the_crate_engine() {
        let text = "Le gouvernement a présenté mardi un plan d'économies. « Qui paiera ? » Les 1.200 km, 3,5 %.";
        for (name, language, _) in VOICES {
            for (rate, pitch) in [(1.0, 50), (0.6, 20), (2.2, 90)] {
                let ours = open(name, &VoiceOptions { rate, pitch, ..VoiceOptions::default() }).unwrap().unwrap();
                let mut reference = EspeakNg::with_data_dir(language, &voice_data::data_dir().unwrap()).unwrap();
                reference.set_parameter(Parameter::Rate, engine_wpm(rate) as i32);
                reference.set_parameter(Parameter::Pitch, i32::from(pitch));
                let (expected, rate_hz) = reference.synth(text).unwrap();
                let expected: Vec<f32> = expected.iter().map(|&s| f32::from(s) / PCM_SCALE).collect();
                assert_eq!(ours.speak(text).unwrap(), expected, "{name} rate {rate} pitch {pitch}");
                assert_eq!(ours.sample_rate(), rate_hz);
            }
        }
    }

    /// "ma?trise" must be read to its end once made safe, whatever the
    /// letter: this is how `data/espeak-letters.tsv` was found, and keeps it
    /// complete and correct.
    #[test]
    fn no_latin_letter_cuts_a_word_off() {
        let engine = french();
        let letters = ('\u{C0}'..='\u{2AF}').chain('\u{1E00}'..='\u{1EFF}').filter(|c| c.is_alphabetic());
        let cut: String = letters
            .filter(|&c| {
                let word = safe_text::engine_safe(&format!("ma{c}trise"));
                let phonemes = engine.text_to_phonemes(&word).unwrap();
                !phonemes.contains("tʁiz") && !phonemes.contains("tʁˈiz")
            })
            .collect();
        assert_eq!(cut, "", "letters that still cut words off");
    }

    #[test]
    fn every_mapped_letter_was_unreadable() {
        let engine = french();
        for (letter, _) in safe_text::parse_letters(safe_text::LETTERS_TSV) {
            let phonemes = engine.text_to_phonemes(&format!("ma{letter}trise")).unwrap();
            assert!(!phonemes.contains("tʁiz") && !phonemes.contains("tʁˈiz"), "{letter} needs no mapping");
        }
    }

    #[test]
    fn no_liaison_across_a_comma() {
        let engine = french();
        let said: Vec<String> =
            clauses("Ils sont grands, et forts.").iter().map(|c| engine.text_to_phonemes(c).unwrap()).collect();
        assert!(said[0].ends_with("ɡʁˈɑ̃"), "{said:?}");
        assert!(
            engine.text_to_phonemes("Ils sont grands, et forts.").unwrap().contains("ɑ̃z"),
            "the defect this shields"
        );
    }

    #[test]
    fn speech_is_trimmed_and_clauses_are_spaced() {
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let one = engine.synthesize("Ils sont grands,").unwrap();
        let two = engine.synthesize("et forts.").unwrap();
        let both = engine.synthesize("Ils sont grands, et forts.").unwrap();
        assert_eq!(both.len(), one.len() + engine.clause_gap + two.len());
        assert!(one[0].abs() > 0.001 && one[one.len() - 1].abs() > 0.001);
    }

    /// Words of a clause with no punctuation, at least `chars` long.
    fn unpunctuated(chars: usize) -> String {
        let words = "le conseil municipal a voté mardi soir un budget qui prévoit la rénovation des écoles du quartier";
        let mut clause = words.to_owned();
        while clause.chars().count() < chars {
            clause = format!("{clause} {words}");
        }
        clause
    }

    fn longest_silence(samples: &[f32]) -> usize {
        samples.split(|s| s.abs() > 0.002).map(<[f32]>::len).max().unwrap_or(0)
    }

    /// The engine needs no cut: a clause of 3,000 characters without
    /// punctuation is spoken to its end (as long as its words said a dozen
    /// at a time) with no pause in it.
    #[test]
    fn long_clauses_are_spoken_whole() {
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let clause = unpunctuated(3_000);
        let whole = engine.speak(&clause).unwrap();
        let whole = audio::trim_silence(&whole);
        let words: Vec<&str> = clause.split(' ').collect();
        let in_parts: usize =
            words.chunks(12).map(|part| audio::trim_silence(&engine.speak(&part.join(" ")).unwrap()).len()).sum();
        let ratio = whole.len() as f64 / in_parts as f64;
        assert!((0.97..1.01).contains(&ratio), "{ratio}");
        assert!(longest_silence(whole) < engine.clause_gap / 2, "no pause inside");
    }

    /// Beyond what it takes at once, a clause is cut for the engine and the
    /// cut is heard as a clause pause.
    #[test]
    fn the_engine_receives_bounded_pieces() {
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let sentence = format!("{}, et la séance est levée.", unpunctuated(LONGEST_PIECE_CHARS * 3 / 2));
        let pieces = engine_pieces(&sentence);
        assert_eq!(pieces.len(), 3, "the long clause in two pieces, then the last clause");
        assert!(pieces.iter().all(|(p, _)| p.chars().count() <= LONGEST_PIECE_CHARS));
        assert!(pieces.iter().all(|(_, join)| *join == Join::Clause));
        let pieces: Vec<String> = pieces.into_iter().map(|(piece, _)| piece).collect();
        assert_eq!(pieces.join(" "), sentence);
        let spoken: usize = pieces.iter().map(|p| audio::trim_silence(&engine.speak(p).unwrap()).len()).sum();
        let gaps = 2 * engine.clause_gap;
        assert_eq!(engine.synthesize(&sentence).unwrap().len(), spoken + gaps);
    }

    #[test]
    fn phonemes_keep_punctuation_and_no_liaison_crosses_a_comma() {
        let french = Phonemizer::new("fr").unwrap();
        let said = french.phonemes(&french.prepare("Ils sont grands, et maîtrisés.")).unwrap();
        assert!(said.contains("ɡʁˈɑ̃,"), "{said}");
        assert!(said.contains("mɛtʁizˈe"), "{said}");
        assert!(said.ends_with('.'), "{said}");
        let english = Phonemizer::new("en-US").unwrap();
        assert!(english.phonemes("Hello world.").unwrap().starts_with("həlˈoʊ"));
        assert!(Phonemizer::new("de").is_err());
    }

    /// An English word is said by the English rules and phoneme table, its
    /// run joined to the French ones edge to edge, and printed inline.
    #[test]
    fn english_words_are_said_in_english_without_a_pause() {
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let prepared = engine.prepare("Donald Trump a parlé.");
        let said = engine.phonemes(&prepared).unwrap();
        assert!(said.contains("tɹˈʌmp"), "{said}");
        let runs = english::runs(&prepared);
        assert_eq!(runs.len(), 3, "{runs:?}");
        let parts: usize = runs
            .iter()
            .enumerate()
            .map(|(i, (run, language))| audio::trim_silence(&engine.speak_in(run, *language, i < 2).unwrap()).len())
            .sum();
        let whole = engine.synthesize(&prepared).unwrap();
        assert_eq!(whole.len(), parts);
        assert_eq!(whole, engine.synthesize(&prepared).unwrap());
        let french = Phonemizer::new("fr").unwrap();
        let said = french.phonemes(&french.prepare("Donald Trump, oui.")).unwrap();
        assert!(said.contains("tɹˈʌmp"), "{said}");
    }

    /// What piper-tts's C espeak-ng gives (tests/piper_oracle.rs): an
    /// English word inside its clause said as there, a word of two
    /// languages as one, a word after an elision stressed as alone, "mois"
    /// unstressed inside its clause.
    #[test]
    fn piper_phonemes_are_c_s_where_the_crate_differs() {
        let french = Phonemizer::new("fr").unwrap();
        let said = |text: &str| french.phonemes(&french.prepare(text)).unwrap();
        assert_eq!(said("la start-up française"), "la- stˈɑːtˌʌp fʁɑ̃sˈɛz");
        assert_eq!(said("la start-up"), "la- stˈɑːtˈʌp", "at the clause's end");
        assert_eq!(said("un pop-up complet"), "œ̃ pˈɔpˌʌp kɔ̃plˈɛ");
        assert_eq!(said("le fast-food du coin"), "lə- fˈastfˈuːd dy- kwˈɛ̃");
        assert_eq!(said("jusqu'à Paris"), "ʒyska paʁˈi");
        assert_eq!(said("d'avant la crise"), "davˌɑ̃ la- kʁˈiz");
        assert_eq!(said("six mois de grève, deux mois."), "sˈi mwˌa də- ɡʁˈɛv, dˈø mwˈa.");
        assert_eq!(said("les mois \"noirs\""), "le- mwˌa nwˈaʁ", "a quote ends no clause");
        assert_eq!(said("ils se sont vus, je suis venu, j'ai vu"), "il sə- sɔ̃ vˈy, ʒə- syˌi vənˈy, ʒe vˈy");
        assert_eq!(said("les loups sont partis, ils en sont."), "le- lˈu sˈɔ̃ paʁtˈi, ilz ɑ̃ sˈɔ̃.");
    }

    /// A word after an elision keeps all its letters, said as C says it
    /// (issue 21's examples).
    #[test]
    fn words_after_an_elision_are_said_whole() {
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let said = |text: &str| engine.phonemes(&engine.prepare(text)).unwrap();
        assert_eq!(said("Le patron d'OpenAI a parlé."), "lə- patʁˈɔ̃ dopˈɛn aˈi a paʁlˈe");
        assert_eq!(said("Jusqu'OpenAI a parlé."), "ʒyskopˈɛn aˈi a paʁlˈe");
        assert_eq!(said("l'iPad d'Elizabeth"), "lˈi pˈad dɪlˈɪzəbəθ");
        assert_eq!(
            said("l'iPhone, d'Airbnb, l'Uber, qu'Instagram, l'Eurostar."),
            "lˈi fˈɔn dˈɛʁbnb lybˈe kɛ̃staɡʁˈam løʁɔstˈaʁ"
        );
    }

    #[test]
    fn no_liaison_crosses_a_quote_or_a_bracket() {
        assert_eq!(
            liaison_groups(r#"Des "troupes jihadistes" ont vu des familles (adultes et enfants) ici"#),
            [r#"Des"#, r#""troupes jihadistes""#, "ont vu des familles", "(adultes et enfants)", "ici"]
        );
        assert_eq!(liaison_groups("« Qui paiera ? »"), ["« Qui paiera ? »"]);
        assert_eq!(liaison_groups("le « dernier » explique"), ["le", "« dernier »", "explique"]);
        let engine = open("fr-FR", &VoiceOptions::default()).unwrap().unwrap();
        let said = engine.phonemes(r#"Des "troupes jihadistes" ont été vues."#).unwrap();
        assert!(said.contains("ʒjadˈist ˈɔ̃t") || said.contains("ʒjadist ɔ̃t"), "{said}");
        let pieces = engine_pieces("Il a dit « oui », puis (enfin) non.");
        let joins: Vec<Join> = pieces.iter().map(|(_, join)| *join).collect();
        assert_eq!(joins, [Join::Clause, Join::Word, Join::Clause, Join::Word, Join::Word]);
    }

    #[test]
    fn sentences_split_into_clauses() {
        assert_eq!(
            clauses("Ils sont grands, et forts; dit-il: oui – vraiment — non."),
            ["Ils sont grands,", "et forts;", "dit-il:", "oui,", "vraiment,", "non."]
        );
        assert_eq!(clauses("3,5 % et 1.200 km"), ["3,5 % et 1.200 km"]);
        assert_eq!(clauses("Ils sont partis. Arrivés, ils"), ["Ils sont partis.", "Arrivés,", "ils"]);
        assert_eq!(clauses("M. Dupont et J.-C. Martin. Eux"), ["M. Dupont et J.-C. Martin.", "Eux"]);
        assert_eq!(clauses("« Qui paiera ? » dit-il"), ["« Qui paiera ? » dit-il"]);
    }
}
