//! The audio formats of a streamed response, encoded as the samples come:
//! each push returns the bytes that can leave now.

use crate::audio::to_pcm16;
use crate::error::{Error, Result};
use opus_pure::{Application, OggOpusWriter, OpusEncoder, OpusHead, MAX_PACKET_BYTES};
use rusty_mp3::{Mp3Encoder, Mp3EncoderConfig};

/// The rate every response is made at: OpenAI's, which its clients expect
/// of `pcm` (and which MP3 and Opus carry as they are).
pub const RATE: u32 = 24_000;

/// The formats a request can ask for (`response_format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Mp3,
    Opus,
    Wav,
    /// 16-bit little-endian mono samples at [`RATE`], no header.
    Pcm,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["mp3", "opus", "wav", "pcm"];

    pub fn parse(name: &str) -> Option<Self> {
        let formats = [Format::Mp3, Format::Opus, Format::Wav, Format::Pcm];
        Self::NAMES.iter().position(|n| *n == name).map(|i| formats[i])
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Mp3 => "audio/mpeg",
            Format::Opus => "audio/ogg",
            Format::Wav => "audio/wav",
            Format::Pcm => "audio/pcm",
        }
    }

    pub fn encoder(self) -> Result<Box<dyn Encoder>> {
        Ok(match self {
            Format::Mp3 => Box::new(Mp3::new()),
            Format::Opus => Box::new(Opus::new()?),
            Format::Wav => Box::new(Pcm { header: Some(wav_header()) }),
            Format::Pcm => Box::new(Pcm { header: None }),
        })
    }
}

/// Samples in, bytes out, as early as the format allows.
pub trait Encoder: Send {
    /// Encodes `samples`, appending what can be sent to `out`.
    fn push(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<()>;
    /// Ends the stream, appending its last bytes to `out`.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<()>;
}

fn pcm16(samples: &[f32]) -> impl Iterator<Item = i16> + '_ {
    samples.iter().map(|&s| to_pcm16(s))
}

/// PCM, after a WAV header or none.
struct Pcm {
    header: Option<Vec<u8>>,
}

impl Encoder for Pcm {
    fn push(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<()> {
        out.extend(self.header.take().unwrap_or_default());
        out.extend(pcm16(samples).flat_map(i16::to_le_bytes));
        Ok(())
    }

    fn finish(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.extend(self.header.take().unwrap_or_default());
        Ok(())
    }
}

/// A WAV header whose sizes say "unknown" (all ones), as streamed WAV
/// writes them: readers take the data to the end of the stream.
fn wav_header() -> Vec<u8> {
    let unknown = u32::MAX.to_le_bytes();
    let mut header = Vec::with_capacity(44);
    header.extend(b"RIFF");
    header.extend(unknown);
    header.extend(b"WAVEfmt ");
    header.extend(16u32.to_le_bytes());
    header.extend(1u16.to_le_bytes()); // PCM
    header.extend(1u16.to_le_bytes()); // mono
    header.extend(RATE.to_le_bytes());
    header.extend((RATE * 2).to_le_bytes());
    header.extend(2u16.to_le_bytes());
    header.extend(16u16.to_le_bytes());
    header.extend(b"data");
    header.extend(unknown);
    header
}

/// MP3 frames as the encoder makes them: at 24 kHz (MPEG-2) its constant
/// bitrate streams. The first frame is the encoder's Info frame as it
/// stands before the end: it gives the codec's delay, which decoders drop,
/// but not the frame count (known only at the end), so a player that
/// guesses the length from the size shows a few frames more.
struct Mp3 {
    encoder: Mp3Encoder,
}

/// kb/s, as `build` makes MP3 by default.
const MP3_BITRATE: u32 = crate::output::MP3_BITRATE;

impl Mp3 {
    fn new() -> Self {
        Mp3 { encoder: Mp3Encoder::new(Mp3EncoderConfig { bitrate_kbps: MP3_BITRATE, vbr_quality: None }) }
    }

    fn encode(&mut self, bytes: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let failed = |e: rusty_mp3::Error| Error::failed("response", "MP3 encoding failed", e);
        self.encoder.push_pcm_s16le(bytes, 1, RATE).map_err(failed)?;
        while let Ok(packet) = self.encoder.next_packet() {
            out.extend_from_slice(&packet);
        }
        Ok(())
    }
}

impl Encoder for Mp3 {
    fn push(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<()> {
        let bytes: Vec<u8> = pcm16(samples).flat_map(i16::to_le_bytes).collect();
        self.encode(&bytes, out)
    }

    fn finish(&mut self, out: &mut Vec<u8>) -> Result<()> {
        self.encode(&[], out)?;
        self.encoder.finish();
        self.encode(&[], out)
    }
}

/// Ogg Opus, its pages sent as they fill. The last packet is held back
/// until the end, when it says where the audio stops (the stream decodes
/// to exactly what was pushed).
struct Opus {
    encoder: OpusEncoder,
    writer: Option<OggOpusWriter<Vec<u8>>>,
    pre_skip: usize,
    pending: Vec<i16>,
    held: Option<Vec<u8>>,
    packets: usize,
    samples: usize,
}

/// 20 ms packets.
const OPUS_FRAME: usize = RATE as usize / 50;
/// Opus counts time at 48 kHz.
const OPUS_TICKS: usize = 48_000 / RATE as usize;
/// Payload bytes per page: a page about every half second at 32 kb/s.
const OPUS_PAGE: usize = 2048;

fn opus_failed(e: opus_pure::Error) -> Error {
    Error::failed("response", "Opus encoding failed", e)
}

impl Opus {
    fn new() -> Result<Self> {
        let mut encoder = OpusEncoder::new(RATE as i32, 1, Application::Audio).map_err(opus_failed)?;
        encoder.bitrate_bps = (crate::output::OPUS_BITRATE * 1000) as i32;
        encoder.complexity = crate::output::OPUS_COMPLEXITY;
        let head = OpusHead::for_encoder(&encoder, RATE);
        let pre_skip = usize::from(head.pre_skip);
        let mut writer = OggOpusWriter::new(Vec::new(), head).map_err(opus_failed)?;
        writer.set_page_target(OPUS_PAGE);
        Ok(Opus { encoder, writer: Some(writer), pre_skip, pending: Vec::new(), held: None, packets: 0, samples: 0 })
    }

    fn writer(&mut self) -> Result<&mut OggOpusWriter<Vec<u8>>> {
        self.writer.as_mut().ok_or_else(|| Error::output("response", "the Opus stream has ended"))
    }

    /// Encodes one frame; writes the packet held before it.
    fn encode(&mut self, frame: &[i16]) -> Result<()> {
        let mut packet = vec![0; MAX_PACKET_BYTES];
        let len = self.encoder.encode_s16(frame, OPUS_FRAME, &mut packet).map_err(opus_failed)?;
        packet.truncate(len);
        if let Some(held) = self.held.replace(packet) {
            self.writer()?.write_packet(&held).map_err(opus_failed)?;
        }
        self.packets += 1;
        Ok(())
    }

    /// The pages written so far, moved to `out`.
    fn drain(&mut self, out: &mut Vec<u8>) -> Result<()> {
        out.append(self.writer()?.get_mut().expect("the writer holds its sink until finish"));
        Ok(())
    }
}

impl Encoder for Opus {
    fn push(&mut self, samples: &[f32], out: &mut Vec<u8>) -> Result<()> {
        self.samples += samples.len();
        self.pending.extend(pcm16(samples));
        let whole = self.pending.len() - self.pending.len() % OPUS_FRAME;
        let frames: Vec<i16> = self.pending.drain(..whole).collect();
        frames.chunks_exact(OPUS_FRAME).try_for_each(|frame| self.encode(frame))?;
        self.drain(out)
    }

    /// The encoder runs `pre_skip` behind its input: that much silence more
    /// flushes it, and the last packet's duration ends the audio where the
    /// pushed samples end.
    fn finish(&mut self, out: &mut Vec<u8>) -> Result<()> {
        let frames = (self.samples + self.pre_skip.div_ceil(OPUS_TICKS)).div_ceil(OPUS_FRAME);
        while self.packets < frames {
            let mut frame = std::mem::take(&mut self.pending);
            frame.resize(OPUS_FRAME, 0);
            self.encode(&frame)?;
        }
        let end = (self.pre_skip + self.samples * OPUS_TICKS) as i64;
        let held = self.held.take();
        let mut writer = self.writer.take().ok_or_else(|| Error::output("response", "the Opus stream has ended"))?;
        if let Some(held) = held {
            let duration = u32::try_from(end - writer.granule()).unwrap_or(0);
            writer.write_packet_with_duration(&held, duration).map_err(opus_failed)?;
        }
        out.append(&mut writer.finish().map_err(opus_failed)?);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(format: Format, seconds: usize) -> (Vec<u8>, usize) {
        let mut encoder = format.encoder().unwrap();
        let (mut out, mut first) = (Vec::new(), 0);
        let tone: Vec<f32> = (0..RATE as usize).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
        for _ in 0..seconds {
            encoder.push(&tone, &mut out).unwrap();
            if first == 0 {
                first = out.len();
            }
        }
        encoder.finish(&mut out).unwrap();
        (out, first)
    }

    #[test]
    fn every_format_gives_bytes_before_the_end() {
        for name in Format::NAMES {
            let (out, first) = encoded(Format::parse(name).unwrap(), 3);
            assert!(first > 0 && first < out.len(), "{name}: {first} of {} bytes after the first second", out.len());
        }
    }

    #[test]
    fn wav_and_pcm_carry_every_sample() {
        let (wav, _) = encoded(Format::Wav, 2);
        let (pcm, _) = encoded(Format::Pcm, 2);
        assert_eq!(&wav[..4], b"RIFF");
        assert_eq!(wav.len(), 44 + pcm.len());
        assert_eq!(pcm.len(), 2 * 2 * RATE as usize);
    }

    #[test]
    fn opus_ends_where_the_samples_end() {
        let (opus, _) = encoded(Format::Opus, 2);
        let mut reader = opus_pure::OggOpusReader::new(std::io::Cursor::new(opus)).unwrap();
        let pre_skip = u64::from(reader.head().pre_skip);
        let mut last = 0;
        while let Some(packet) = reader.read_packet().unwrap() {
            last = packet.page_granule;
        }
        assert_eq!(last as u64 - pre_skip, 2 * 48_000);
    }
}
