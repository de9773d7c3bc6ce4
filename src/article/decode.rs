//! Bytes to text. French news files are often Windows-1252 rather than UTF-8,
//! so that is the fallback, reported to the caller rather than guessed silently.

use encoding_rs::{Encoding, WINDOWS_1252};

/// How a file's bytes were turned into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceEncoding {
    Utf8,
    Utf16,
    Windows1252,
}

/// How far into a file to look for NUL bytes when telling text from binary.
const SNIFF_LEN: usize = 8192;

/// Decodes `bytes`, or says why they are not an article.
pub fn decode(bytes: &[u8]) -> Result<(String, SourceEncoding), &'static str> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = encoding.decode_without_bom_handling(&bytes[bom_len..]);
        let kind = if encoding == encoding_rs::UTF_8 { SourceEncoding::Utf8 } else { SourceEncoding::Utf16 };
        return Ok((text.into_owned(), kind));
    }
    if bytes[..bytes.len().min(SNIFF_LEN)].contains(&0) {
        return Err("binary file, not text");
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_owned(), SourceEncoding::Utf8)),
        Err(_) => {
            let (text, _) = WINDOWS_1252.decode_without_bom_handling(bytes);
            if looks_binary(&text) {
                return Err("binary file, not text");
            }
            Ok((text.into_owned(), SourceEncoding::Windows1252))
        }
    }
}

/// Text decoded from a binary file is full of C0 controls that no article has.
fn looks_binary(text: &str) -> bool {
    let controls = text.chars().filter(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c')).count();
    controls * 100 > text.chars().count().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_passes_through() {
        assert_eq!(decode("Élysée".as_bytes()).unwrap(), ("Élysée".to_owned(), SourceEncoding::Utf8));
    }

    #[test]
    fn utf8_bom_is_dropped() {
        let (text, _) = decode(b"\xEF\xBB\xBFBonjour").unwrap();
        assert_eq!(text, "Bonjour");
    }

    #[test]
    fn windows_1252_is_decoded() {
        // "Été à Noël : 5 €" in Windows-1252.
        let bytes = b"\xC9t\xE9 \xE0 No\xEBl : 5 \x80";
        assert_eq!(decode(bytes).unwrap(), ("Été à Noël : 5 €".to_owned(), SourceEncoding::Windows1252));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "Gao".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode(&bytes).unwrap().0, "Gao");
    }

    #[test]
    fn binary_is_refused() {
        assert!(decode(b"\x7fELF\x02\x01\x01\x00\x00").is_err());
        let noise: Vec<u8> = (0..400u32).map(|i| (i * 37 % 251) as u8 | 0x01).collect();
        assert!(decode(&noise).is_err());
    }
}
