//! Reading articles: inputs (files, folders, stdin) to titles and paragraphs,
//! with web clutter removed. Knows nothing of speech.

mod clutter;
mod decode;
mod markdown;
mod text;

use crate::error::{Error, Result};
use crate::manifest::Failure;
use decode::SourceEncoding;
use serde::Deserialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

pub use text::paragraphs;

/// One article as it will be read: a title and its paragraphs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Where the article came from, for messages and the manifest.
    pub source: String,
    pub title: Option<String>,
    pub paragraphs: Vec<String>,
}

/// How an input is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// From the file extension; for stdin, JSON if it starts with `[` or `{`, else text.
    #[default]
    Auto,
    Text,
    Markdown,
    Json,
}

/// Where an article comes from: a file, a folder of them, `-` for stdin,
/// or text already in memory (what `briefing serve` is sent), with the
/// name messages give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    Path(PathBuf),
    Stdin,
    Memory { name: String, text: String },
}

impl From<&str> for Input {
    fn from(arg: &str) -> Self {
        if arg == "-" {
            Input::Stdin
        } else {
            Input::Path(PathBuf::from(arg))
        }
    }
}

impl From<PathBuf> for Input {
    fn from(path: PathBuf) -> Self {
        Input::Path(path)
    }
}

impl From<&Path> for Input {
    fn from(path: &Path) -> Self {
        Input::Path(path.to_path_buf())
    }
}

/// Articles read from the inputs, with what the user should be told.
#[derive(Debug, Default)]
pub struct Loaded {
    pub articles: Vec<Article>,
    pub warnings: Vec<String>,
    /// The articles skipped, and why: `build --each` records them.
    pub failed: Vec<Failure>,
    /// The problems of the files skipped in a folder.
    pub skipped: Vec<Error>,
}

/// Extensions read when a folder is given.
const ARTICLE_EXTENSIONS: [&str; 5] = ["txt", "text", "md", "markdown", "json"];

/// Reads every input in order. In a folder, an article that cannot be read
/// is skipped with a warning naming it and the problem, and the bulletin is
/// made from the rest; an input named on its own that cannot be read is an
/// error, every such problem told in one run. Articles with nothing to say
/// are skipped with a warning; it is an error if none remain.
pub fn load(inputs: &[Input], format: Format) -> Result<Loaded> {
    let (listed, problems) = list(inputs);
    let (loaded, _) = load_listed(&listed, 0..listed.len(), format, problems)?;
    if loaded.articles.is_empty() {
        return Err(nothing_to_say(inputs, loaded.skipped));
    }
    Ok(loaded)
}

/// An input of a batch before it is read: a file (named, or found in a
/// folder's listing), standard input, or text in memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    input: Input,
    /// The folder whose listing gave the file: one there that cannot be
    /// read is skipped and recorded, and a bulletin's manifest is skipped.
    folder: Option<PathBuf>,
}

impl Listed {
    /// Its name in messages and the manifest.
    pub fn name(&self) -> String {
        display_input(&self.input)
    }
}

/// Every input, a folder's articles by its listing (sorted) and never by
/// reading them, so that a batch's names and parts are decided before any
/// file is read; with the folders that cannot be listed or hold no article.
pub fn list(inputs: &[Input]) -> (Vec<Listed>, Vec<Error>) {
    let (mut listed, mut problems) = (Vec::new(), Vec::new());
    for input in inputs {
        match input {
            Input::Path(folder) if folder.is_dir() => match folder_articles(folder) {
                Ok(files) => listed
                    .extend(files.into_iter().map(|f| Listed { input: Input::Path(f), folder: Some(folder.clone()) })),
                Err(problem) => problems.push(problem),
            },
            input => listed.push(Listed { input: input.clone(), folder: None }),
        }
    }
    (listed, problems)
}

/// Where in a list of inputs each article read, and each failure, comes
/// from.
#[derive(Debug, Default)]
pub struct Origins {
    pub articles: Vec<usize>,
    pub failed: Vec<usize>,
}

/// Reads the inputs of `listed` at `which` (in that order), after the
/// `problems` found listing them; with the place in `listed` of the input
/// each article and failure comes from. An input named on its own that
/// cannot be read is an error, all of them told together.
pub fn load_listed(
    listed: &[Listed],
    which: impl IntoIterator<Item = usize>,
    format: Format,
    mut problems: Vec<Error>,
) -> Result<(Loaded, Origins)> {
    let mut loaded = Loaded::default();
    let (mut origins, mut manifests) = (Origins::default(), Vec::new());
    for at in which {
        let Listed { input, folder } = &listed[at];
        match (input, folder) {
            (Input::Path(file), Some(folder)) if is_manifest(file) => manifests.push((folder, file)),
            (Input::Path(file), Some(_)) => {
                if let Err(problem) = load_file(file, format, &mut loaded) {
                    loaded.warnings.push(format!("{problem} (skipped)"));
                    let source = crate::controls::shown(file.display());
                    loaded.failed.push(Failure { source, reason: problem.to_string() });
                    loaded.skipped.push(problem);
                }
            }
            (Input::Path(file), None) => problems.extend(load_file(file, format, &mut loaded).err()),
            (input, _) => problems.extend(
                read_input(input).and_then(|(name, bytes)| load_bytes(&name, None, &bytes, format, &mut loaded)).err(),
            ),
        }
        origins.articles.resize(loaded.articles.len(), at);
        origins.failed.resize(loaded.failed.len(), at);
    }
    loaded.warnings.extend(manifests_skipped(&manifests));
    if !problems.is_empty() {
        return Err(Error::all(problems));
    }
    Ok((loaded, origins))
}

/// Why inputs gave no article: the articles skipped, or none to say.
pub fn nothing_to_say(inputs: &[Input], skipped: Vec<Error>) -> Error {
    if !skipped.is_empty() {
        return Error::all(skipped);
    }
    let names: Vec<String> = inputs.iter().map(display_input).collect();
    Error::input(names.join(", "), "no speakable text in any article")
}

/// An input's name in messages and the manifest, control characters
/// written out.
fn display_input(input: &Input) -> String {
    match input {
        Input::Stdin => "stdin".to_owned(),
        Input::Memory { name, .. } => crate::controls::shown(name),
        Input::Path(p) => crate::controls::shown(p.display()),
    }
}

fn folder_articles(folder: &Path) -> Result<Vec<PathBuf>> {
    let name = crate::controls::shown(folder.display());
    let entries = std::fs::read_dir(folder).map_err(|e| Error::reading(&name, e))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && is_article_file(p))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(Error::input(
            name,
            format!("folder has no articles (looked for .{})", ARTICLE_EXTENSIONS.join(", .")),
        ));
    }
    Ok(files)
}

/// Whether `path` is a bulletin's manifest, which a folder may hold when
/// bulletins were written into it: not an article.
fn is_manifest(path: &Path) -> bool {
    let json = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"));
    json && std::fs::read_to_string(path).is_ok_and(|text| crate::manifest::described_audio(&text).is_some())
}

/// One warning for all the manifests skipped in each folder (manifests:
/// each with its folder, a folder's together).
fn manifests_skipped(manifests: &[(&PathBuf, &PathBuf)]) -> Vec<String> {
    let mut folders: Vec<&PathBuf> = manifests.iter().map(|(folder, _)| *folder).collect();
    folders.dedup();
    let warning = |folder: &PathBuf| {
        let names: Vec<String> = manifests
            .iter()
            .filter(|(f, _)| *f == folder)
            .filter_map(|(_, m)| m.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .collect();
        format!(
            "{}: {} bulletin manifest(s) skipped, not articles: {}",
            folder.display(),
            names.len(),
            names.join(", ")
        )
    };
    folders.into_iter().map(warning).collect()
}

/// Whether a folder's file is read as an article (by its extension; hidden
/// files are not).
pub(crate) fn is_article_file(path: &Path) -> bool {
    let hidden = path.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.'));
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    !hidden && ext.is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.as_str()))
}

fn load_file(path: &Path, format: Format, loaded: &mut Loaded) -> Result<()> {
    let (name, bytes) = read_input(&Input::Path(path.to_path_buf()))?;
    load_bytes(&name, Some(path), &bytes, format, loaded)
}

/// The most an input may hold, bytes: a thousand times a long article, and
/// little enough that a device (`/dev/zero`) or a file named by mistake is
/// refused before it fills the memory.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;

/// The name messages give an input, and its bytes.
fn read_input(input: &Input) -> Result<(String, Vec<u8>)> {
    let name = display_input(input);
    let bytes = match input {
        Input::Stdin => read_bounded(&name, std::io::stdin().lock()),
        Input::Path(path) => read_bounded(&name, std::fs::File::open(path).map_err(|e| Error::reading(&name, e))?),
        Input::Memory { text, .. } => read_bounded(&name, text.as_bytes()),
    }?;
    Ok((name, bytes))
}

/// All of `reader`, or an error past [`MAX_INPUT_BYTES`]: no more than one
/// byte over is ever read.
fn read_bounded(name: &str, reader: impl Read) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Error::reading(name, e))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Error::input(name, format!("more than {} MiB, too large for an article", MAX_INPUT_BYTES >> 20)));
    }
    Ok(bytes)
}

/// The whole text of one input, for tools that work on raw text
/// (`briefing split`), with any warning about its encoding.
pub fn read_text(input: &Input) -> Result<(String, Vec<String>)> {
    let (name, bytes) = read_input(input)?;
    let mut warnings = Vec::new();
    let text = decode_text(&name, &bytes, &mut warnings)?;
    Ok((text, warnings))
}

/// Decoded, NFC-composed text of an input that must not be empty, without
/// what is not text (see [`crate::controls`]).
fn decode_text(name: &str, bytes: &[u8], warnings: &mut Vec<String>) -> Result<String> {
    let (text, encoding) = decode::decode(bytes).map_err(|problem| Error::input(name, problem))?;
    if encoding == SourceEncoding::Windows1252 {
        warnings.push(format!("{name}: not valid UTF-8, read as Windows-1252 (Latin-1)"));
    }
    // Most text is composed already: the quick check spares recomposing it.
    let composed = match is_nfc_quick(text.chars()) {
        IsNormalized::Yes => text,
        _ => text.nfc().collect(),
    };
    let text = crate::controls::strip(&composed);
    if text.trim().is_empty() {
        return Err(Error::input(name, "empty article"));
    }
    Ok(text)
}

fn load_bytes(name: &str, path: Option<&Path>, bytes: &[u8], format: Format, loaded: &mut Loaded) -> Result<()> {
    let text = decode_text(name, bytes, &mut loaded.warnings)?;
    let articles = match resolve_format(format, path, &text) {
        Format::Json => parse_json(name, &text)?,
        Format::Markdown => vec![article(name.to_owned(), markdown::parse(&text))],
        Format::Text | Format::Auto => vec![article(name.to_owned(), text::parse(&text))],
    };
    for article in articles {
        if is_speakable(&article) {
            loaded.articles.push(article);
        } else {
            let reason = format!("{}: no speakable text", article.source);
            loaded.warnings.push(format!("{reason}, skipped"));
            loaded.failed.push(Failure { source: article.source, reason });
        }
    }
    Ok(())
}

fn article(source: String, (title, paragraphs): (Option<String>, Vec<String>)) -> Article {
    Article { source, title, paragraphs }
}

fn resolve_format(format: Format, path: Option<&Path>, text: &str) -> Format {
    if format != Format::Auto {
        return format;
    }
    let ext = path.and_then(|p| p.extension()).and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("md" | "markdown") => Format::Markdown,
        Some("json") => Format::Json,
        Some(_) => Format::Text,
        None if text.trim_start().starts_with(['[', '{']) => Format::Json,
        None => Format::Text,
    }
}

fn is_speakable(article: &Article) -> bool {
    article.title.iter().chain(&article.paragraphs).any(|t| t.chars().any(char::is_alphanumeric))
}

#[derive(Deserialize)]
struct JsonArticle {
    #[serde(default)]
    title: Option<String>,
    body: String,
}

/// A JSON input: `[{"title": ..., "body": ...}, ...]`, a single such object,
/// or one object per line (NDJSON). A problem is named precisely: a syntax
/// error by line and column, a missing or mistyped field by article.
fn parse_json(name: &str, text: &str) -> Result<Vec<Article>> {
    let invalid = |problem: String| Error::input(name, format!("invalid JSON: {problem}"));
    let values = serde_json::Deserializer::from_str(text)
        .into_iter::<serde_json::Value>()
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| invalid(format!("{} at line {}, column {}", syntax_problem(&e), e.line(), e.column())))?;
    let items = match values.as_slice() {
        [serde_json::Value::Array(list)] => list.clone(),
        [] => return Err(invalid("no article in it".to_owned())),
        _ => values,
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let article: JsonArticle =
                serde_json::from_value(value).map_err(|e| invalid(format!("article {}: {e}", i + 1)))?;
            Ok(Article {
                source: format!("{name}#{}", i + 1),
                title: article
                    .title
                    .map(|t| crate::controls::strip(&t))
                    .as_deref()
                    .and_then(clutter::clean_line)
                    .map(|t| clutter::strip_label(&t).to_owned()),
                paragraphs: text::paragraphs(&crate::controls::strip(&article.body)),
            })
        })
        .collect()
}

/// serde_json's message without its own position, which is given apart.
fn syntax_problem(error: &serde_json::Error) -> String {
    let message = error.to_string();
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_one(name: &str, bytes: &[u8], format: Format) -> Result<Loaded> {
        let mut loaded = Loaded::default();
        load_bytes(name, Some(Path::new(name)), bytes, format, &mut loaded).map(|_| loaded)
    }

    #[test]
    fn json_list_gives_one_article_each() {
        let json = r#"[{"title": "Un", "body": "Premier.\n\nSecond.", "url": "ignored"}, {"body": "Sans titre."}]"#;
        let loaded = load_one("feed.json", json.as_bytes(), Format::Auto).unwrap();
        assert_eq!(loaded.articles.len(), 2);
        assert_eq!(loaded.articles[0].title.as_deref(), Some("Un"));
        assert_eq!(loaded.articles[0].paragraphs, ["Premier.", "Second."]);
        assert_eq!(loaded.articles[1].source, "feed.json#2");
        assert_eq!(loaded.articles[1].title, None);
    }

    #[test]
    fn invalid_json_names_the_problem() {
        let message = |json: &str| load_one("feed.json", json.as_bytes(), Format::Auto).unwrap_err().to_string();
        assert_eq!(
            message(r#"[{"title": 3}]"#),
            "feed.json: invalid JSON: article 1: invalid type: integer `3`, expected a string"
        );
        assert_eq!(
            message(r#"{"title": "Un", "body": "Texte" "#),
            "feed.json: invalid JSON: EOF while parsing an object at line 1, column 32"
        );
        assert_eq!(message(r#"{"title": "Un"}"#), "feed.json: invalid JSON: article 1: missing field `body`");
        assert_eq!(
            message("[{\"body\": \"Un.\"},\n {\"titre\": \"Deux\"}]"),
            "feed.json: invalid JSON: article 2: missing field `body`"
        );
    }

    #[test]
    fn one_json_object_per_line_is_a_list() {
        let ndjson = "{\"title\": \"Un\", \"body\": \"Premier.\"}\n{\"body\": \"Second.\"}\n";
        let loaded = load_one("feed.json", ndjson.as_bytes(), Format::Auto).unwrap();
        assert_eq!(loaded.articles.len(), 2);
        assert_eq!(loaded.articles[1].paragraphs, ["Second."]);
    }

    #[test]
    fn decomposed_accents_are_composed() {
        let loaded = load_one("a.txt", "Titre\n\nLe cafe\u{301} ferme.".as_bytes(), Format::Auto).unwrap();
        assert_eq!(loaded.articles[0].paragraphs, ["Le café ferme."]);
    }

    #[test]
    fn latin1_is_read_with_a_warning() {
        let loaded = load_one("a.txt", b"Titre\n\nL'\xE9t\xE9.", Format::Auto).unwrap();
        assert_eq!(loaded.articles[0].paragraphs, ["L'été."]);
        assert_eq!(loaded.warnings.len(), 1);
        assert!(loaded.warnings[0].contains("Windows-1252"));
    }

    #[test]
    fn clutter_only_article_is_skipped_with_a_warning() {
        let loaded = load_one("a.txt", b"- -\n>> Lire aussi - ailleurs\n", Format::Auto).unwrap();
        assert!(loaded.articles.is_empty());
        assert_eq!(loaded.warnings, ["a.txt: no speakable text, skipped"]);
    }

    #[test]
    fn empty_article_is_an_error() {
        let err = load_one("vide.txt", b"  \n\n", Format::Auto).unwrap_err();
        assert_eq!(err.to_string(), "vide.txt: empty article");
    }

    #[test]
    fn a_folder_skips_bad_articles_and_named_ones_are_all_told() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        write("1.txt", "Titre\n\nUne phrase.".as_bytes());
        let empty = write("2.txt", b"  \n");
        let broken = write("3.json", br#"{"title": "x""#);
        let loaded = load(&[Input::Path(dir.path().to_path_buf())], Format::Auto).unwrap();
        assert_eq!(loaded.articles.len(), 1);
        assert_eq!(loaded.warnings.len(), 2, "{:?}", loaded.warnings);
        assert!(loaded.warnings[0].starts_with(&format!("{}: empty article", empty.display())));
        assert!(loaded.warnings[1].starts_with(&format!("{}: invalid JSON", broken.display())));

        let error = load(&[Input::Path(empty.clone()), Input::Path(broken.clone())], Format::Auto).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with(&format!(
            "{}: empty article; {}: invalid JSON",
            empty.display(),
            broken.display()
        )));
    }

    #[test]
    fn inputs_past_the_limit_are_refused_in_one_line() {
        let too_large = "more than 64 MiB, too large for an article";
        let endless = read_bounded("stdin", std::io::repeat(b'a')).unwrap_err();
        assert_eq!(endless.to_string(), format!("stdin: {too_large}"));
        let dir = tempfile::tempdir().unwrap();
        let sparse = dir.path().join("gros.txt");
        std::fs::File::create(&sparse).unwrap().set_len(MAX_INPUT_BYTES + 1).unwrap();
        let error = load(&[Input::Path(sparse.clone())], Format::Auto).unwrap_err();
        assert_eq!(error.to_string(), format!("{}: {too_large}", sparse.display()));
        std::fs::write(dir.path().join("petit.txt"), "Titre\n\nUne phrase.").unwrap();
        let loaded = load(&[Input::Path(dir.path().to_path_buf())], Format::Auto).unwrap();
        assert_eq!(loaded.articles.len(), 1);
        assert_eq!(loaded.warnings, [format!("{}: {too_large} (skipped)", sparse.display())]);
        let zero = load(&[Input::from("/dev/zero")], Format::Auto).unwrap_err();
        assert_eq!(zero.to_string(), format!("/dev/zero: {too_large}"));
    }

    #[test]
    fn what_is_not_text_never_reaches_titles_or_paragraphs() {
        let text = "Ti\u{1B}[1mtre\u{7}\u{FFFF}\n\nUne\u{85} phrase\u{1B}]0;x\u{7}.\r\nSuite\tici.";
        let loaded = load_one("a.txt", text.as_bytes(), Format::Auto).unwrap();
        assert_eq!(loaded.articles[0].title.as_deref(), Some("Titre"));
        assert_eq!(loaded.articles[0].paragraphs, ["Une phrase.", "Suite\tici."]);
        let json = r#"{"title": "Un\u0007 \u001b[31mtitre", "body": "Corps\u0000\u009b."}"#;
        let loaded = load_one("a.json", json.as_bytes(), Format::Auto).unwrap();
        assert_eq!(loaded.articles[0].title.as_deref(), Some("Un titre"));
        assert_eq!(loaded.articles[0].paragraphs, ["Corps."]);
        let utf16_lone_surrogate = [0xFF, 0xFE, b'O', 0, 0x00, 0xD8, b'k', 0];
        assert_eq!(
            load_one("b.txt", &utf16_lone_surrogate, Format::Auto).unwrap().articles[0].title.as_deref(),
            Some("Ok")
        );
    }

    #[test]
    fn names_with_control_characters_are_shown_written_out() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a\u{1B}[31m.txt"), "- -\n").unwrap();
        let named = dir.path().join("b\u{7}\n.txt");
        std::fs::write(&named, "Titre\n\nUne phrase.").unwrap();
        let loaded = load(&[Input::Path(dir.path().to_path_buf())], Format::Auto).unwrap();
        let folder = dir.path().display();
        assert_eq!(loaded.warnings, [format!("{folder}/a\\u{{1b}}[31m.txt: no speakable text, skipped")]);
        assert_eq!(loaded.articles[0].source, format!("{folder}/b\\u{{7}}\\n.txt"));
    }
}
