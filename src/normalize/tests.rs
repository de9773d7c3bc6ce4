//! Each class with many cases, then the properties that hold for any text.

use super::*;
use proptest::prelude::*;

/// The default reading: the module tests of each rule use it too.
pub(super) fn norm(text: &str) -> String {
    Normalizer::default().normalize(text)
}

pub(super) fn check(cases: &[(&str, &str)]) {
    for (written, spoken) in cases {
        assert_eq!(norm(written), *spoken, "{written:?}");
        assert_eq!(norm(spoken), *spoken, "idempotent on {spoken:?}");
    }
}

#[test]
fn cardinals_and_separators() {
    check(&[
        ("à 1.200 km", "à mille deux cents kilomètres"),
        ("12 500 manifestants", "douze mille cinq cents manifestants"),
        ("12\u{A0}500 manifestants", "douze mille cinq cents manifestants"),
        ("12\u{202F}500 manifestants", "douze mille cinq cents manifestants"),
        ("2.700.000 habitants", "deux millions sept cent mille habitants"),
        ("1'000 francs", "mille francs"),
        ("en 2012", "en deux mille douze"),
        ("en 1945", "en mille neuf cent quarante-cinq"),
        ("les 80 ans", "les quatre-vingts ans"),
        ("81 ans", "quatre-vingt-un ans"),
        ("200 mètres", "deux cents mètres"),
        ("201 jours", "deux cent un jours"),
        ("007", "zéro zéro sept"),
        ("il fait -3 dehors", "il fait moins trois dehors"),
        ("Jean-Pierre et Paris-2", "Jean-Pierre et Paris-deux"),
        ("le Covid-19", "le Covid-dix-neuf"),
        ("le G7 et l'A380", "le G sept et l'A trois cent quatre-vingts"),
        (
            "1234567890123456789",
            "un deux trois quatre cinq six sept huit neuf zéro un deux trois quatre cinq six sept huit neuf",
        ),
        ("3 000 000", "trois millions"),
        ("6,492,000", "six millions quatre cent quatre-vingt-douze mille"),
    ]);
}

#[test]
fn million_de() {
    check(&[
        ("1 000 000 habitants", "un million d'habitants"),
        ("2 000 000 000 dollars", "deux milliards de dollars"),
        ("3 000 000 et plus", "trois millions et plus"),
    ]);
}

#[test]
fn gender_agreement() {
    check(&[
        ("21 heures de débat", "vingt et une heures de débat"),
        ("1 voiture", "une voiture"),
        ("31 personnes", "trente et une personnes"),
        ("41 victimes", "quarante et une victimes"),
        ("81 femmes", "quatre-vingt-une femmes"),
        ("21 nouvelles personnes", "vingt et une nouvelles personnes"),
        ("21 hommes", "vingt et un hommes"),
        ("1 million de personnes", "un million de personnes"),
    ]);
}

#[test]
fn decimals() {
    check(&[
        ("3,5", "trois virgule cinq"),
        ("0,25", "zéro virgule vingt-cinq"),
        ("3,05 points", "trois virgule zéro cinq points"),
        ("3,14159", "trois virgule un quatre un cinq neuf"),
        ("le Web 2.0", "le Web deux point zéro"),
        ("1.5 million", "un point cinq million"),
    ]);
}

#[test]
fn ordinals() {
    check(&[
        ("le 1er étage", "le premier étage"),
        ("la 1re fois", "la première fois"),
        ("la 1ère fois", "la première fois"),
        ("les 1ers résultats", "les premiers résultats"),
        ("le 2e tour", "le deuxième tour"),
        ("le 2ème tour", "le deuxième tour"),
        ("le 2nd tour", "le second tour"),
        ("la 2nde guerre", "la seconde guerre"),
        ("le 75e", "le soixante-quinzième"),
        ("le 80e anniversaire", "le quatre-vingtième anniversaire"),
        ("le 200e", "le deux centième"),
        ("le 21e siècle", "le vingt et unième siècle"),
        ("le 1ᵉʳ mai", "le premier mai"),
        ("la 3ᵉ place", "la troisième place"),
        ("les 3es", "les troisièmes"),
    ]);
}

#[test]
fn roman_numerals() {
    check(&[
        ("le XXIe siècle", "le vingt et unième siècle"),
        ("la IIIe République", "la troisième République"),
        ("la Ve République", "la cinquième République"),
        ("Louis XIV", "Louis quatorze"),
        ("François Ier", "François premier"),
        ("Jean-Paul II", "Jean-Paul deux"),
        ("Élisabeth II est morte", "Élisabeth deux est morte"),
        ("le tome III", "le tome trois"),
        ("Rocky III", "Rocky trois"),
        ("Le MIX et le CD", "Le Mix et le C D"),
        ("Malcolm X", "Malcolm X"),
        ("Vi Nguyen", "Vi Nguyen"),
        ("Le maire", "Le maire"),
        ("Ces gens", "Ces gens"),
    ]);
}

#[test]
fn dates() {
    check(&[
        ("le 24/11/2026", "le vingt-quatre novembre deux mille vingt-six"),
        ("le 24.11.2026", "le vingt-quatre novembre deux mille vingt-six"),
        ("le 2026-11-24", "le vingt-quatre novembre deux mille vingt-six"),
        ("le 01/03/2020", "le premier mars deux mille vingt"),
        ("le 1er janvier 2013", "le premier janvier deux mille treize"),
        ("le 1 mai", "le premier mai"),
        ("lundi 3 mars", "lundi trois mars"),
        ("du 3 au 5 mai", "du trois au cinq mai"),
        ("les années 80", "les années quatre-vingt"),
        ("les années 1980", "les années mille neuf cent quatre-vingt"),
        ("les années 2000", "les années deux mille"),
        ("les années 1960-1970", "les années mille neuf cent soixante à mille neuf cent soixante-dix"),
        ("les années 80-90", "les années quatre-vingt à quatre-vingt-dix"),
        ("le 24/11", "le vingt-quatre novembre"),
        ("02-03-2003", "deux mars deux mille trois"),
        ("le 17.06", "le dix-sept juin"),
        ("les 17/18 juin", "les dix-sept dix-huit juin"),
        ("les 1-2-3 mai 2025", "les premier deux trois mai deux mille vingt-cinq"),
    ]);
}

#[test]
fn ranges_and_scores() {
    check(&[
        ("la saison 2012-2013", "la saison deux mille douze à deux mille treize"),
        ("1939-1945", "mille neuf cent trente-neuf à mille neuf cent quarante-cinq"),
        ("10-15 ans", "dix à quinze ans"),
        ("une victoire 3-1", "une victoire trois à un"),
        ("20-25 km", "vingt à vingt-cinq kilomètres"),
    ]);
}

#[test]
fn times() {
    check(&[
        ("à 14h30", "à quatorze heures trente"),
        ("à 14 h 30", "à quatorze heures trente"),
        ("à 14h", "à quatorze heures"),
        ("à 8h05", "à huit heures cinq"),
        ("à 14:30", "à quatorze heures trente"),
        ("à 0h15", "à zéro heure quinze"),
        ("à 21h", "à vingt et une heures"),
        ("à 1h", "à une heure"),
        ("à 14h00", "à quatorze heures"),
        ("2h30 de débat", "deux heures trente de débat"),
        ("à 18h21", "à dix-huit heures vingt et une"),
        ("14 heures", "quatorze heures"),
        ("de 14h30-16h", "de quatorze heures trente à seize heures"),
        ("9:00 – 12:30", "neuf heures à douze heures trente"),
    ]);
}

#[test]
fn money() {
    check(&[
        ("12,50 €", "douze euros cinquante"),
        ("12 €", "douze euros"),
        ("1 €", "un euro"),
        ("1,50 €", "un euro cinquante"),
        ("0,50 €", "cinquante centimes"),
        ("12,5 €", "douze euros cinquante"),
        ("5 M€", "cinq millions d'euros"),
        ("1 M€", "un million d'euros"),
        ("2,5 Md€", "deux milliards et demi d'euros"),
        ("3 k€", "trois mille euros"),
        ("300 000 dollars", "trois cent mille dollars"),
        ("40 $", "quarante dollars"),
        ("21 £", "vingt et une livres"),
        ("100 CHF", "cent francs suisses"),
        ("5000 FCFA", "cinq mille francs C F A"),
        ("5000 F CFA", "cinq mille francs C F A"),
        ("1 000 000 €", "un million d'euros"),
        ("12,50 euros", "douze euros cinquante"),
    ]);
}

#[test]
fn percent_and_points() {
    check(&[
        ("3,5 %", "trois virgule cinq pour cent"),
        ("40%", "quarante pour cent"),
        ("2 ‰", "deux pour mille"),
        ("+3 pts", "plus trois points"),
        ("1 pt", "un point"),
    ]);
}

#[test]
fn units_agree() {
    check(&[
        ("1,5 km", "un virgule cinq kilomètre"),
        ("2 km", "deux kilomètres"),
        ("130 km/h", "cent trente kilomètres par heure"),
        ("20 °C", "vingt degrés Celsius"),
        ("-5 °C", "moins cinq degrés Celsius"),
        ("30°", "trente degrés"),
        ("50 m²", "cinquante mètres carrés"),
        ("1 t", "une tonne"),
        ("21 t", "vingt et une tonnes"),
        ("3 kg", "trois kilogrammes"),
        ("500 mg", "cinq cents milligrammes"),
        ("2 l", "deux litres"),
        ("10 ha", "dix hectares"),
        ("100 kWh", "cent kilowattheures"),
        ("1 GW", "un gigawatt"),
        ("64 Go", "soixante-quatre gigaoctets"),
        ("5 min", "cinq minutes"),
        ("30 s", "trente secondes"),
        ("100m", "cent mètres"),
        ("10 €/mois", "dix euros par mois"),
        ("120 g/km", "cent vingt grammes par kilomètre"),
        ("3 €/kg", "trois euros par kilogramme"),
        ("5 mois", "cinq mois"),
    ]);
}

#[test]
fn abbreviations_and_titles() {
    check(&[
        ("M. Le Drian", "Monsieur Le Drian"),
        ("MM. Dupont et Durand", "Messieurs Dupont et Durand"),
        ("Mme Lefèvre", "Madame Lefèvre"),
        ("Mlle Martin", "Mademoiselle Martin"),
        ("le Dr Martin", "le docteur Martin"),
        ("le Pr Raoult", "le professeur Raoult"),
        ("Me Dupond-Moretti", "Maître Dupond-Moretti"),
        ("Mgr Aupetit", "Monseigneur Aupetit"),
        ("52 av. J.-C.", "cinquante-deux avant Jésus-Christ."),
        ("en 52 av. J.-C. les Gaulois", "en cinquante-deux avant Jésus-Christ les Gaulois"),
        ("des pommes, etc.", "des pommes, et cetera."),
        ("cf. le rapport", "Confer le rapport"),
        ("n° 5", "Numéro cinq"),
        ("art. 49", "Article quarante-neuf"),
        ("p. 12", "Page douze"),
        ("drôle", "drôle"),
        ("Mesure", "Mesure"),
        ("la lettre M.", "la lettre M."),
        ("Mme Lefèvre dénonce", "Madame Lefèvre dénonce"),
        ("la Dʳᵉ Martin et Mᵐᵉ Petit", "la docteure Martin et madame Petit"),
    ]);
}

#[test]
fn acronyms() {
    check(&[
        ("la SNCF", "la S N C F"),
        ("le PIB", "le P I B"),
        ("l'ONU", "l'Onu"),
        ("l'OTAN", "l'Otan"),
        ("l'UNESCO", "l'Unesco"),
        ("la CNAM", "la C N A M"),
        ("FRONTEX", "Frontex"),
        ("LE PRÉSIDENT A PARLÉ", "LE PRÉSIDENT A PARLÉ"),
        ("LE PIB A BAISSÉ CE MOIS", "LE P I B A BAISSÉ CE MOIS"),
        ("la CNAM et la SNCF", "la C N A M et la S N C F"),
    ]);
}

#[test]
fn symbols_addresses_phones_fractions() {
    check(&[
        ("Marks & Spencer", "Marks et Spencer"),
        ("3 x 4", "trois fois quatre"),
        ("2 + 2 = 4", "deux plus deux égale quatre"),
        ("§ 3", "paragraphe trois"),
        ("#MeToo", "hashtag MeToo"),
        ("sur www.exemple.fr", "sur w w w point exemple point fr"),
        ("sur lemonde.fr.", "sur lemonde point fr."),
        ("écrivez à jean.dupont@exemple.fr", "écrivez à jean point dupont arobase exemple point fr"),
        ("sur 20minutes.fr", "sur vingt minutes point fr"),
        ("01 23 45 67 89", "zéro un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf"),
        ("+33 1 23 45 67 89", "plus trente-trois, un, vingt-trois, quarante-cinq, soixante-sept, quatre-vingt-neuf"),
        ("01.23.45.67.08", "zéro un, vingt-trois, quarante-cinq, soixante-sept, zéro huit"),
        ("½ litre", "un demi litre"),
        ("1/3 des votes", "un tiers des votes"),
        ("2/3", "deux tiers"),
        ("3/4", "trois quarts"),
        ("5/8", "cinq huitièmes"),
        ("15/20", "quinze sur vingt"),
        ("1 1/2 litre", "un et demi litre"),
        ("4 2/4", "quatre et deux quarts"),
    ]);
}

#[test]
fn regional_options() {
    let belgian = Normalizer::new(Options { dialect: Dialect::Belgium, ..Options::default() }, Lexicon::default());
    let swiss = Normalizer::new(Options { dialect: Dialect::Switzerland, ..Options::default() }, Lexicon::default());
    let rectified =
        Normalizer::new(Options { spelling: Spelling::Rectified, ..Options::default() }, Lexicon::default());
    assert_eq!(belgian.normalize("en 1975, 91 %"), "en mille neuf cent septante-cinq, nonante et un pour cent");
    assert_eq!(swiss.normalize("les années 80"), "les années huitante");
    assert_eq!(rectified.normalize("21 heures"), "vingt-et-une heures");
}

#[test]
fn a_voice_s_region_is_its_dialect() {
    assert_eq!(Dialect::of_voice("fr-BE"), Dialect::Belgium);
    assert_eq!(Dialect::of_voice("fr-CH"), Dialect::Switzerland);
    assert_eq!(Dialect::of_voice("voices/fr_BE-nathalie-medium.onnx"), Dialect::Belgium);
    for other in ["fr-FR", "os", "os:Amélie", "x.onnx", "", "é"] {
        assert_eq!(Dialect::of_voice(other), Dialect::France, "{other}");
    }
}

#[test]
fn lexicon_comes_first() {
    let entries = [("mujao", "Moujao"), ("Gao", "Gaô")].map(|(a, b)| (a.to_owned(), b.to_owned()));
    let lexicon = Lexicon::from_entries(entries.into_iter().collect()).unwrap();
    let normalizer = Normalizer::new(Options::default(), lexicon);
    assert_eq!(normalizer.normalize("le Mujao à Gao, MUJAO, gao"), "le Moujao à Gaô, Moujao, gao");
    assert!(Lexicon::from_entries([("deux mots".to_owned(), "x".to_owned())].into_iter().collect()).is_err());
}

#[test]
fn plain_text_passes_through() {
    let text = "Le président a parlé hier soir, devant l'Assemblée nationale.";
    assert_eq!(norm(text), text);
    assert_eq!(norm("Jean-Yves Le Drian « explique »"), "Jean-Yves Le Drian « explique »");
}

#[test]
fn lines_are_kept() {
    assert_eq!(norm("12 €\n1er mai\n"), "douze euros\npremier mai\n");
}

proptest! {
    #[test]
    fn never_panics_and_is_idempotent(text in "\\PC{0,60}") {
        let once = norm(&text);
        prop_assert_eq!(norm(&once), once);
    }

    #[test]
    fn numbers_in_text_are_idempotent(text in "[0-9 ,.:/hH%€°MkmIVXLCDe -]{0,30}") {
        let once = norm(&text);
        prop_assert_eq!(norm(&once), once);
    }
}

#[test]
fn roman_numerals_in_lists_and_ranges() {
    check(&[
        ("les livres II, VII et XI", "les livres deux, sept et onze"),
        ("les parties III à VI", "les parties trois à six"),
        ("les actes IV-V", "les actes quatre à cinq"),
        ("le titre IX ou X", "le titre neuf ou dix"),
        ("les sections XII–XIV", "les sections douze à quatorze"),
        // Centuries and kings keep their reading.
        ("du XVIIe au XIXe siècle", "du dix-septième au dix-neuvième siècle"),
        ("Louis XIV et Louis XV", "Louis quatorze et Louis quinze"),
        // Not numbers: words, an English "I", letters of a code.
        ("les annexes MIX et CIVIL", "les annexes Mix et Civil"),
        ("I think, et I know", "I think, et I know"),
        ("l'article L. 12 et L. 14", "l'article L douze et L quatorze"),
        ("les chapitres I, II et C", "les chapitres un, deux et C"),
        ("Vi et Li", "Vi et Li"),
    ]);
}

#[test]
fn titles_in_lower_case_and_other_forms() {
    check(&[
        ("avec mme Rousseau", "avec madame Rousseau"),
        ("mlle Perrin et mr Brown", "Mademoiselle Perrin et monsieur Brown"),
        ("le dr Morel et le pr Girard", "le docteur Morel et le professeur Girard"),
        ("avec mgr Ricard", "avec monseigneur Ricard"),
        ("Mr Dubois", "Monsieur Dubois"),
        ("AVEC MME DUPONT ET MGR DURAND", "AVEC madame DUPONT ET monseigneur DURAND"),
        ("à St-Nazaire et Ste-Maxime", "à Saint-Nazaire et Sainte-Maxime"),
        ("la basilique st Sernin", "la basilique saint Sernin"),
        ("la Cie du Mont-Blanc", "la Compagnie du Mont-Blanc"),
        ("Lefort & Cie", "Lefort et Compagnie"),
        // Not titles: no name follows, or an acronym.
        ("mme et mr", "mme et mr"),
        ("le ST Microelectronics", "le S T Microelectronics"),
        ("dr", "dr"),
        ("le chef de la Cie", "le chef de la Compagnie"),
    ]);
}

#[test]
fn characters_that_stand_for_others() {
    check(&[
        ("il fait 38º dehors", "il fait trente-huit degrés dehors"),
        ("une pente de 12,5º", "une pente de douze virgule cinq degrés"),
        ("42ºC", "quarante-deux degrés Celsius"),
        ("le nº 7 et le n° vert", "le numéro sept et le numéro vert"),
        ("la Nº 5", "la numéro cinq"),
        ("un angle en ° ou en º", "un angle en degrés ou en degrés"),
        ("il fait \u{AD}4 °C", "il fait moins quatre degrés Celsius"),
        ("il fait \u{2011}2 °C", "il fait moins deux degrés Celsius"),
        ("anti\u{AD}constitutionnel\u{200B}lement 12\u{AD}3", "anticonstitutionnellement cent vingt-trois"),
    ]);
}

/// What must never be left in spoken text: a voice says nothing sensible
/// for a figure or a symbol.
const NEVER_SPOKEN: [char; 11] = ['%', '/', '°', 'º', '€', '$', '£', '+', '=', '‰', '§'];

/// A piece of written news: a word, a number in one of its forms, a date,
/// a symbol or a mark.
fn news_piece() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "le",
            "Conseil",
            "recherche",
            "et",
            "ou",
            "Paris",
            "mètres",
            "euros",
            "I",
            "MIX",
            "Vi",
            "article",
            "loi",
            "n°",
            "nº",
            "tome",
            "annexes",
            "ISBN",
            "SIRET",
            "km",
            "h",
            "M.",
            "mme",
            "St",
            "à",
            "de",
        ])
        .prop_map(str::to_owned),
        "[0-9]{1,14}",
        "[0-9]{1,3}( [0-9]{3}){1,4}",
        "[0-9]{1,4}[,.][0-9]{1,4}",
        "[-+−][0-9]{1,4}",
        "[0-3][0-9]/[01][0-9]/(19|20)[0-9]{2}",
        "[0-9]{1,4}[-/][0-9]{1,4}([-/][0-9]{1,4})?",
        "[0-9]{1,4} ?[%°º€$£‰]",
        "[%°º€$£+=/‰§]",
        "[a-zé]{1,8}/[a-zé]{1,8}",
        "[A-Z][.-] ?[0-9]{1,4}",
        "[,.;:!?()«»-]",
        "[a-zA-Z]{1,4}[0-9]{1,4}|[0-9]{1,4}[a-zA-Z]{1,4}|[0-9]{1,2}h[0-9]{2}",
        "[a-zA-Z0-9]{1,4}[%°º€$£+=/‰§][a-zA-Z0-9]{0,4}",
        "[\u{AD}\u{2010}\u{2011}\u{200B}][0-9]{1,4}",
    ]
}

proptest! {
    #[test]
    fn no_figure_or_symbol_is_left_to_say(
        pieces in prop::collection::vec((news_piece(), prop::sample::select(vec![" ", " ", " ", ""])), 1..10),
    ) {
        let text: String = pieces.iter().flat_map(|(piece, gap)| [piece.as_str(), gap]).collect();
        let said = norm(&text);
        let left = said.chars().find(|c| c.is_ascii_digit() || NEVER_SPOKEN.contains(c));
        prop_assert!(left.is_none(), "{text:?} -> {said:?}");
    }
}

#[test]
fn explain_names_the_rule_of_each_new_class() {
    let (_, rewrites) = Normalizer::default().explain(
        "Les tomes I et II, l'article L. 121-3, la loi 2016/679, et/ou, l'ISBN 978-2-07-036024-5, 4839201175.",
    );
    let rule = |written: &str| rewrites.iter().find(|r| r.written == written).map(|r| r.rule);
    assert_eq!(rule("I"), Some("roman"));
    assert_eq!(rule("II"), Some("roman list"));
    assert_eq!(rule("L."), Some("reference"));
    assert_eq!(rule("/"), Some("slash"));
    assert_eq!(rule("et/ou"), Some("slash"));
    assert_eq!(rule("978-2-07-036024-5"), Some("code"));
    assert_eq!(rule("4839201175"), Some("code"));
}

#[test]
fn explain_names_the_lexicon_s_gender_and_the_stand_in_characters() {
    let (said, rewrites) = Normalizer::default()
        .explain("41 initiatives, 21 atomes, 22 voix, 21 ont voté, 35º, nº 4, \u{AD}3 et in\u{AD}visible");
    assert_eq!(
        said,
        "quarante et une initiatives, vingt et un atomes, vingt-deux voix, vingt et un ont voté, \
         trente-cinq degrés, numéro quatre, moins trois et invisible"
    );
    let rule = |written: &str| rewrites.iter().find(|r| r.written == written).map(|r| r.rule);
    assert_eq!(rule("41"), Some("noun gender"));
    assert_eq!(rule("21"), Some("noun gender"), "the masculine too");
    assert_eq!(rule("22"), Some("number"), "no agreement, no gender to explain");
    assert_eq!(rule("º"), Some("stand-in"));
    assert_eq!(rule("\u{AD}"), Some("stand-in"), "{rewrites:?}");
    assert_eq!(rewrites.iter().filter(|r| r.rule == "stand-in").count(), 3, "{rewrites:?}");
    assert_eq!(rewrites.iter().filter(|r| r.rule == "invisible").count(), 1, "{rewrites:?}");
    assert_eq!(rewrites.iter().filter(|r| r.written == "21").count(), 2);
}

#[test]
fn rules_that_look_back_read_only_the_last_words() {
    // Multibyte letters right before: the look-back cuts on a character.
    let long = format!("{} 24h/24 et 1h/jour", "é".repeat(40));
    assert_eq!(norm(&long), format!("{} vingt-quatre heures sur vingt-quatre et une heure par jour", "é".repeat(40)));
    // A code word more than a clause's reach back announces nothing.
    let far = format!("ISBN {} 12345678", "mot ".repeat(40));
    assert!(norm(&far).ends_with("douze millions trois cent quarante-cinq mille six cent soixante-dix-huit"));
}

#[test]
fn explain_names_race_times_halves_and_units_named_without_a_number() {
    let (said, rewrites) =
        Normalizer::default().explain("en 1'56\"40, 2 heures ½, 40 € le MWh, le \"3\" et 1,5 million de km");
    assert_eq!(
        said,
        "en une minute cinquante-six secondes quarante, deux heures et demie, quarante euros le mégawattheure, \
         le \"trois\" et un million et demi de kilomètres"
    );
    let rule = |written: &str| rewrites.iter().find(|r| r.written == written).map(|r| r.rule);
    assert_eq!(rule("1'56\"40"), Some("race time"), "{rewrites:?}");
    assert_eq!(rule("½"), Some("fraction"), "{rewrites:?}");
    assert_eq!(rule("MWh"), Some("unit named"), "{rewrites:?}");
    assert_eq!(rule("1,5 million de km"), Some("half"), "{rewrites:?}");
}
