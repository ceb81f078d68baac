//! Text encodings of submitted bodies: UTF-8 (a BOM is dropped), UTF-16 with a BOM, and — for
//! spreadsheets, whose "CSV" export is often not UTF-8 — Windows-1252.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::IngestError;

/// The UTF-8 byte-order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a body: BOM-marked UTF-8/UTF-16, plain UTF-8, or (when `legacy` and the bytes are not
/// UTF-8) Windows-1252. Returns the text and the name of the encoding read.
pub fn decode(body: &[u8], legacy: bool) -> Result<(String, &'static str), IngestError> {
    if let Some(rest) = body.strip_prefix(UTF8_BOM) {
        return utf8(rest);
    }
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        let encoding = if body.starts_with(b"\xFF\xFE") {
            UTF_16LE
        } else {
            UTF_16BE
        };
        let (text, had_errors) = encoding.decode_with_bom_removal(body);
        if had_errors {
            return Err(IngestError::Encoding(format!(
                "the body starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            )));
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok((text.to_string(), "UTF-8")),
        Err(_) if legacy => Ok(legacy_or_mixed(body)),
        Err(err) => Err(IngestError::Encoding(format!(
            "the body is not valid UTF-8 (invalid byte at offset {}); send UTF-8, or UTF-16 with a byte-order mark",
            err.valid_up_to()
        ))),
    }
}

/// A body that is not valid UTF-8: Windows-1252, unless it also holds multi-byte UTF-8
/// characters. Then it is UTF-8 with a few bytes pasted from elsewhere (Windows-1252 text
/// rarely forms valid multi-byte UTF-8 sequences): its UTF-8 is kept, and only the stray bytes
/// are read as Windows-1252, so the correct accents of the other rows are not garbled.
fn legacy_or_mixed(body: &[u8]) -> (String, &'static str) {
    let mixed = body.utf8_chunks().any(|chunk| !chunk.valid().is_ascii());
    if !mixed {
        let (text, _, _) = WINDOWS_1252.decode(body);
        return (text.into_owned(), "windows-1252");
    }
    let mut text = String::with_capacity(body.len());
    for chunk in body.utf8_chunks() {
        text.push_str(chunk.valid());
        text.push_str(&WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0);
    }
    (text, "UTF-8 (with some Windows-1252 bytes)")
}

fn utf8(body: &[u8]) -> Result<(String, &'static str), IngestError> {
    std::str::from_utf8(body)
        .map(|text| (text.to_string(), "UTF-8"))
        .map_err(|err| {
            IngestError::Encoding(format!(
                "the body has a UTF-8 byte-order mark but is not valid UTF-8 (offset {})",
                err.valid_up_to() + 3
            ))
        })
}

/// Decodes a JSON body (no legacy encodings: JSON is UTF-8 by definition).
pub fn decode_json(body: &[u8]) -> Result<(String, &'static str), IngestError> {
    decode(body, false)
}
