//! Submission bodies into rows: NDJSON, a JSON array, or CSV exported from a spreadsheet.
//!
//! Each format numbers its rows the way staff see them (contract section 6): the NDJSON line, the
//! array element (1 = first), the spreadsheet row (1 = header, first data row = 2). A row that
//! cannot be read becomes a rejected row with its line, never an error of the whole batch; only a
//! JSON array that does not parse as a whole is refused as a body.

pub mod spreadsheet;
pub mod text;

use rayon::prelude::*;
use serde_json::Value;

use crate::engine::databank::{SubmittedRow, Unreadable};

/// The submission formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line (`application/x-ndjson`).
    Ndjson,
    /// A JSON array of objects (`application/json`).
    JsonArray,
    /// A spreadsheet export (`text/csv`).
    Csv,
}

impl Format {
    /// The format of a `Content-Type` (parameters such as `charset` ignored).
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        match media_type(content_type).as_str() {
            "application/x-ndjson"
            | "application/ndjson"
            | "application/jsonl"
            | "application/x-jsonlines" => Some(Format::Ndjson),
            "application/json" => Some(Format::JsonArray),
            // Browsers on Windows send `.csv` files as `application/vnd.ms-excel`; a workbook
            // sent under it is told apart by its bytes (see [`read`]).
            "text/csv"
            | "application/csv"
            | "text/x-csv"
            | "application/x-csv"
            | "text/comma-separated-values"
            | "text/tab-separated-values"
            | "application/vnd.ms-excel" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The format of a file, by its extension (`.ndjson`/`.jsonl`, `.json`, `.csv`; `.tsv` and
    /// `.txt` — Excel's "Unicode text" export, tab-separated UTF-16 — are spreadsheets too).
    pub fn from_path(path: &std::path::Path) -> Option<Format> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "ndjson" | "jsonl" => Some(Format::Ndjson),
            "json" => Some(Format::JsonArray),
            "csv" | "tsv" | "txt" => Some(Format::Csv),
            _ => None,
        }
    }

    /// The canonical content type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Ndjson => "application/x-ndjson",
            Format::JsonArray => "application/json",
            Format::Csv => "text/csv",
        }
    }
}

/// A body read into rows.
#[derive(Debug)]
pub struct Submission {
    /// The rows, each with its line.
    pub rows: Vec<SubmittedRow>,
    /// The text encoding that was read (`UTF-8`, `UTF-16LE`, `windows-1252`...).
    pub encoding: &'static str,
}

/// The media type of a `Content-Type` value, lowercase, without its parameters
/// (`Application/JSON; charset=utf-8` → `application/json`).
pub fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Why a body could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// A JSON array body that does not parse.
    #[error("the body is not a JSON array of documents: {0}")]
    MalformedJson(String),
    /// A body that is not text in a supported encoding.
    #[error("{0}")]
    Encoding(String),
}

/// The `charset` parameter of a `Content-Type` (`text/csv; charset=windows-1250`), lowercase.
pub fn charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|parameter| {
        let (name, value) = parameter.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
    })
}

/// Reads a body of the given format, in the encoding `charset` declares when it names one
/// other than UTF-8 (a spreadsheet's code page the detection would miss) and the body is not
/// valid UTF-8 (clients that declare `ISO-8859-1` by default and send UTF-8 are common); else
/// as [`read`].
pub fn read_declared(
    format: Format,
    body: &[u8],
    charset: Option<&str>,
) -> Result<Submission, IngestError> {
    let declared = charset.filter(|label| !matches!(*label, "utf-8" | "utf8"));
    let Some(label) = declared.filter(|_| std::str::from_utf8(body).is_err()) else {
        return read(format, body);
    };
    let encoding = encoding_rs::Encoding::for_label(label.as_bytes()).ok_or_else(|| {
        IngestError::Encoding(format!(
            "the Content-Type names the charset {label:?}, which is not an encoding this service knows"
        ))
    })?;
    let (text, had_errors) = encoding.decode_with_bom_removal(body);
    if had_errors {
        return Err(IngestError::Encoding(format!(
            "the body is not valid {} as its Content-Type says",
            encoding.name()
        )));
    }
    let mut submission = read(format, text.as_bytes())?;
    submission.encoding = encoding.name();
    Ok(submission)
}

/// Reads a body of the given format.
pub fn read(format: Format, body: &[u8]) -> Result<Submission, IngestError> {
    if let Some(kind) = workbook_kind(body) {
        return Err(IngestError::Encoding(format!(
            "the body is {kind}, not text; save the sheet as \"CSV UTF-8\" (File › Save As) and send that file"
        )));
    }
    match format {
        Format::Ndjson => read_ndjson(body),
        Format::JsonArray => read_json_array(body),
        Format::Csv => spreadsheet::read(body),
    }
}

/// What kind of workbook a body is, by its first bytes: spreadsheets are sometimes sent as they
/// are saved instead of exported (`.xlsx` and `.ods` are ZIP archives, `.xls` an OLE file).
fn workbook_kind(body: &[u8]) -> Option<&'static str> {
    if body.starts_with(b"PK\x03\x04") {
        Some("a workbook (.xlsx or .ods: a ZIP archive)")
    } else if body.starts_with(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1") {
        Some("an Excel 97-2003 workbook (.xls)")
    } else {
        None
    }
}

fn read_ndjson(body: &[u8]) -> Result<Submission, IngestError> {
    // UTF-16 (what Windows PowerShell writes, with a byte-order mark) is decoded first.
    let decoded;
    let utf16 = body.starts_with(b"\xFF\xFE")
        || body.starts_with(b"\xFE\xFF")
        || text::utf16_without_bom(body).is_some();
    let (body, encoding) = if utf16 {
        let (text, encoding) = text::decode_json(body)?;
        decoded = text;
        (decoded.as_bytes(), encoding)
    } else {
        (body.strip_prefix(text::UTF8_BOM).unwrap_or(body), "UTF-8")
    };
    let lines: Vec<(usize, &[u8])> = body
        .split(|&byte| byte == b'\n')
        .enumerate()
        .map(|(index, line)| (index, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !line.iter().all(u8::is_ascii_whitespace))
        .collect();
    // Lines are parsed in parallel, and kept in order.
    let rows = lines
        .into_par_iter()
        .map(|(index, line)| {
            let value = match std::str::from_utf8(line) {
                Err(err) => Err(Unreadable {
                    message: format!(
                        "the line is not valid UTF-8 (byte {})",
                        err.valid_up_to() + 1
                    ),
                    id: id_hint(&String::from_utf8_lossy(line)),
                }),
                Ok(text) => serde_json::from_str::<Value>(text).map_err(|err| Unreadable {
                    message: format!("the line is not valid JSON: {err}"),
                    id: id_hint(text),
                }),
            };
            SubmittedRow {
                line: index + 1,
                value,
            }
        })
        .collect();
    Ok(Submission { rows, encoding })
}

fn read_json_array(body: &[u8]) -> Result<Submission, IngestError> {
    let (text, encoding) = text::decode_json(body)?;
    let value: Value =
        serde_json::from_str(&text).map_err(|err| IngestError::MalformedJson(err.to_string()))?;
    let items = match value {
        Value::Array(items) => items,
        object @ Value::Object(_) => vec![object],
        other => {
            return Err(IngestError::MalformedJson(format!(
                "expected an array of objects, found {}",
                match other {
                    Value::Null => "null",
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    _ => "a string",
                }
            )))
        }
    };
    let rows = items
        .into_iter()
        .enumerate()
        .map(|(index, value)| SubmittedRow {
            line: index + 1,
            value: Ok(value),
        })
        .collect();
    Ok(Submission { rows, encoding })
}

/// The id a line that does not parse seems to give (`"id": "es-huertos"`), for the report: the
/// first `"id"` key followed by a plain string value. `None` when there is none or it is not
/// plain (escapes).
fn id_hint(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(at) = rest.find("\"id\"") {
        rest = &rest[at + 4..];
        let Some(after_colon) = rest.trim_start().strip_prefix(':') else {
            continue;
        };
        if let Some(value) = after_colon.trim_start().strip_prefix('"') {
            let end = value.find('"')?;
            let id = &value[..end];
            if id.contains('\\') || id.trim().is_empty() {
                return None;
            }
            return Some(id.trim().to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ndjson_lines_keep_their_numbers() {
        let body = b"{\"id\":\"a\"}\r\n\n{bad\n\xff\xfe\n{\"id\":\"b\"}";
        let submission = read(Format::Ndjson, body).unwrap();
        let lines: Vec<usize> = submission.rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, [1, 3, 4, 5]);
        assert!(submission.rows[1].value.is_err());
        assert!(submission.rows[2]
            .value
            .as_ref()
            .unwrap_err()
            .message
            .contains("UTF-8"));
    }

    #[test]
    fn a_line_that_does_not_parse_is_reported_with_the_id_it_gives() {
        let body = b"{\"title\":\"the \\\"id\\\" word\", \"id\" : \"n-1\", }\n{\"id\":\"n-2\",\"title\":\"Bad \xff\"}\n{\"id\":7,}";
        let submission = read(Format::Ndjson, body).unwrap();
        let ids: Vec<Option<String>> = submission
            .rows
            .iter()
            .map(|row| row.value.as_ref().unwrap_err().id.clone())
            .collect();
        assert_eq!(ids, [Some("n-1".into()), Some("n-2".into()), None]);
    }

    #[test]
    fn content_types() {
        assert_eq!(
            Format::from_content_type("text/csv; charset=utf-8"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_content_type("application/x-ndjson"),
            Some(Format::Ndjson)
        );
        assert_eq!(Format::from_content_type("text/plain"), None);
        assert_eq!(
            Format::from_content_type("application/vnd.ms-excel"),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_content_type("text/tab-separated-values"),
            Some(Format::Csv)
        );
    }

    #[test]
    fn a_declared_charset_is_read_as_declared() {
        assert_eq!(
            charset("text/csv; Charset=\"Windows-1250\"").as_deref(),
            Some("windows-1250")
        );
        let (body, _, _) =
            encoding_rs::WINDOWS_1250.encode("id,title,city\nhu-1,Idősek klubja,Győr\n");
        let submission = read_declared(Format::Csv, &body, Some("windows-1250")).expect("read");
        assert_eq!(submission.encoding, "windows-1250");
        assert_eq!(
            submission.rows[0].value.as_ref().expect("row")["city"],
            "Győr"
        );
        assert!(read_declared(Format::Csv, &body, Some("klingon")).is_err());
    }

    #[test]
    fn a_workbook_is_refused_whole_with_how_to_export_it() {
        for (body, kind) in [
            (
                &b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml"[..],
                ".xlsx",
            ),
            (&b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"[..], ".xls"),
        ] {
            for format in [Format::Csv, Format::Ndjson, Format::JsonArray] {
                let error = read(format, body).expect_err("refused").to_string();
                assert!(
                    error.contains(kind) && error.contains("CSV UTF-8"),
                    "{error}"
                );
            }
        }
    }

    #[test]
    fn utf16_ndjson_is_decoded() {
        let text = "{\"id\":\"a\",\"title\":\"Educación\"}\r\n{\"id\":\"b\"}\r\n";
        let mut body = vec![0xFF, 0xFE];
        body.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let submission = read(Format::Ndjson, &body).expect("read");
        assert_eq!(submission.encoding, "UTF-16LE");
        assert_eq!(submission.rows.len(), 2);
        assert_eq!(
            submission.rows[0].value.as_ref().expect("parsed")["title"],
            "Educación"
        );
    }
}
