//! The program as it is placed, kept on disk until its gain is known: a
//! temporary file of records, each samples written out, a silence (only
//! its length), or a sentence the sentence cache already keeps (only named,
//! not copied), read back in order once, when the bulletin is written.

use super::spool_failed;
use crate::audio;
use crate::error::Result;
use crate::voicing::Kept;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};

const SAMPLES: u8 = 0;
const KEPT: u8 = 1;
const SILENCE: u8 = 2;

pub struct SpoolWriter {
    file: BufWriter<File>,
    kept: Vec<Kept>,
    bytes: Vec<u8>,
}

impl SpoolWriter {
    pub fn new() -> Result<Self> {
        let file = tempfile::tempfile().map_err(|e| spool_failed(&e))?;
        Ok(SpoolWriter { file: BufWriter::with_capacity(1 << 16, file), kept: Vec::new(), bytes: Vec::new() })
    }

    pub fn samples(&mut self, samples: &[f32]) -> Result<()> {
        if samples.is_empty() {
            return Ok(());
        }
        self.bytes.clear();
        self.bytes.push(SAMPLES);
        self.bytes.extend_from_slice(&(samples.len() as u64).to_le_bytes());
        audio::extend_bytes(&mut self.bytes, samples);
        self.file.write_all(&self.bytes).map_err(|e| spool_failed(&e))
    }

    pub fn silence(&mut self, len: usize) -> Result<()> {
        let mut record = [SILENCE; 9];
        record[1..].copy_from_slice(&(len as u64).to_le_bytes());
        self.file.write_all(&record).map_err(|e| spool_failed(&e))
    }

    /// A sentence whose samples the sentence cache keeps in `body`.
    pub fn kept(&mut self, kept: Kept) -> Result<()> {
        let mut record = [KEPT; 9];
        record[1..].copy_from_slice(&(self.kept.len() as u64).to_le_bytes());
        self.kept.push(kept);
        self.file.write_all(&record).map_err(|e| spool_failed(&e))
    }

    pub fn finish(self) -> Result<Spool> {
        let file = self.file.into_inner().map_err(|e| spool_failed(e.error()))?;
        Ok(Spool { file, kept: self.kept })
    }
}

/// A program on disk, ready to be read back.
pub struct Spool {
    file: File,
    kept: Vec<Kept>,
}

impl Spool {
    /// Runs `read` on the program's samples, read back by a thread of its
    /// own a few blocks ahead: reading (from the spool and the sentence
    /// cache, checksums included) runs beside what `read` does with them.
    pub fn read_ahead<R>(&self, read: impl FnOnce(&mut ReadAhead) -> Result<R>) -> Result<R> {
        std::thread::scope(|scope| {
            let (blocks, received) = std::sync::mpsc::sync_channel(BLOCKS_AHEAD);
            scope.spawn(move || {
                let mut reader = match self.reader() {
                    Ok(reader) => reader,
                    Err(e) => return drop(blocks.send(Err(e))),
                };
                loop {
                    let next = reader.next_buffer();
                    let more = matches!(next, Ok(Some(_)));
                    // Refused only when `read` has stopped: nothing more is wanted.
                    if blocks.send(next).is_err() || !more {
                        return;
                    }
                }
            });
            read(&mut ReadAhead { received, buffer: Vec::new(), used: 0 })
        })
    }

    fn reader(&self) -> Result<SpoolReader<'_>> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(0)).map_err(|e| spool_failed(&e))?;
        Ok(SpoolReader {
            file: BufReader::with_capacity(1 << 16, file),
            kept: &self.kept,
            record_left: 0,
            silent: false,
            bytes: Vec::new(),
            buffer: Vec::new(),
            used: 0,
        })
    }
}

/// The program's samples, in order, read back a record at a time.
struct SpoolReader<'a> {
    file: BufReader<&'a File>,
    kept: &'a [Kept],
    /// Samples of the current record not yet read.
    record_left: u64,
    /// Whether the current record is silence.
    silent: bool,
    bytes: Vec<u8>,
    buffer: Vec<f32>,
    /// Samples of `buffer` handed out.
    used: usize,
}

/// Samples read from a record at once.
const READ: u64 = 1 << 16;
/// Blocks read ahead of their use.
const BLOCKS_AHEAD: usize = 4;

/// The program's samples as a reading thread hands them over, in blocks of
/// any size.
pub struct ReadAhead {
    received: std::sync::mpsc::Receiver<Result<Option<Vec<f32>>>>,
    buffer: Vec<f32>,
    used: usize,
}

impl ReadAhead {
    /// The next `most` samples or fewer (never none before the end);
    /// `None` at the end.
    pub fn next_block(&mut self, most: usize) -> Result<Option<&[f32]>> {
        while self.used == self.buffer.len() {
            match self.received.recv() {
                Ok(Ok(Some(buffer))) => (self.buffer, self.used) = (buffer, 0),
                Ok(Err(e)) => return Err(e),
                Ok(Ok(None)) | Err(_) => return Ok(None),
            }
        }
        let start = self.used;
        self.used = (start + most).min(self.buffer.len());
        Ok(Some(&self.buffer[start..self.used]))
    }
}

impl SpoolReader<'_> {
    /// The next samples, as many as one read gives; `None` at the end.
    fn next_buffer(&mut self) -> Result<Option<Vec<f32>>> {
        while self.used == self.buffer.len() {
            if !self.fill()? {
                return Ok(None);
            }
        }
        let buffer = std::mem::take(&mut self.buffer);
        let used = std::mem::take(&mut self.used);
        Ok(Some(if used == 0 { buffer } else { buffer[used..].to_vec() }))
    }

    /// Reads the next samples into the buffer; false at the end.
    fn fill(&mut self) -> Result<bool> {
        if self.record_left == 0 {
            let mut tag = [0u8; 1];
            match self.file.read_exact(&mut tag) {
                Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(false),
                other => other.map_err(|e| spool_failed(&e))?,
            }
            let mut word = [0u8; 8];
            self.file.read_exact(&mut word).map_err(|e| spool_failed(&e))?;
            let word = u64::from_le_bytes(word);
            if tag[0] == KEPT {
                let kept = &self.kept[usize::try_from(word).expect("an index in memory")];
                let bytes = kept.read()?;
                self.decode(&bytes);
                return Ok(true);
            }
            self.record_left = word;
            self.silent = tag[0] == SILENCE;
        }
        let len = READ.min(self.record_left);
        self.record_left -= len;
        if self.silent {
            self.buffer.clear();
            self.buffer.resize(len as usize, 0.0);
            self.used = 0;
            return Ok(true);
        }
        let mut bytes = std::mem::take(&mut self.bytes);
        bytes.resize(len as usize * 4, 0);
        self.file.read_exact(&mut bytes).map_err(|e| spool_failed(&e))?;
        self.decode(&bytes);
        self.bytes = bytes;
        Ok(true)
    }

    fn decode(&mut self, bytes: &[u8]) {
        self.buffer.clear();
        audio::extend_samples(&mut self.buffer, bytes);
        self.used = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::Cache;

    #[test]
    fn samples_and_kept_sentences_come_back_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::new(Some(dir.path()));
        let kept: Vec<f32> = (0..300).map(|i| i as f32 / 1000.0).collect();
        let mut bytes = Vec::new();
        audio::extend_bytes(&mut bytes, &kept);
        let body = cache.put("k", b"", &bytes).unwrap();
        let mut writer = SpoolWriter::new().unwrap();
        writer.samples(&[1.0, 2.0]).unwrap();
        writer.kept(body.into()).unwrap();
        writer.samples(&[]).unwrap();
        writer.silence(3).unwrap();
        writer.samples(&vec![0.5; 70_000]).unwrap();
        let spool = writer.finish().unwrap();
        let all = spool
            .read_ahead(|blocks| {
                let mut all = Vec::new();
                while let Some(block) = blocks.next_block(1000)? {
                    assert!(!block.is_empty() && block.len() <= 1000);
                    all.extend_from_slice(block);
                }
                Ok(all)
            })
            .unwrap();
        assert_eq!(all.len(), 2 + 300 + 3 + 70_000);
        assert_eq!(&all[..2], [1.0, 2.0]);
        assert_eq!(&all[2..302], kept.as_slice());
        assert_eq!(&all[302..305], [0.0; 3]);
        assert!(all[305..].iter().all(|&s| s == 0.5));
    }
}
