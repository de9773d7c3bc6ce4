//! `index.html`: a page to listen in any browser, newest episode first,
//! each with a player, its chapters as links that seek, and its
//! transcript. Plain HTML and a few lines of script, nothing to load.

use super::{duration_text, escape, Channel, Episode, EPISODE_FOLDER};

const STYLE: &str =
    "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
audio{width:100%}article{border-top:1px solid #ccc;padding:1rem 0}.meta{color:#555}";

/// Chapter links seek their episode's player; each player records its
/// duration once known (`data-duration`), which tests read.
const SCRIPT: &str = "document.addEventListener('click', function (event) {\n\
  var link = event.target.closest('a[data-start]');\n\
  if (!link) return;\n\
  event.preventDefault();\n\
  var audio = link.closest('article').querySelector('audio');\n\
  audio.currentTime = parseFloat(link.dataset.start);\n\
  audio.play();\n\
});\n\
document.querySelectorAll('audio').forEach(function (audio) {\n\
  audio.addEventListener('loadedmetadata', function () { audio.dataset.duration = audio.duration; });\n\
});\n";

pub fn render(channel: &Channel, episodes: &[Episode]) -> String {
    let mut html = String::from("<!doctype html>\n<html lang=\"fr\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!("<title>{}</title>\n", escape(&channel.title)));
    html.push_str("<link rel=\"alternate\" type=\"application/rss+xml\" href=\"feed.xml\">\n");
    html.push_str(&format!("<style>{STYLE}</style>\n</head>\n<body>\n"));
    html.push_str(&format!("<h1>{}</h1>\n", escape(&channel.title)));
    if !channel.description.is_empty() {
        html.push_str(&format!("<p>{}</p>\n", escape(&channel.description)));
    }
    html.push_str("<p><a href=\"feed.xml\">S'abonner (RSS)</a></p>\n");
    for episode in episodes {
        article(&mut html, episode);
    }
    html.push_str(&format!("<script>\n{SCRIPT}</script>\n</body>\n</html>\n"));
    html
}

fn article(html: &mut String, episode: &Episode) {
    let file = |name: &str| escape(&format!("{EPISODE_FOLDER}/{name}"));
    html.push_str(&format!("<article id=\"episode-{}\">\n", escape(&episode.id)));
    html.push_str(&format!("<h2>{}</h2>\n", escape(&episode.title)));
    html.push_str(&format!(
        "<p class=\"meta\"><time datetime=\"{}\">{}</time> · {}</p>\n",
        escape(&episode.published),
        escape(&episode.published[..episode.published.len().min(16)].replace('T', " ")),
        duration_text(episode.duration)
    ));
    html.push_str(&format!(
        "<audio controls preload=\"metadata\" src=\"{}\">\n<track kind=\"captions\" srclang=\"fr\" label=\"Français\" src=\"{}\">\n</audio>\n",
        file(&episode.audio),
        file(&format!("{}.vtt", episode.id))
    ));
    if !episode.chapters.is_empty() {
        html.push_str("<ol class=\"chapters\">\n");
        for (start, title) in &episode.chapters {
            html.push_str(&format!(
                "<li><a href=\"#episode-{}\" data-start=\"{start:.3}\">{}</a> {}</li>\n",
                escape(&episode.id),
                duration_text(*start),
                escape(title)
            ));
        }
        html.push_str("</ol>\n");
    }
    html.push_str("<details>\n<summary>Transcription</summary>\n");
    for paragraph in &episode.transcript {
        html.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
    }
    html.push_str("</details>\n</article>\n");
}
