//! Ogg Opus, the smallest file for speech: the program encoded by a
//! pure-Rust encoder on a thread of its own as it is written, with its
//! title, date and chapters as Vorbis comments (`CHAPTER001=00:00:16.368`,
//! `CHAPTER001NAME=…`, the chapter convention players read). The stream
//! says where the audio starts and ends (pre-skip, final granule), so it
//! decodes to exactly the program's length.

use super::{AudioWriter, Finishing, Tags};
use crate::audio::Pcm16Source;
use crate::error::{Error, Result};
use crate::manifest::{clock, Manifest};
use opus_pure::{Application, OggOpusWriter, OpusEncoder, OpusHead, OpusTags, MAX_PACKET_BYTES};
use std::io::Write;

/// The default bitrate, kb/s: Opus speaks clearly at half MP3's rate.
pub const DEFAULT_BITRATE: u32 = 32;

/// The sample rates an Opus encoder takes.
pub const RATES: [u32; 5] = [8000, 12000, 16000, 24000, 48000];

/// The encoder's effort, 0 to 10: 5 encodes four times as fast as its
/// default 9 (a bulletin at about 500 times real time on one core, against
/// 120), for speech that sounds the same at these rates.
pub(crate) const COMPLEXITY: i32 = 5;

/// Opus counts time at 48 kHz whatever the rate it encodes.
const GRANULE_RATE: u64 = 48_000;

/// Ogg Opus at `bitrate` kb/s with `tags` as Vorbis comments; nothing to
/// write back: the pages say the length as they go.
pub struct Opus<'a> {
    pub tags: &'a Tags,
    pub bitrate: u32,
}

impl AudioWriter for Opus<'_> {
    fn write(
        &self,
        out: &mut (dyn Write + Send),
        name: &str,
        program: &mut dyn Pcm16Source,
        manifest: &Manifest,
    ) -> Result<Option<Finishing>> {
        let (tags, bitrate) = (self.tags, self.bitrate);
        let rate = manifest.sample_rate;
        let failed = |e: opus_pure::Error| Error::failed(name, "Opus encoding failed", e);
        let mut encoder = OpusEncoder::new(rate as i32, 1, Application::Audio).map_err(failed)?;
        encoder.bitrate_bps = (bitrate * 1000) as i32;
        encoder.complexity = COMPLEXITY;
        let head = OpusHead::for_encoder(&encoder, rate);
        // 20 ms packets; the encoder runs `pre_skip` behind its input, so that
        // much silence more is fed to flush it, and the last packet says where
        // the audio ends.
        let frame = rate as usize / 50;
        let ticks = (GRANULE_RATE / u64::from(rate)) as usize;
        let pre_skip = usize::from(head.pre_skip);
        let frames = (program.samples() + pre_skip.div_ceil(ticks)).div_ceil(frame);
        let final_granule = (pre_skip + program.samples() * ticks) as i64;
        let mut writer =
            OggOpusWriter::with_tags(&mut *out, head, comments(tags, manifest).map_err(failed)?).map_err(failed)?;
        let written = super::beside(name, program, move |blocks| {
            let (mut pending, mut packet, mut written) = (Vec::with_capacity(2 * frame), vec![0; MAX_PACKET_BYTES], 0);
            let mut encode = |samples: &[i16], written: &mut usize| -> Result<()> {
                let len = encoder.encode_s16(samples, frame, &mut packet).map_err(failed)?;
                *written += 1;
                if *written == frames {
                    let duration = u32::try_from(final_granule - writer.granule()).unwrap_or(0);
                    writer.write_packet_with_duration(&packet[..len], duration).map_err(failed)
                } else {
                    writer.write_packet(&packet[..len]).map_err(failed)
                }
            };
            for block in blocks {
                pending.extend(block.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])));
                let whole = pending.len() - pending.len() % frame;
                pending[..whole].chunks_exact(frame).try_for_each(|samples| encode(samples, &mut written))?;
                pending.drain(..whole);
            }
            while written < frames {
                pending.resize(frame, 0);
                encode(&pending, &mut written)?;
                pending.clear();
            }
            writer.finish().map(drop).map_err(failed)
        });
        written.map(|()| None)
    }
}

/// The Vorbis comments: title, date, artist, publisher, then a start and a
/// name for each article; each value on one line, without controls.
fn comments(tags: &Tags, manifest: &Manifest) -> opus_pure::Result<OpusTags> {
    let mut comments = OpusTags::new();
    let mut push = |name: &str, value: &str| comments.push(name, &crate::controls::one_line(value));
    push("TITLE", &tags.title)?;
    if !tags.date.is_empty() {
        push("DATE", &tags.date)?;
    }
    if let Some(artist) = &tags.artist {
        push("ARTIST", artist)?;
    }
    if let Some(publisher) = &tags.publisher {
        push("ORGANIZATION", publisher)?;
    }
    for (i, article) in manifest.articles.iter().enumerate() {
        let number = format!("CHAPTER{:03}", i + 1);
        push(&number, &clock(article.span.start))?;
        push(&format!("{number}NAME"), article.title.as_deref().unwrap_or(&article.source))?;
    }
    Ok(comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_carry_no_control_characters() {
        let tags = Tags { title: "Le\u{0} journal\u{1B}[1m\n".into(), date: "2026-12-03".into(), ..Tags::default() };
        let manifest = Manifest::of_articles(&[("Un\u{7}\ttitre".into(), vec!["Texte.".into()])]);
        let comments = comments(&tags, &manifest).unwrap().comments;
        assert_eq!(
            comments,
            ["TITLE=Le journal", "DATE=2026-12-03", "CHAPTER001=00:00:00.000", "CHAPTER001NAME=Un titre"]
        );
    }
}
