//! What a run shows on stderr: a progress bar (sentences done, audio made,
//! time left, then the stages after synthesis) and the warnings.

use briefing::{Observer, Stage};

/// A progress bar on stderr. Drawn only on a terminal, and never with
/// `--quiet` or `--json`; warnings are printed in any case.
pub struct Progress {
    bar: indicatif::ProgressBar,
    sample_rate: u32,
    samples: usize,
    /// Showing a stage after synthesis rather than the sentence count.
    in_stage: bool,
}

impl Progress {
    pub fn new(hidden: bool) -> Self {
        let target =
            if hidden { indicatif::ProgressDrawTarget::hidden() } else { indicatif::ProgressDrawTarget::stderr() };
        Self::drawn_on(target)
    }

    fn drawn_on(target: indicatif::ProgressDrawTarget) -> Self {
        let bar = indicatif::ProgressBar::with_draw_target(None, target);
        bar.set_style(Self::sentences_style());
        Progress { bar, sample_rate: 1, samples: 0, in_stage: false }
    }

    fn sentences_style() -> indicatif::ProgressStyle {
        indicatif::ProgressStyle::with_template("{bar:30} {pos}/{len} sentences, {msg} of audio, {eta} left")
            .expect("a valid template")
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Observer for Progress {
    fn started(&mut self, sentences: usize, sample_rate: u32) {
        // A voice's download may have drawn bytes before.
        self.bar.set_style(Self::sentences_style());
        self.bar.reset();
        self.bar.set_message("");
        self.bar.set_length(sentences as u64);
        self.sample_rate = sample_rate;
    }

    fn sentence(&mut self, samples: usize) {
        if std::mem::replace(&mut self.in_stage, false) {
            self.bar.disable_steady_tick();
            self.bar.set_style(Self::sentences_style());
        }
        self.samples += samples;
        self.bar.set_message(format!("{:.0} s", self.samples as f64 / f64::from(self.sample_rate)));
        self.bar.inc(1);
    }

    /// A stage after synthesis (mastering, writing), which can take most of
    /// a long run: shown with a spinner and the time it has taken.
    fn stage(&mut self, stage: Stage) {
        if !std::mem::replace(&mut self.in_stage, true) {
            let style = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed} so far)")
                .expect("a valid template");
            self.bar.set_style(style);
            self.bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        self.bar.set_message(stage.to_string());
    }

    /// A voice's file downloading: bytes so far, of how many, and the rate.
    fn download(&mut self, file: &str, done: u64, total: u64) {
        if self.bar.length() != Some(total) || self.bar.message() != file {
            let style =
                indicatif::ProgressStyle::with_template("{bar:30} {bytes}/{total_bytes} {msg}, {bytes_per_sec}")
                    .expect("a valid template");
            self.bar.set_style(style);
            self.bar.reset();
            self.bar.set_length(total);
            self.bar.set_message(file.to_owned());
        }
        self.bar.set_position(done);
    }

    fn warning(&mut self, message: &str) {
        self.bar.suspend(|| super::warn(message));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_shows_the_stages_after_synthesis() {
        let term = indicatif::InMemoryTerm::new(4, 100);
        let mut progress = Progress::drawn_on(indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())));
        progress.started(2, 10);
        progress.sentence(20);
        progress.bar.tick();
        assert!(term.contents().contains("1/2 sentences, 2 s of audio"), "{}", term.contents());
        progress.stage(Stage::Mastering);
        progress.bar.tick();
        assert!(term.contents().contains("mastering: loudness and peaks"), "{}", term.contents());
        progress.stage(Stage::Writing("out.wav".into()));
        progress.bar.tick();
        assert!(term.contents().contains("writing out.wav"), "{}", term.contents());
        progress.sentence(10);
        progress.bar.tick();
        assert!(term.contents().contains("2/2 sentences, 3 s of audio"), "{}", term.contents());
    }

    #[test]
    fn a_download_shows_its_bytes_and_rate_then_the_sentences_take_over() {
        let term = indicatif::InMemoryTerm::new(4, 100);
        let mut progress = Progress::drawn_on(indicatif::ProgressDrawTarget::term_like(Box::new(term.clone())));
        progress.download("voice.onnx", 1024 * 1024, 4 * 1024 * 1024);
        progress.bar.tick();
        let shown = term.contents();
        assert!(shown.contains("1.00 MiB/4.00 MiB voice.onnx") && shown.contains("/s"), "{shown}");
        progress.started(2, 10);
        progress.sentence(20);
        progress.bar.tick();
        assert!(term.contents().contains("1/2 sentences, 2 s of audio"), "{}", term.contents());
    }
}
