//! CSV exported from a spreadsheet into documents (contract section 1, "CSV").
//!
//! * the delimiter (`,`, `;` or tab) is read from the header row — spreadsheets in es/fr/ca/pt/
//!   it/de locales write `;`;
//! * header names are matched case-insensitively, surrounding spaces trimmed;
//! * multi-valued cells (`themes`, `sdgs`, `target_groups`, `charter_principles`) are split on
//!   `;` or `|`; numbers become numbers where they parse (otherwise validation names the cell);
//! * `title_<lang>`, `summary_<lang>`, `description_<lang>` become `translations.<lang>.*`;
//! * empty cells are absent fields; quoted cells may span lines; CRLF or LF;
//! * rows are numbered as in the spreadsheet: header = 1, first data row = 2.

use serde_json::{Map, Value};

use super::{text, IngestError, Submission};
use crate::engine::databank::SubmittedRow;

const LIST_FIELDS: [&str; 4] = ["themes", "sdgs", "target_groups", "charter_principles"];
const NUMBER_LIST_FIELDS: [&str; 2] = ["sdgs", "charter_principles"];
const TRANSLATED_FIELDS: [&str; 3] = ["title", "summary", "description"];

/// Reads a CSV body.
pub fn read(body: &[u8]) -> Result<Submission, IngestError> {
    let (text, encoding) = text::decode(body, true)?;
    let delimiter = detect_delimiter(&text);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(headers) => headers
            .iter()
            .map(|name| {
                name.trim()
                    .trim_start_matches('\u{feff}')
                    .to_ascii_lowercase()
            })
            .collect(),
        Err(err) => {
            return Err(IngestError::Encoding(format!(
                "the header row cannot be read: {err}"
            )))
        }
    };
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let value = match record {
            Err(err) => Err(format!("the row cannot be read as CSV: {err}")),
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => continue,
            Ok(record) => to_document(&headers, &record),
        };
        rows.push(SubmittedRow { line, value });
    }
    Ok(Submission { rows, encoding })
}

/// The delimiter the header row uses most (outside quotes).
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            _ if quoted => {}
            ',' => counts[0].1 += 1,
            ';' => counts[1].1 += 1,
            '\t' => counts[2].1 += 1,
            _ => {}
        }
    }
    counts
        .iter()
        .max_by_key(|(_, count)| *count)
        .filter(|(_, count)| *count > 0)
        .map_or(b',', |(delimiter, _)| *delimiter)
}

fn to_document(headers: &[String], record: &csv::StringRecord) -> Result<Value, String> {
    if record.len() > headers.len()
        && record
            .iter()
            .skip(headers.len())
            .any(|cell| !cell.trim().is_empty())
    {
        return Err(format!(
            "the row has {} cells but the header names {} columns (a delimiter inside an unquoted cell?)",
            record.len(),
            headers.len()
        ));
    }
    let mut document = Map::new();
    let mut translations: Map<String, Value> = Map::new();
    for (name, cell) in headers.iter().zip(record.iter()) {
        if cell.trim().is_empty() || name.is_empty() {
            continue;
        }
        if let Some((field, language)) = translated_column(name) {
            let entry = translations
                .entry(language.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(entry) = entry {
                entry.insert(field.to_string(), Value::String(cell.to_string()));
            }
            continue;
        }
        let value = if LIST_FIELDS.contains(&name.as_str()) {
            Value::Array(
                cell.split([';', '|'])
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| number_if(NUMBER_LIST_FIELDS.contains(&name.as_str()), item))
                    .collect(),
            )
        } else {
            match name.as_str() {
                "start_year" => number_if(true, cell.trim()),
                "language_detected" => match cell.trim().to_ascii_lowercase().as_str() {
                    "true" | "1" | "yes" => Value::Bool(true),
                    "false" | "0" | "no" => Value::Bool(false),
                    other => Value::String(other.to_string()),
                },
                "id" | "country" | "language" | "url" | "updated_at" => {
                    Value::String(cell.trim().to_string())
                }
                _ => Value::String(cell.to_string()),
            }
        };
        document.insert(name.clone(), value);
    }
    if !translations.is_empty() {
        document.insert("translations".into(), Value::Object(translations));
    }
    Ok(Value::Object(document))
}

/// `title_en` → (`title`, `en`).
fn translated_column(name: &str) -> Option<(&str, &str)> {
    TRANSLATED_FIELDS.iter().find_map(|field| {
        let language = name.strip_prefix(field)?.strip_prefix('_')?;
        (!language.is_empty()).then_some((*field, language))
    })
}

fn number_if(numeric: bool, text: &str) -> Value {
    match text.parse::<i64>() {
        Ok(number) if numeric => Value::from(number),
        _ => Value::String(text.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolon_spreadsheet_with_bom_quotes_and_translations() {
        let body = "\u{feff}ID ; Title;description;city;country;themes;sdgs;title_en\r\n\
                    es-1;Huertos;\"Una línea\r\ny otra; con punto y coma\";Madrid;es;\"environment;health\";4|11;Gardens\r\n";
        let submission = read(body.as_bytes()).unwrap();
        assert_eq!(submission.encoding, "UTF-8");
        let row = &submission.rows[0];
        assert_eq!(row.line, 2);
        let document = row.value.as_ref().unwrap();
        assert_eq!(document["id"], "es-1");
        assert_eq!(
            document["description"],
            "Una línea\r\ny otra; con punto y coma"
        );
        assert_eq!(
            document["themes"],
            serde_json::json!(["environment", "health"])
        );
        assert_eq!(document["sdgs"], serde_json::json!([4, 11]));
        assert_eq!(document["translations"]["en"]["title"], "Gardens");
    }

    #[test]
    fn windows_1252_is_transcoded() {
        let body = b"id,title\nx,Educaci\xf3n\n";
        let submission = read(body).unwrap();
        assert_eq!(submission.encoding, "windows-1252");
        assert_eq!(
            submission.rows[0].value.as_ref().unwrap()["title"],
            "Educación"
        );
    }
}
