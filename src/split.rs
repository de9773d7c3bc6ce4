//! French sentence boundaries. Sentences stay whole however long they are:
//! an engine that needs shorter input cuts them for itself, with a clause
//! pause (`synth::pieces`), so a sentence is one sentence in the plan, the
//! manifest and the subtitles. Pure functions of text.

use crate::language_data::{self, Set, Stop};
use regex::Regex;
use std::sync::LazyLock;

/// Abbreviations whose full stop does not end a sentence, from the table
/// the normalizer reads too (`data/fr/abbreviations.tsv`), by the word
/// before the full stop: those that never end one, and those that do not
/// before a number (they are also words, or follow what they count).
struct Abbreviations {
    always: Set<&'static str>,
    before_number: Set<&'static str>,
}

static ABBREVIATIONS: LazyLock<Abbreviations> = LazyLock::new(Abbreviations::load);

impl Abbreviations {
    fn load() -> Self {
        let mut abbreviations = Abbreviations { always: Set::default(), before_number: Set::default() };
        for abbreviation in language_data::abbreviations() {
            let word = abbreviation.written.strip_suffix('.').unwrap_or(abbreviation.written);
            match abbreviation.stop {
                Stop::Holds => abbreviations.always.insert(word),
                Stop::HoldsBeforeNumber => abbreviations.before_number.insert(word),
                Stop::MayEnd | Stop::Unknown => false,
            };
        }
        abbreviations
    }

    /// Whether the full stop after `word` leaves the sentence open, given
    /// the word that follows it.
    fn holds(&self, word: &str, next: &str) -> bool {
        listed(&self.always, word) || (listed(&self.before_number, word) && is_number(next))
    }
}

/// Whether `word` is in `list`: as written, or capitalized at the start of
/// a sentence when the entry is in lowercase.
fn listed(list: &Set<&str>, word: &str) -> bool {
    if list.contains(word) {
        return true;
    }
    let lower = word.to_lowercase();
    lower != word && list.contains(lower.as_str()) && word.chars().skip(1).all(char::is_lowercase)
}

/// "12", "3,5", "II", "L.": what a reference abbreviation introduces.
fn is_number(word: &str) -> bool {
    let word = word.trim_end_matches(['.', ',', ';', ':', ')']);
    word.starts_with(|c: char| c.is_ascii_digit()) || ROMAN.is_match(word)
}

/// Words that open sentences and are no surname, from
/// `data/sentence-openers.txt`.
static OPENERS: LazyLock<Set<&'static str>> =
    LazyLock::new(|| language_data::word_set(include_str!("../data/sentence-openers.txt")));

/// "J", "J.-Y", "A.B": initials whose full stop is not a sentence end.
static INITIALS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:\p{Lu}\.-?)*\p{Lu}$").unwrap());

/// "II", "IV": the number of a part or a list item, when it opens a line.
static ROMAN: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^[IVXLC]+$").unwrap());

fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

/// Marks that only ever close: they belong to the sentence they follow.
fn is_closer(c: char) -> bool {
    matches!(c, '»' | '”' | ')' | ']' | '›')
}

/// Quotes written the same whether they open or close a quotation.
fn is_straight_quote(c: char) -> bool {
    matches!(c, '"' | '\'' | '’')
}

/// What may begin a new sentence, besides an opening straight quote.
fn is_starter(c: char) -> bool {
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '«' | '“' | '‘' | '(' | '[' | '—' | '–' | '-' | '¿' | '¡' | '‹' | '…')
}

/// "iPhone", "eBay": names that begin a sentence in lower case.
fn is_lowercase_name(word: &str) -> bool {
    let mut letters = word.chars().skip_while(|c| c.is_lowercase());
    word.starts_with(char::is_lowercase) && letters.next().is_some_and(char::is_uppercase)
}

/// A paragraph as characters, with the straight quotes that open a quotation
/// marked: a full stop before an opening quote ends a sentence, one before
/// a closing quote ends it after the quote.
struct Text<'a> {
    paragraph: &'a str,
    chars: Vec<(usize, char)>,
    opening: Vec<bool>,
}

impl<'a> Text<'a> {
    fn new(paragraph: &'a str) -> Self {
        let chars: Vec<(usize, char)> = paragraph.char_indices().collect();
        let opening = opening_quotes(&chars.iter().map(|&(_, c)| c).collect::<Vec<_>>());
        Text { paragraph, chars, opening }
    }

    fn len(&self) -> usize {
        self.chars.len()
    }

    fn char(&self, i: usize) -> char {
        self.chars[i].1
    }

    /// The text from character `from` to character `to`.
    fn slice(&self, from: usize, to: usize) -> &'a str {
        let byte = |i: usize| self.chars.get(i).map_or(self.paragraph.len(), |&(b, _)| b);
        &self.paragraph[byte(from)..byte(to)]
    }

    fn skip_while(&self, mut i: usize, test: impl Fn(char) -> bool) -> usize {
        while i < self.len() && test(self.char(i)) {
            i += 1;
        }
        i
    }

    fn skip_whitespace(&self, i: usize) -> usize {
        self.skip_while(i, char::is_whitespace)
    }

    /// Whether the character at `i` closes what came before it.
    fn closes(&self, i: usize) -> bool {
        let c = self.char(i);
        is_closer(c) || (is_straight_quote(c) && !self.opening[i])
    }

    /// Past closing quotes and brackets, including the (no-break) space
    /// French typography puts before "»".
    fn skip_closers(&self, mut end: usize) -> usize {
        loop {
            let j = self.skip_whitespace(end);
            if j < self.len() && self.closes(j) {
                end = j + 1;
            } else {
                return end;
            }
        }
    }

    /// The word that begins at character `i`.
    fn word_at(&self, i: usize) -> &'a str {
        let end = self.skip_while(i, |c| !c.is_whitespace());
        self.slice(i, end)
    }

    /// The word after the one that begins at character `i`.
    fn word_after(&self, i: usize) -> &'a str {
        let end = self.skip_while(i, |c| !c.is_whitespace());
        self.word_at(self.skip_whitespace(end))
    }

    /// Whether what follows can begin a sentence.
    fn starts_sentence(&self, i: usize) -> bool {
        let c = self.char(i);
        is_starter(c) || (is_straight_quote(c) && self.opening[i]) || is_lowercase_name(self.word_at(i))
    }
}

/// Which characters are opening straight quotes. A quote with a space (or
/// the paragraph's edge, or an opening bracket) on one side only is read
/// from that side: space before and text after, it opens. Otherwise a
/// double quote pairs with the one before it in the paragraph, opening
/// after a closing one, and a single one is an apostrophe ("l'art").
fn opening_quotes(chars: &[char]) -> Vec<bool> {
    let mut opening = vec![false; chars.len()];
    let mut inside = false;
    for (k, &c) in chars.iter().enumerate() {
        if !is_straight_quote(c) {
            continue;
        }
        let open_before = k == 0 || chars[k - 1].is_whitespace() || matches!(chars[k - 1], '(' | '[' | '«' | '“');
        let open_after = chars.get(k + 1).is_none_or(|&n| n.is_whitespace() || ".,;:!?)]…»”".contains(n));
        let opens = match (open_before, open_after) {
            (true, false) => true,
            (false, true) => false,
            _ => c == '"' && !inside,
        };
        if c == '"' {
            inside = opens;
        }
        opening[k] = opens;
    }
    opening
}

/// Splits one paragraph into sentences.
pub fn sentences(paragraph: &str) -> Vec<String> {
    let text = Text::new(paragraph);
    let mut found = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < text.len() {
        if !is_terminator(text.char(i)) {
            i += 1;
            continue;
        }
        let stop = i;
        let end = text.skip_closers(text.skip_while(i, is_terminator));
        let next = text.skip_whitespace(end);
        i = end;
        let opens = next > end && next < text.len() && text.starts_sentence(next);
        if opens && ends_sentence(&text, start, stop, end, next) {
            push_trimmed(&mut found, text.slice(start, end));
            start = next;
            i = next;
        }
    }
    push_trimmed(&mut found, text.slice(start, text.len()));
    found
}

fn push_trimmed(found: &mut Vec<String>, sentence: &str) {
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        found.push(sentence.to_owned());
    }
}

/// Whether the terminator at `stop` ends the sentence begun at `start`,
/// given what follows at `next` (which can begin a sentence).
fn ends_sentence(text: &Text, start: usize, stop: usize, end: usize, next: usize) -> bool {
    let before = text.slice(start, stop);
    let marks = text.slice(stop, end);
    let marks = marks.trim_end_matches(|c: char| !is_terminator(c));
    if marks == "." {
        return full_stop_ends(before, text.word_at(next), text.word_after(next));
    }
    if marks.starts_with("..") || marks.starts_with('…') {
        return ellipsis_ends(before, text.char(next));
    }
    true
}

/// A full stop ends a sentence unless it closes the marker of a list item,
/// an abbreviation or initials; `next` and `then` are the two words after
/// it, which show a sentence begun after initials ("groupe D. Elle").
fn full_stop_ends(before: &str, next: &str, then: &str) -> bool {
    let word = last_word(before);
    if is_list_marker(before, word) || ABBREVIATIONS.holds(word, next) {
        return false;
    }
    is_era(before, word) || !is_initial(before, word) || opens_sentence(next, then)
}

/// Whether `next`, followed by `then`, can only begin a sentence: a word
/// that opens sentences and is no surname ("Elle", "Le", "L'équipe"),
/// followed by a word in lower case ("Le roi", not "Le Goff").
fn opens_sentence(next: &str, then: &str) -> bool {
    let elided = next.split_once(['\'', '’']).is_some_and(|(head, rest)| {
        head.chars().count() <= 3 && head.starts_with(char::is_uppercase) && rest.starts_with(char::is_lowercase)
    });
    let opener = OPENERS.contains(next.trim_end_matches([',', ';', ':'])) || elided;
    opener && !then.starts_with(char::is_uppercase)
}

/// An ellipsis marks a pause as often as an end: it ends the sentence only
/// before what clearly begins one (a capital, a quote, a dash), not before
/// a number ("à savoir... 30 F"), and "(...)" or "[…]" marks a cut in a
/// quotation.
fn ellipsis_ends(before: &str, next: char) -> bool {
    !before.ends_with(['(', '[']) && !next.is_ascii_digit()
}

/// The word before a full stop, without the brackets or quotes that open
/// it, and without an elided article ("l'art." is "art.").
fn last_word(before: &str) -> &str {
    let word = before.rsplit(char::is_whitespace).next().unwrap_or("");
    let word = word.trim_start_matches(['(', '[', '«', '"', '“', '\'', '’']);
    word.rsplit(['\'', '’']).next().unwrap_or(word)
}

/// The word before `word` in `before`.
fn previous_word<'b>(before: &'b str, word: &str) -> &'b str {
    let previous = before.trim_end().strip_suffix(word).unwrap_or("");
    previous.split_whitespace().last().unwrap_or("")
}

/// "av. J.-C." often ends a sentence, where "J.-C. Decaux" is initials.
fn is_era(before: &str, word: &str) -> bool {
    word == "J.-C" && matches!(previous_word(before, word).to_lowercase().as_str(), "av." | "apr." | "avant" | "après")
}

/// "J.", "J.-Y." before a name; but a capital after a number is a unit or
/// a currency ("30 F.", "220 V."), which may end a sentence.
fn is_initial(before: &str, word: &str) -> bool {
    let previous = previous_word(before, word);
    let number = previous.chars().any(|c| c.is_ascii_digit())
        && previous.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | ','));
    INITIALS.is_match(word) && !number
}

/// "1.", "II.", "a." or "Q." opening a list item, a part or a question,
/// at the start of the sentence or after a colon or semicolon.
fn is_list_marker(before: &str, word: &str) -> bool {
    let previous = before.trim_end().strip_suffix(word).unwrap_or("").trim_end();
    let opens = previous.is_empty() || previous.ends_with([':', ';']);
    let number = !word.is_empty() && word.len() <= 3 && word.chars().all(|c| c.is_ascii_digit());
    let letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    opens && (number || letter || ROMAN.is_match(word))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(paragraph: &str, expected: &[&str]) {
        assert_eq!(sentences(paragraph), expected, "{paragraph}");
    }

    #[test]
    fn plain_sentences() {
        check("Il pleut. Il vente! Viendra-t-il ? Oui.", &["Il pleut.", "Il vente!", "Viendra-t-il ?", "Oui."]);
    }

    #[test]
    fn titles_and_abbreviations_do_not_end_sentences() {
        check(
            "M. Le Drian et Mme Dupont sont là. MM. Durand aussi.",
            &["M. Le Drian et Mme Dupont sont là.", "MM. Durand aussi."],
        );
        check(
            "Voir p. 12 et art. 3 du code. Cf. Dupont, op. cit. Fin.",
            &["Voir p. 12 et art. 3 du code.", "Cf. Dupont, op. cit. Fin."],
        );
        check("Le Dr. Martin opère. Le Pr. Petit aussi.", &["Le Dr. Martin opère.", "Le Pr. Petit aussi."]);
        check("Il mesure 5 m. Elle aussi.", &["Il mesure 5 m.", "Elle aussi."]);
    }

    #[test]
    fn english_titles_do_not_end_sentences() {
        check(
            "La série Mrs. America revient. Mr. Smith et Ms. Marvel aussi.",
            &["La série Mrs. America revient.", "Mr. Smith et Ms. Marvel aussi."],
        );
        check("Dr. Who tourne à St. Louis. Fin.", &["Dr. Who tourne à St. Louis.", "Fin."]);
    }

    #[test]
    fn etc_and_era_can_end_a_sentence() {
        check("Des pommes, des poires, etc. Le marché ferme.", &["Des pommes, des poires, etc.", "Le marché ferme."]);
        check("César meurt en 44 av. J.-C. Rome change.", &["César meurt en 44 av. J.-C.", "Rome change."]);
        check("En 52 av. J.-C. les Gaulois perdent.", &["En 52 av. J.-C. les Gaulois perdent."]);
        check("Selon J.-C. Decaux, oui.", &["Selon J.-C. Decaux, oui."]);
    }

    #[test]
    fn initials_are_not_ends_but_units_are() {
        check("J.-Y. Le Drian est arrivé. J. Chirac aussi.", &["J.-Y. Le Drian est arrivé.", "J. Chirac aussi."]);
        check("Selon J. R. R. Tolkien, non.", &["Selon J. R. R. Tolkien, non."]);
        check("Le ticket coûte 30 F. Les usagers protestent.", &["Le ticket coûte 30 F.", "Les usagers protestent."]);
    }

    #[test]
    fn numbers_urls_and_emails_keep_their_dots() {
        check("À 1.200 km, 3,5 % et 2.700.000 euros. Fin.", &["À 1.200 km, 3,5 % et 2.700.000 euros.", "Fin."]);
        check(
            "Écrivez à info@exemple.fr ou sur www.exemple.fr. Merci.",
            &["Écrivez à info@exemple.fr ou sur www.exemple.fr.", "Merci."],
        );
        check("Voir https://exemple.fr/a.b?c=1. Ensuite.", &["Voir https://exemple.fr/a.b?c=1.", "Ensuite."]);
    }

    #[test]
    fn ellipses() {
        check("Il hésite... Puis il part.", &["Il hésite...", "Puis il part."]);
        check("Il hésite… puis il part.", &["Il hésite… puis il part."]);
        check("« Nous allons (...) Gagner », dit-il.", &["« Nous allons (...) Gagner », dit-il."]);
        check("Le prix, à savoir... 30 F. Cher.", &["Le prix, à savoir... 30 F.", "Cher."]);
    }

    #[test]
    fn quotes_and_brackets_after_final_punctuation() {
        check("« La bataille commence. » Le Mujao l'affirme.", &["« La bataille commence. »", "Le Mujao l'affirme."]);
        check("« Où vas-tu ? » demanda-t-il.", &["« Où vas-tu ? » demanda-t-il."]);
        check("Il l'a dit (hier.) Puis non.", &["Il l'a dit (hier.)", "Puis non."]);
        check("\"C'est fini.\" Il sort.", &["\"C'est fini.\"", "Il sort."]);
        check("Quoi ?! Non !", &["Quoi ?!", "Non !"]);
    }

    #[test]
    fn an_opening_quote_after_final_punctuation_begins_a_sentence() {
        check("Que la lumière soit ! \"Verdun est tombé.\"", &["Que la lumière soit !", "\"Verdun est tombé.\""]);
        check("Pourquoi ce thème ? \"Tout commence ici.\"", &["Pourquoi ce thème ?", "\"Tout commence ici.\""]);
        check(
            "Il dirigeait Elf. \"Mis en place en 1990, le système a duré.\"",
            &["Il dirigeait Elf.", "\"Mis en place en 1990, le système a duré.\""],
        );
        check(
            "\" Non . \" Il part. \" Oui . \" Elle reste.",
            &["\" Non . \"", "Il part.", "\" Oui . \"", "Elle reste."],
        );
    }

    #[test]
    fn headline_and_list_markers() {
        check("Combats dans le centre de Gao", &["Combats dans le centre de Gao"]);
        check("1. Le budget", &["1. Le budget"]);
        check("II. Les enjeux", &["II. Les enjeux"]);
        check("Deux mesures : 1. La baisse ; 2. La hausse.", &["Deux mesures : 1. La baisse ; 2. La hausse."]);
    }

    #[test]
    fn lowercase_after_stop_does_not_split() {
        check("Il est 3 h. du matin.", &["Il est 3 h. du matin."]);
    }

    #[test]
    fn long_sentences_stay_whole() {
        let long = format!("Le conseil a voté{}, puis il a levé la séance.", ", après un long débat".repeat(45));
        assert!(long.chars().count() > 900);
        check(&long, &[long.as_str()]);
    }
}
