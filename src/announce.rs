//! What the bulletin says around the articles: an opening with the date and
//! the headlines, each article's title as it is announced, a closing line.
//! Each is a template with placeholders; the result is ordinary French text
//! that goes through splitting and normalization like any article, so
//! "mardi 1er décembre 2026" is read "mardi premier décembre deux mille
//! vingt-six".

use crate::error::{Error, Result};
use chrono::{Datelike, NaiveDateTime, Timelike};
use std::sync::LazyLock;

/// The templates, as the config file or the command line gives them. An
/// empty template leaves its part out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates {
    /// Placeholders: `{date}`, `{time}`.
    pub opening: String,
    /// Said after the opening when some article has a title. Placeholders:
    /// `{headlines}` (the titles, one sentence each), `{date}`, `{time}`.
    pub summary: String,
    /// How each article's title is announced. Placeholders: `{title}`.
    pub title: String,
    /// Placeholders: `{date}`, `{time}`.
    pub closing: String,
}

impl Templates {
    pub const OPENING: &str = "Bulletin du {date}.";
    pub const SUMMARY: &str = "Au sommaire : {headlines}";
    pub const TITLE: &str = "{title}";
    pub const CLOSING: &str = "C'était votre bulletin du {date}.";
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            opening: Self::OPENING.into(),
            summary: Self::SUMMARY.into(),
            title: Self::TITLE.into(),
            closing: Self::CLOSING.into(),
        }
    }
}

/// Templates checked once, with the moment the bulletin is for.
#[derive(Debug, Clone, PartialEq)]
pub struct Announcements {
    templates: Templates,
    date: String,
    time: String,
}

static WEEKDAYS: LazyLock<Vec<&str>> = LazyLock::new(|| names(include_str!("../data/fr/weekdays.txt")));
static MONTHS: LazyLock<Vec<&str>> = LazyLock::new(|| names(include_str!("../data/fr/months.txt")));

fn names(text: &'static str) -> Vec<&'static str> {
    crate::language_data::lines(text).map(str::trim).collect()
}

impl Announcements {
    /// Fails, naming the template, on a placeholder it cannot fill.
    pub fn new(templates: Templates, when: NaiveDateTime) -> Result<Self> {
        let dated: &[&str] = &["date", "time"];
        check("opening", &templates.opening, dated)?;
        check("summary", &templates.summary, &["headlines", "date", "time"])?;
        check("title", &templates.title, &["title"])?;
        check("closing", &templates.closing, dated)?;
        Ok(Announcements { templates, date: written_date(when), time: written_time(when) })
    }

    /// The opening, then the summary of the headlines if there are any.
    pub fn opening(&self, titles: &[&str]) -> String {
        let mut text = self.dated(&self.templates.opening, "");
        if !titles.is_empty() {
            let headlines: Vec<String> = titles.iter().map(|t| as_sentence(t)).collect();
            let summary = self.dated(&self.templates.summary, &headlines.join(" "));
            text = format!("{text} {summary}");
        }
        text.trim().to_owned()
    }

    pub fn title(&self, title: &str) -> String {
        fill(&self.templates.title, &[("title", title)]).trim().to_owned()
    }

    pub fn closing(&self) -> String {
        self.dated(&self.templates.closing, "").trim().to_owned()
    }

    fn dated(&self, template: &str, headlines: &str) -> String {
        fill(template, &[("date", &self.date), ("time", &self.time), ("headlines", headlines)])
    }
}

/// "9h00", "14h30".
pub fn written_time(when: NaiveDateTime) -> String {
    format!("{}h{:02}", when.hour(), when.minute())
}

/// "mardi 24 novembre 2026", "jeudi 1er octobre 2026": as a newsreader
/// writes it, for the normalizer to read.
pub fn written_date(when: NaiveDateTime) -> String {
    let day = when.day();
    let ordinal = if day == 1 { "1er".to_owned() } else { day.to_string() };
    let weekday = WEEKDAYS[when.weekday().num_days_from_monday() as usize];
    format!("{weekday} {ordinal} {} {}", MONTHS[when.month0() as usize], when.year())
}

/// A headline ends like a sentence, so that each is read as one.
fn as_sentence(title: &str) -> String {
    let title = title.trim();
    if title.ends_with(['.', '!', '?', '…']) {
        title.to_owned()
    } else {
        format!("{title}.")
    }
}

/// The placeholders `{name}` in `template`, in order.
fn placeholders(template: &str) -> impl Iterator<Item = &str> {
    template.split('{').skip(1).map(|rest| rest.split('}').next().unwrap_or(rest))
}

fn check(which: &str, template: &str, allowed: &[&str]) -> Result<()> {
    match placeholders(template).find(|p| !allowed.contains(p)) {
        None => Ok(()),
        Some(unknown) => {
            let allowed: Vec<String> = allowed.iter().map(|a| format!("{{{a}}}")).collect();
            Err(Error::Usage(format!(
                "{which} template: unknown placeholder {{{unknown}}} (it may use {})",
                allowed.join(", ")
            )))
        }
    }
}

fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(template.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(date: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(date, "%Y-%m-%d %H:%M").unwrap()
    }

    #[test]
    fn the_opening_gives_the_date_and_the_headlines() {
        let announcements = Announcements::new(Templates::default(), at("2026-11-24 14:00")).unwrap();
        assert_eq!(
            announcements.opening(&["Grève à la SNCF", "Le PSG gagne !"]),
            "Bulletin du mardi 24 novembre 2026. Au sommaire : Grève à la SNCF. Le PSG gagne !"
        );
        assert_eq!(announcements.opening(&[]), "Bulletin du mardi 24 novembre 2026.");
        assert_eq!(announcements.closing(), "C'était votre bulletin du mardi 24 novembre 2026.");
        assert_eq!(announcements.title("Grève"), "Grève");
    }

    #[test]
    fn templates_are_filled_and_checked() {
        let templates = Templates {
            opening: "Journal de {time}, {date}.".into(),
            summary: String::new(),
            title: "À la une : {title}".into(),
            closing: String::new(),
        };
        let announcements = Announcements::new(templates, at("2026-10-01 09:05")).unwrap();
        assert_eq!(announcements.opening(&["Titre"]), "Journal de 9h05, jeudi 1er octobre 2026.");
        assert_eq!(announcements.title("Grève"), "À la une : Grève");
        assert_eq!(announcements.closing(), "");
        let wrong = Templates { closing: "Fin du {jour}.".into(), ..Templates::default() };
        let error = Announcements::new(wrong, at("2026-10-01 09:05")).unwrap_err().to_string();
        assert_eq!(error, "closing template: unknown placeholder {jour} (it may use {date}, {time})");
    }
}
