//! Numbers that name rather than count: "l'article 700", "page 280",
//! "l'an 800", a year after a month ("25 décembre 800"). As in an ordinal,
//! "cent" and "vingt" stay invariable ("sept cent", "deux cent
//! quatre-vingt") and the number is masculine ("page 21" -> "vingt et
//! un"); counted, they agree ("deux cents euros").

use super::{ends_word, percent, read_written, skip_spaces, tables, words};
use crate::normalize::{Cursor, Reading};

/// Rule "named": a whole number after a noun that numbers
/// (`data/fr/numbering-nouns.txt`) or after a month's name, with no unit,
/// currency, percent or plural noun after it: "dans la salle 300
/// personnes" counts.
pub(in crate::normalize) fn named(cursor: &Cursor) -> Option<Reading> {
    if !cursor.at_digit() {
        return None;
    }
    let previous = cursor.previous_word();
    if !tables::is_numbering_noun(previous) && !tables::is_month(previous) {
        return None;
    }
    let number = read_written(cursor).filter(|n| n.fraction.is_none() && !n.integer.starts_with('0'))?;
    let after = &cursor.rest()[number.len..];
    let (_, text) = skip_spaces(after);
    let measured = tables::unit_at(text).is_some() || tables::currency_at(text).is_some() || percent(text).is_some();
    if measured || !ends_word(after) || tables::is_plural_noun(cursor.next_word(number.len)) {
        return None;
    }
    Reading::new(number.len, words::nominal(number.value()?, cursor.style))
}

#[cfg(test)]
mod tests {
    use crate::normalize::tests::check;

    #[test]
    fn numbers_that_name_keep_cent_and_vingt_invariable() {
        check(&[
            ("l'article 400 du code", "l'article quatre cent du code"),
            ("Article 180", "Article cent quatre-vingt"),
            ("voir page 380", "voir page trois cent quatre-vingt"),
            ("la chambre 300", "la chambre trois cent"),
            ("en l'an 600", "en l'an six cent"),
            ("le 14 juillet 1800", "le quatorze juillet mille huit cent"),
            ("la ligne 80 du bus", "la ligne quatre-vingt du bus"),
            ("page 21 du rapport", "page vingt et un du rapport"),
        ]);
    }

    #[test]
    fn numbers_that_count_agree() {
        check(&[
            ("300 euros", "trois cents euros"),
            ("les 80 pages", "les quatre-vingts pages"),
            ("article de 400 mots", "article de quatre cents mots"),
            ("page 200 km", "page deux cents kilomètres"),
            ("la page 007", "la page zéro zéro sept"),
            ("dans la salle 300 personnes attendaient", "dans la salle trois cents personnes attendaient"),
            ("mis en ligne 200 vidéos", "mis en ligne deux cents vidéos"),
        ]);
    }
}
