//! MP3, for podcast apps and browsers: the ID3v2.4 tag (title, date,
//! chapters), then the program encoded as it is written, by a pure-Rust
//! encoder on a thread of its own, so that making the samples and encoding
//! them run side by side and no second pass reads the audio again.

use super::{id3, AudioWriter, Finishing, Tags};
use crate::audio::Pcm16Source;
use crate::error::{Error, Result};
use crate::manifest::Manifest;
use rusty_mp3::{Mp3Encoder, Mp3EncoderConfig};
use std::io::Write;

/// The default bitrate, kb/s: clear speech in mono.
pub const DEFAULT_BITRATE: u32 = 64;

/// The sample rates MP3 can carry.
pub const RATES: [u32; 9] = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

/// The lowest rate of MPEG-1 frames, which the encoder holds to an average
/// bitrate; below, MPEG-2 and 2.5 frames at a constant one.
const MPEG1_FROM: u32 = 32_000;

/// The bitrates, kb/s, of MPEG-2 and 2.5 frames (up to 24 kHz), where the
/// encoder keeps a constant one: any other is moved to the nearest.
const STREAMED_BITRATES: [u32; 14] = [8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/// The average bitrates, kb/s, MPEG-1 frames (32 kHz and up) can reach:
/// their own lowest and highest.
const AVERAGE_BITRATES: std::ops::RangeInclusive<u32> = 32..=320;

/// Fails, naming what can be asked, if the encoder would not make an MP3
/// at `rate` Hz at `bitrate` kb/s.
pub fn check_bitrate(rate: u32, bitrate: u32) -> Result<()> {
    let choice = if rate >= MPEG1_FROM {
        if AVERAGE_BITRATES.contains(&bitrate) {
            return Ok(());
        }
        format!("from {} to {}", AVERAGE_BITRATES.start(), AVERAGE_BITRATES.end())
    } else {
        if STREAMED_BITRATES.contains(&bitrate) {
            return Ok(());
        }
        let rates: Vec<String> = STREAMED_BITRATES.iter().map(u32::to_string).collect();
        format!("among {}", rates.join(", "))
    };
    Err(Error::Usage(format!("an MP3 at {rate} Hz cannot be {bitrate} kb/s: choose --bitrate {choice}")))
}

/// An MP3 at `bitrate` kb/s with `tags`: the ID3 tag, then the encoded
/// program. The frame written back once the length is known is the Info
/// frame (frame count, encoder delay and padding), which makes the file
/// gapless and its duration exact.
pub struct Mp3<'a> {
    pub tags: &'a Tags,
    pub bitrate: u32,
}

impl AudioWriter for Mp3<'_> {
    fn write(
        &self,
        out: &mut (dyn Write + Send),
        name: &str,
        program: &mut dyn Pcm16Source,
        manifest: &Manifest,
    ) -> Result<Option<Finishing>> {
        let (tags, bitrate) = (self.tags, self.bitrate);
        let rate = manifest.sample_rate;
        let failed = |e: std::io::Error| Error::writing(name, e);
        let tag = id3::tag(tags, manifest);
        out.write_all(&tag).map_err(failed)?;
        // Constant bitrate where the encoder streams it (MPEG-2, up to 24 kHz);
        // above, its constant bitrate keeps every frame until the end to share
        // bits between them, so the same average is asked of its variable
        // bitrate, which streams: memory stays flat whatever the length.
        let vbr_quality = (rate >= MPEG1_FROM).then_some(bitrate as f32);
        let mut encoder = Mp3Encoder::new(Mp3EncoderConfig { bitrate_kbps: bitrate, vbr_quality });
        let encoding_failed = |e: rusty_mp3::Error| Error::failed(name, "MP3 encoding failed", e);
        let writing = &mut *out;
        let frame = super::beside(name, program, move |blocks| {
            let mut drain = |encoder: &mut Mp3Encoder| -> Result<()> {
                while let Ok(packet) = encoder.next_packet() {
                    writing.write_all(&packet).map_err(failed)?;
                }
                Ok(())
            };
            for block in blocks {
                encoder.push_pcm_s16le(&block, 1, rate).map_err(encoding_failed)?;
                drain(&mut encoder)?;
            }
            // Even an empty program makes a stream players accept.
            encoder.push_pcm_s16le(&[], 1, rate).map_err(encoding_failed)?;
            encoder.finish();
            drain(&mut encoder)?;
            Ok(encoder.lame_tag_frame().unwrap_or_default().to_vec())
        })?;
        Ok(Some(Finishing { at: tag.len() as u64, frame }))
    }
}
