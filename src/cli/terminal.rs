//! The keys of `briefing speak` on a terminal: space pauses and resumes,
//! `n` skips to the next article, `p` goes back one, `q` (or Ctrl-C)
//! quits. The terminal is put in raw mode to read single keys, and always
//! put back, whatever ends the run.

use briefing::speak::Command;
use briefing::Observer;
use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyModifiers};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::sync::Arc;
use std::time::Duration;

/// Commands from the keyboard, read on a thread of their own while the
/// terminal is in raw mode; none when standard input is not a terminal.
pub struct Keys {
    commands: Receiver<Command>,
    raw: bool,
    stop: Arc<AtomicBool>,
    reader: Option<std::thread::JoinHandle<()>>,
}

impl Keys {
    pub fn start() -> Self {
        let (send, commands) = channel();
        let stop = Arc::new(AtomicBool::new(false));
        let raw = std::io::stdin().is_terminal() && crossterm::terminal::enable_raw_mode().is_ok();
        let reader = raw.then(|| {
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    if !event::poll(Duration::from_millis(50)).unwrap_or(false) {
                        continue;
                    }
                    let Ok(Event::Key(key)) = event::read() else { continue };
                    if let Some(command) = command(key) {
                        if send.send(command).is_err() || command == Command::Quit {
                            return;
                        }
                    }
                }
            })
        });
        Keys { commands, raw, stop, reader }
    }

    pub fn commands(&self) -> &Receiver<Command> {
        &self.commands
    }

    pub fn is_raw(&self) -> bool {
        self.raw
    }
}

fn command(key: KeyEvent) -> Option<Command> {
    match key.code {
        KeyCode::Char(' ') => Some(Command::Pause),
        KeyCode::Char('n') => Some(Command::Next),
        KeyCode::Char('p') => Some(Command::Previous),
        KeyCode::Char('c') if key.modifiers.contains(KeyModifiers::CONTROL) => Some(Command::Quit),
        KeyCode::Char('q') | KeyCode::Esc => Some(Command::Quit),
        _ => None,
    }
}

impl Drop for Keys {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(reader) = self.reader.take() {
            let _ = reader.join();
        }
        if self.raw {
            restore();
        }
    }
}

/// Leaves raw mode if the terminal is in it.
pub fn restore() {
    if crossterm::terminal::is_raw_mode_enabled().unwrap_or(false) {
        let _ = crossterm::terminal::disable_raw_mode();
    }
}

/// Shows the sentence being read, and the warnings.
pub struct Shown {
    pub quiet: bool,
    /// In raw mode a line needs its carriage return.
    pub raw: bool,
}

impl Observer for Shown {
    fn speaking(&mut self, text: &str) {
        if !self.quiet {
            let end = if self.raw { "\r\n" } else { "\n" };
            eprint!("\u{25b6} {text}{end}");
        }
    }

    fn warning(&mut self, message: &str) {
        let end = if self.raw { "\r\n" } else { "\n" };
        eprint!("briefing: warning: {message}{end}");
    }
}
