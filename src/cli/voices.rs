//! `briefing voices`: the embedded and system voices, the installed ones,
//! then the catalogue; one voice's speakers; a voice's download.

use super::args::{VoicesAction, VoicesArgs};
use super::progress::Progress;
use super::{count, print_lines, size, system_voices};
use briefing::Result;

pub(super) fn run(args: &VoicesArgs) -> Result<()> {
    match (&args.action, &args.name) {
        (Some(VoicesAction::Download { name }), _) => download(name),
        (None, Some(name)) => speakers(name, args.json),
        (None, None) => list(args.json),
    }
}

/// Downloads a voice with a progress bar (on a terminal), then says where.
fn download(name: &str) -> Result<()> {
    let mut progress = Progress::new(false);
    let model = briefing::download_voice(name, &None, &mut progress);
    progress.finish();
    eprintln!("briefing: {name} is installed: {}", briefing::shown(model?.display().to_string()));
    Ok(())
}

/// A voice's speakers: id, then name where it has one.
fn speakers(name: &str, json: bool) -> Result<()> {
    let speakers = briefing::voice_speakers(name)?;
    if json {
        return print_lines([serde_json::to_string(&speakers).expect("speakers serialize")]);
    }
    print_lines(speakers.iter().map(|s| match &s.name {
        Some(name) => format!("{}\t{name}", s.id),
        None => s.id.to_string(),
    }))
}

/// Every voice, one a line (name, kind, facts), or all of them as JSON.
fn list(json: bool) -> Result<()> {
    let installed = briefing::installed_voices()?;
    let catalog = briefing::voice_catalog()?;
    if json {
        let embedded: Vec<serde_json::Value> = briefing::voices()
            .iter()
            .map(|v| serde_json::json!({ "name": v.name, "engine": v.engine, "description": v.description }))
            .collect();
        let all = serde_json::json!({ "embedded": embedded, "installed": installed, "catalog": catalog });
        return print_lines([all.to_string()]);
    }
    print_lines(briefing::voices().iter().map(|v| format!("{}\t{}\t{}", v.name, v.engine, v.description)))?;
    system_voices()?;
    print_lines(installed.iter().map(|v| {
        let path = briefing::shown(v.path.display().to_string());
        format!("{}\tinstalled\t{path}, {} Hz, {}", v.name, v.sample_rate, count(v.speakers.len(), "speaker"))
    }))?;
    print_lines(catalog.iter().map(|v| {
        let state = if v.installed { "installed" } else { "not installed" };
        let speakers = count(v.speakers as usize, "speaker");
        format!("{}\tcatalog\t{} {}, {speakers}, {}, {state}", v.name, v.language, v.quality, size(v.download_bytes))
    }))
}
