//! `gather`: one index of a folder that `build --each` wrote into, perhaps
//! from many processes on many machines: every bulletin a manifest there
//! describes, with its duration and size, and every article recorded as
//! failed, with why. Read from the files alone, so that it can run as the
//! last job of a cluster's batch.

use crate::error::{Error, Result};
use crate::manifest::Failure;
use serde::Serialize;
use serde_json::Value;
use std::path::Path;

/// The index's name in the folder.
pub const INDEX: &str = "index.json";

/// What a folder of bulletins holds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Index {
    pub bulletins: Vec<Gathered>,
    /// Articles not made, by name of their record.
    pub failures: Vec<Failure>,
    pub totals: Totals,
}

/// One bulletin, as its manifest describes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gathered {
    pub audio: String,
    pub manifest: String,
    /// Seconds.
    pub duration: f64,
    /// The audio file's size.
    pub bytes: u64,
    /// The article files it reads.
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    pub bulletins: usize,
    pub duration: f64,
    pub bytes: u64,
    pub failures: usize,
}

/// Reads every manifest and failure record in `folder` (in the order of
/// their names) and writes their index as `index.json` there, staged then
/// published. A manifest whose audio is missing counts as a failure.
pub fn gather(folder: &Path) -> Result<Index> {
    let shown = folder.display().to_string();
    let entries = std::fs::read_dir(folder).map_err(|e| Error::reading(&shown, e))?;
    let mut names: Vec<String> = entries.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let (mut bulletins, mut failures) = (Vec::new(), Vec::new());
    for name in names.iter().filter(|n| n.as_str() != INDEX) {
        let path = folder.join(name);
        let failed = Path::new(name).extension().is_some_and(|e| e == crate::resume::FAILED);
        let json = Path::new(name).extension().is_some_and(|e| e == "json");
        if failed {
            failures.push(failure_record(&path));
        } else if json && path.is_file() {
            match bulletin(folder, name) {
                Some(Ok(found)) => bulletins.push(found),
                Some(Err(failure)) => failures.push(failure),
                None => {}
            }
        }
    }
    if bulletins.is_empty() && failures.is_empty() {
        return Err(Error::input(shown, "no bulletin manifest nor failure record in it (made by build --each)"));
    }
    let totals = Totals {
        bulletins: bulletins.len(),
        duration: bulletins.iter().map(|b| b.duration).sum(),
        bytes: bulletins.iter().map(|b| b.bytes).sum(),
        failures: failures.len(),
    };
    let index = Index { bulletins, failures, totals };
    let mut text = serde_json::to_string_pretty(&index).expect("an index serializes");
    text.push('\n');
    crate::output::write_small(&folder.join(INDEX), text.as_bytes())?;
    Ok(index)
}

/// A failure record; one that does not read is a failure of its own.
fn failure_record(path: &Path) -> Failure {
    let read = std::fs::read(path).ok().and_then(|bytes| serde_json::from_slice(&bytes).ok());
    read.unwrap_or_else(|| Failure {
        source: path.display().to_string(),
        reason: format!("{}: a failure record that does not read", path.display()),
    })
}

/// The bulletin the manifest `name` describes, `None` if it is no
/// manifest, a failure if its audio is not there.
fn bulletin(folder: &Path, name: &str) -> Option<std::result::Result<Gathered, Failure>> {
    let text = std::fs::read_to_string(folder.join(name)).ok()?;
    let audio = crate::manifest::described_audio(&text)?;
    let manifest: Value = serde_json::from_str(&text).ok()?;
    let articles = manifest["articles"].as_array().into_iter().flatten();
    let sources: Vec<String> = articles.filter_map(|a| a["source"].as_str().map(str::to_owned)).collect();
    let Ok(meta) = std::fs::metadata(folder.join(&audio)) else {
        let reason = format!("{}: the manifest's audio {audio} is missing", folder.join(name).display());
        return Some(Err(Failure { source: sources.join(", "), reason }));
    };
    let duration = manifest["duration"].as_f64().unwrap_or_default();
    Some(Ok(Gathered { audio, manifest: name.to_owned(), duration, bytes: meta.len(), sources }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(audio: &str, duration: f64) -> String {
        format!(
            r#"{{"audio": "{audio}", "engine": "e", "sample_rate": 10, "samples": 1, "duration": {duration}, "articles": [{{"source": "in/{audio}.txt"}}]}}"#
        )
    }

    #[test]
    fn the_index_lists_bulletins_and_failures_and_is_not_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, bytes: &[u8]| std::fs::write(dir.path().join(name), bytes).unwrap();
        write("a.wav", &[0; 100]);
        write("a.json", manifest("a.wav", 1.5).as_bytes());
        write("b.wav", &[0; 50]);
        write("b.json", manifest("b.wav", 2.0).as_bytes());
        write("c.json", manifest("c.wav", 3.0).as_bytes());
        write("notes.json", br#"{"title": "not a manifest"}"#);
        write("d.failed", br#"{"source": "in/d.txt", "reason": "in/d.txt: empty article"}"#);
        write("e.failed", b"torn");
        let index = gather(dir.path()).unwrap();
        let audio: Vec<&str> = index.bulletins.iter().map(|b| b.audio.as_str()).collect();
        assert_eq!(audio, ["a.wav", "b.wav"]);
        assert_eq!(index.bulletins[0].sources, ["in/a.wav.txt"]);
        assert_eq!((index.totals.duration, index.totals.bytes, index.totals.failures), (3.5, 150, 3));
        let reasons: Vec<&str> = index.failures.iter().map(|f| f.reason.as_str()).collect();
        assert!(reasons[0].ends_with("c.json: the manifest's audio c.wav is missing"), "{reasons:?}");
        assert_eq!(reasons[1], "in/d.txt: empty article");
        assert!(reasons[2].ends_with("e.failed: a failure record that does not read"), "{reasons:?}");
        let written: Value = serde_json::from_slice(&std::fs::read(dir.path().join(INDEX)).unwrap()).unwrap();
        assert_eq!(written["totals"]["bulletins"], 2);
        assert_eq!(gather(dir.path()).unwrap(), index, "the index is not taken for a manifest");
    }

    #[test]
    fn an_empty_or_missing_folder_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(gather(dir.path()).unwrap_err().to_string().contains("no bulletin manifest"));
        assert!(gather(&dir.path().join("none")).is_err());
    }
}
