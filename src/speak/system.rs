//! The operating system's own voice, through the `tts` crate
//! (speech-dispatcher on Linux, AVFoundation on macOS, WinRT on Windows):
//! it speaks each normalized sentence aloud itself, and cannot render to a
//! file, so it serves `speak` only. Our pauses go between its sentences.

use crate::error::{Error, Result};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};
use tts::{Tts, UtteranceId, Voice};

/// The longest a sentence may take before the system's voice is deemed
/// stuck (a speech server whose sound output failed never ends one).
const STUCK_AFTER: Duration = Duration::from_secs(60);

/// What the system's voice says happened to an utterance.
enum Event {
    Begin,
    End(UtteranceId),
}

pub struct SystemVoice {
    tts: Tts,
    events: Receiver<Event>,
    /// When the first utterance began.
    first_sound: Option<Instant>,
}

/// A problem of ours with the system's voice.
fn problem(problem: impl std::fmt::Display) -> Error {
    Error::engine("os", problem)
}

/// The tts crate's error, kept as the cause.
fn failed(e: tts::Error) -> Error {
    Error::engine_failed("os", "the system's voice failed", e)
}

/// The system's French voices: their names and languages.
pub fn french_voices() -> Result<Vec<(String, String)>> {
    let tts = Tts::default().map_err(failed)?;
    Ok(french(&tts)?.iter().map(|v| (v.name(), v.language().to_string())).collect())
}

fn french(tts: &Tts) -> Result<Vec<Voice>> {
    let voices = tts.voices().map_err(failed)?;
    Ok(voices.into_iter().filter(|v| v.language().primary_language() == "fr").collect())
}

impl SystemVoice {
    /// The voice called `name`, or the system's French voice (France's
    /// first, then any other).
    pub fn open(name: Option<&str>) -> Result<Self> {
        let mut tts = Tts::default().map_err(failed)?;
        let voices = french(&tts)?;
        let chosen = match name {
            Some(name) => voices.iter().find(|v| v.name() == name).ok_or_else(|| {
                let names: Vec<String> = voices.iter().take(10).map(|v| v.name()).collect();
                problem(format!("no French system voice called {name:?} (some are: {})", names.join(", ")))
            })?,
            None => voices
                .iter()
                .find(|v| v.language().to_string().eq_ignore_ascii_case("fr-FR"))
                .or(voices.first())
                .ok_or_else(|| problem("the system has no French voice"))?,
        };
        tts.set_voice(chosen).map_err(failed)?;
        let (send, events) = channel();
        let begun = send.clone();
        tts.on_utterance_begin(Some(Box::new(move |_| drop(begun.send(Event::Begin))))).map_err(failed)?;
        let ended = send.clone();
        tts.on_utterance_end(Some(Box::new(move |id| drop(ended.send(Event::End(id)))))).map_err(failed)?;
        tts.on_utterance_stop(Some(Box::new(move |id| drop(send.send(Event::End(id)))))).map_err(failed)?;
        Ok(SystemVoice { tts, events, first_sound: None })
    }

    /// Says `text` and returns once it has been said.
    pub fn say(&mut self, text: &str) -> Result<()> {
        let id = self.tts.speak(text, false).map_err(failed)?;
        let started = Instant::now();
        loop {
            let left = STUCK_AFTER.saturating_sub(started.elapsed());
            match self.events.recv_timeout(left) {
                Ok(Event::Begin) => {
                    self.first_sound.get_or_insert_with(Instant::now);
                }
                Ok(Event::End(ended)) if id.is_none() || Some(ended) == id => return Ok(()),
                Ok(Event::End(_)) => {}
                Err(_) => return Err(problem(format!("said nothing of {text:?} in {} s", STUCK_AFTER.as_secs()))),
            }
        }
    }

    pub fn first_sound(&self) -> Option<Instant> {
        self.first_sound
    }
}
