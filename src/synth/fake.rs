//! The one fake engine of the unit tests: it "speaks" one sample a
//! character, at 10 samples a second, so that every
//! timing is known; "boom" in a sentence is an engine error and "crash" a
//! panic, to test how failures travel. A slow one takes a set time over
//! each sentence, to test what happens while a run is under way.

use super::Engine;
use crate::error::{Error, Result};

pub struct Fake {
    name: &'static str,
    /// Wall time each sentence takes to make.
    delay: std::time::Duration,
}

impl Fake {
    /// A fake voice called `name`, a tenth of a second a character.
    pub fn new(name: &'static str) -> Self {
        Fake { name, delay: std::time::Duration::ZERO }
    }

    /// [`Fake::new`], taking `delay` over each sentence.
    pub fn slow(name: &'static str, delay: std::time::Duration) -> Self {
        Fake { name, delay }
    }
}

impl Engine for Fake {
    fn describe(&self) -> String {
        self.name.to_owned()
    }

    fn sample_rate(&self) -> u32 {
        10
    }

    fn cache_key(&self) -> String {
        format!("fake {}", self.name)
    }

    /// In capitals: what the engine was sent differs from the text.
    fn prepare(&self, text: &str) -> String {
        text.to_uppercase()
    }

    /// One non-zero sample a character; two voices give different ones.
    fn synthesize(&self, prepared: &str) -> Result<Vec<f32>> {
        if prepared.contains("BOOM") {
            return Err(Error::engine(self.name, "cannot say boom"));
        }
        assert!(!prepared.contains("CRASH"), "engine bug");
        std::thread::sleep(self.delay);
        let level = 0.25 + (self.name.len() % 16) as f32 / 64.0;
        Ok(prepared.chars().map(|_| level).collect())
    }
}
