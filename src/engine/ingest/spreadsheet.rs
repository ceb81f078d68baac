//! CSV exported from a spreadsheet into documents (contract section 1, "CSV").
//!
//! * the delimiter (`,`, `;` or tab) is read from the header row — spreadsheets in es/fr/ca/pt/
//!   it/de locales write `;`;
//! * header names are matched case-insensitively, surrounding spaces trimmed;
//! * multi-valued cells (`themes`, `sdgs`, `target_groups`, `charter_principles`) are split on
//!   `;` or `|`; numbers become numbers where they parse (otherwise validation names the cell);
//! * `title_<lang>`, `summary_<lang>`, `description_<lang>` become `translations.<lang>.*`;
//! * empty cells are absent fields (but a column no field is named after, with a value in some
//!   row, is reported on every row); quoted cells may span lines; CRLF or LF;
//! * rows are numbered as in the spreadsheet: header = 1, first data row = 2.

use serde_json::{Map, Value};

use super::{text, IngestError, Submission};
use crate::engine::databank::{SubmittedRow, Unreadable};
use crate::engine::document::KNOWN_FIELDS;

const LIST_FIELDS: [&str; 4] = ["themes", "sdgs", "target_groups", "charter_principles"];
const NUMBER_LIST_FIELDS: [&str; 2] = ["sdgs", "charter_principles"];
const TRANSLATED_FIELDS: [&str; 3] = ["title", "summary", "description"];

/// Reads a CSV body.
pub fn read(body: &[u8]) -> Result<Submission, IngestError> {
    let (mut text, mut encoding) = text::decode(body, true)?;
    if encoding == encoding_rs::WINDOWS_1252.name() {
        // Central European and Turkish letters become other western letters in Windows-1252
        // (`Győr` reads `Gyõr`), which no detector tells apart on a few rows; the rows' own
        // languages and countries do.
        if let Some(code_page) = code_page_of_rows(&text) {
            let (decoded, _) = code_page.decode_without_bom_handling(body);
            if !decoded.chars().any(|c| ('\u{80}'..='\u{9F}').contains(&c)) {
                text = decoded.into_owned();
                encoding = code_page.name();
            }
        }
    }
    if !text.contains("\r\n") && text.contains('\r') {
        // Mac line ends (CR only; Excel for Mac writes line breaks inside cells as LF): the
        // reader counts lines on LF.
        text = text.replace('\r', "\n");
    }
    // Excel's delimiter hint (`sep=;`), a line Excel itself does not show as a row.
    let (text, hinted) = match excel_separator_hint(&text) {
        Some((delimiter, rest)) => (rest, Some(delimiter)),
        None => (text.as_str(), None),
    };
    let delimiter = hinted.unwrap_or_else(|| detect_delimiter(text));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    // The text is a `&str`: a record can only fail on I/O, which reading a slice does not do.
    let all_records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .map_err(|err| IngestError::Encoding(format!("the CSV cannot be read: {err}")))?;
    // Rows above the header (a title, rows left empty: spreadsheets write them as `;;;;`) are
    // not documents.
    let header_at = header_row(&all_records);
    let Some((header, records)) = all_records[header_at..].split_first() else {
        return Ok(Submission {
            rows: Vec::new(),
            encoding,
        });
    };
    let headers: Vec<String> = header.iter().map(column_name).collect();
    // ...but a row that reads as a document above it is no preamble (a title, a band of column
    // groups, an export's date): a sheet sorted together with its header row would lose those
    // rows without a word.
    if let Some(above) = all_records[..header_at]
        .iter()
        .position(|record| reads_as_document(&headers, record))
    {
        let row = |index| row_number(text, &all_records, index);
        return Err(IngestError::Encoding(format!(
            "row {} holds a document but comes before the header row (row {}): was the sheet sorted together with its header? Put the header row first",
            row(above),
            row(header_at)
        )));
    }
    check_header(&headers)?;
    // A column no field is named after, with a value in some row, is reported on every row,
    // empty cell or not: a misspelt header (`colour`, `sdg`) must not load the rows whose cell
    // happens to be empty and refuse the others. One empty throughout (Excel names a table's
    // blank headers `Column1`) holds nothing to lose and is left alone.
    let reported_when_empty: Vec<bool> = headers
        .iter()
        .enumerate()
        .map(|(column, name)| {
            is_unknown_column(name)
                && records.iter().any(|record| {
                    record
                        .get(column)
                        .is_some_and(|cell| !cell.trim().is_empty())
                })
        })
        .collect();
    let starts = |record: Option<&csv::StringRecord>| {
        record
            .and_then(csv::StringRecord::position)
            .map_or(text.len(), |at| at.byte() as usize)
    };
    let quote_problems = quote_problems(text, delimiter);
    if let Some((at, _)) = quote_problems
        .iter()
        .find(|(at, _)| *at < starts(records.first()))
    {
        return Err(IngestError::Encoding(format!(
            "the header row cannot be read: the quote at byte {at} is never closed, or not doubled inside a quoted name"
        )));
    }
    // Spreadsheet rows: the physical line where a record starts, less the line breaks inside
    // the quoted cells before it (a multi-line cell is one row; a blank line is a row). A
    // record's position is where the one before it ended, so the line ends (and blank lines)
    // after that are skipped here.
    let bytes = text.as_bytes();
    let mut counted_to = 0;
    let mut newlines = 0;
    let mut breaks_in_cells: usize = all_records[..=header_at].iter().map(newlines_in).sum();
    let id_column = headers.iter().position(|name| name == "id");
    let mut rows = Vec::new();
    for (index, record) in records.iter().enumerate() {
        let begins = record_start(bytes, record);
        newlines += bytes[counted_to..begins]
            .iter()
            .filter(|byte| **byte == b'\n')
            .count();
        counted_to = begins;
        let line = newlines + 1 - breaks_in_cells.min(newlines);
        breaks_in_cells += newlines_in(record);
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let span = starts(Some(record))..starts(records.get(index + 1));
        let value = match quote_problems.iter().find(|(at, _)| span.contains(at)) {
            Some((_, problem)) => Err(problem.message().to_string()),
            None => to_document(&headers, record, &reported_when_empty),
        };
        // A row that cannot be read is still reported with its id, when its cell has one.
        let value = value.map_err(|message| Unreadable {
            message,
            id: id_column
                .and_then(|column| record.get(column))
                .map(str::trim)
                .filter(|id| !id.is_empty())
                .map(str::to_string),
        });
        rows.push(SubmittedRow { line, value });
    }
    Ok(Submission { rows, encoding })
}

/// Rows read to tell a body's code page by its languages and countries.
const ROWS_FOR_CODE_PAGE: usize = 500;

/// The legacy code page the rows' `language` (or else `country`) column points to, when most
/// rows that give one point to the same code page other than Windows-1252.
fn code_page_of_rows(text: &str) -> Option<&'static encoding_rs::Encoding> {
    use encoding_rs::{WINDOWS_1250, WINDOWS_1254, WINDOWS_1257};
    let by_language = |code: &str| match code {
        "cs" | "sk" | "sl" | "hu" | "pl" | "hr" | "bs" | "ro" | "sq" => Some(WINDOWS_1250),
        "tr" | "az" => Some(WINDOWS_1254),
        "lt" | "lv" | "et" => Some(WINDOWS_1257),
        _ => None,
    };
    let by_country = |code: &str| match code {
        "cz" | "sk" | "si" | "hu" | "pl" | "hr" | "ba" | "ro" | "al" => Some(WINDOWS_1250),
        "tr" => Some(WINDOWS_1254),
        "lt" | "lv" | "ee" => Some(WINDOWS_1257),
        _ => None,
    };
    let records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .delimiter(detect_delimiter(text))
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(Result::ok)
        // The first rows tell: a sheet is one city's, or a few countries'.
        .take(ROWS_FOR_CODE_PAGE)
        .collect();
    let header_at = header_row(&records);
    let header: Vec<String> = records.get(header_at)?.iter().map(column_name).collect();
    let column = |name: &str| header.iter().position(|column| column == name);
    let (language, country) = (column("language"), column("country"));
    let mut votes: Vec<(&'static encoding_rs::Encoding, usize)> = Vec::new();
    let mut rows = 0;
    for record in records.iter().skip(header_at + 1) {
        let cell = |at: Option<usize>| {
            at.and_then(|at| record.get(at))
                .map(|value| value.trim().to_ascii_lowercase())
                .filter(|value| !value.is_empty())
        };
        let (language, country) = (cell(language), cell(country));
        if language.is_none() && country.is_none() {
            continue;
        }
        rows += 1;
        let vote = match &language {
            Some(code) => by_language(code),
            None => country.as_deref().and_then(by_country),
        };
        if let Some(code_page) = vote {
            match votes.iter_mut().find(|(known, _)| *known == code_page) {
                Some((_, count)) => *count += 1,
                None => votes.push((code_page, 1)),
            }
        }
    }
    votes
        .into_iter()
        .find(|(_, count)| 2 * count > rows)
        .map(|(code_page, _)| code_page)
}

/// A header cell as a column name: trimmed, lowercase, without a byte-order mark.
fn column_name(cell: &str) -> String {
    cell.trim()
        .trim_start_matches('\u{feff}')
        .to_ascii_lowercase()
}

/// Which record is the header: the first (of the first 20) that names both `id` and `title`;
/// else the first with a cell that is not empty.
fn header_row(records: &[csv::StringRecord]) -> usize {
    records
        .iter()
        .take(20)
        .position(|record| {
            let names: Vec<String> = record.iter().map(column_name).collect();
            names.iter().any(|name| name == "id") && names.iter().any(|name| name == "title")
        })
        .or_else(|| {
            records
                .iter()
                .position(|record| record.iter().any(|cell| !cell.trim().is_empty()))
        })
        .unwrap_or(0)
}

/// Whether a row above the header reads as a document under it: a cell for every required
/// column the header has, and a country code (two letters) in its country column.
fn reads_as_document(names: &[String], record: &csv::StringRecord) -> bool {
    const REQUIRED: [&str; 6] = ["id", "title", "description", "city", "country", "themes"];
    let cell = |name: &str| {
        names
            .iter()
            .position(|column| column == name)
            .and_then(|column| record.get(column))
            .map(str::trim)
    };
    let required: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| names.iter().any(|column| column == name))
        .collect();
    !required.is_empty()
        && required
            .iter()
            .all(|name| cell(name).is_some_and(|value| !value.is_empty()))
        && cell("country").is_none_or(|country| {
            country.len() == 2 && country.chars().all(|c| c.is_ascii_alphabetic())
        })
}

/// Where a record's first cell begins: csv gives the position where the previous record
/// ended, before its line end (and the blank lines after it).
fn record_start(bytes: &[u8], record: &csv::StringRecord) -> usize {
    let mut begins = record
        .position()
        .map_or(bytes.len(), |at| at.byte() as usize);
    while matches!(bytes.get(begins), Some(b'\r' | b'\n')) {
        begins += 1;
    }
    begins.min(bytes.len())
}

/// The spreadsheet row of `records[index]`: its physical line, less the line breaks inside
/// the quoted cells before it (the rows loop counts the same way, incrementally).
fn row_number(text: &str, records: &[csv::StringRecord], index: usize) -> usize {
    let bytes = text.as_bytes();
    let lines = bytes[..record_start(bytes, &records[index])]
        .iter()
        .filter(|byte| **byte == b'\n')
        .count();
    let breaks: usize = records[..index].iter().map(newlines_in).sum();
    lines + 1 - breaks.min(lines)
}

/// `sep=;` on the first line: the delimiter, and the text after that line.
fn excel_separator_hint(text: &str) -> Option<(u8, &str)> {
    let (first, rest) = text.split_once('\n')?;
    let first = first.trim_end_matches('\r');
    let hint = first
        .get(..4)
        .filter(|prefix| prefix.eq_ignore_ascii_case("sep="))?;
    let delimiter = first[hint.len()..].trim_matches(|c| c == '"' || c == ' ');
    match delimiter.as_bytes() {
        [byte @ (b',' | b';' | b'\t' | b'|')] => Some((*byte, rest)),
        _ => None,
    }
}

/// A header that would lose data silently is refused: the same column named twice.
fn check_header(headers: &[String]) -> Result<(), IngestError> {
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (index, name) in headers.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        if let Some(&first) = seen.get(name.as_str()) {
            return Err(IngestError::Encoding(format!(
                "the header names the column {name:?} twice (columns {} and {}); remove or rename one",
                first + 1,
                index + 1
            )));
        }
        seen.insert(name, index);
    }
    Ok(())
}

/// Line breaks inside the cells of a record (each one a line of the file, not a row).
fn newlines_in(record: &csv::StringRecord) -> usize {
    record
        .iter()
        .map(|cell| cell.bytes().filter(|byte| *byte == b'\n').count())
        .sum()
}

/// What is wrong with the quotes of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteProblem {
    /// A quoted cell that never closes: every later line was read into it.
    Unclosed,
    /// A quote inside a quoted cell that is not doubled: the cell would be cut there.
    Undoubled,
}

impl QuoteProblem {
    fn message(self) -> &'static str {
        match self {
            QuoteProblem::Unclosed => {
                "a quoted cell on this row is never closed, so every line after it was read into that cell; close the quote and send the rows again"
            }
            QuoteProblem::Undoubled => {
                "a quote inside a quoted cell must be doubled (\"\"), or the cell is cut there"
            }
        }
    }
}

/// Where the quotes of the text go wrong (byte offset, problem), read as the CSV reader reads
/// them: a quote opens a quoted cell only at the start of a cell.
fn quote_problems(text: &str, delimiter: u8) -> Vec<(usize, QuoteProblem)> {
    #[derive(Clone, Copy)]
    enum State {
        CellStart,
        Unquoted,
        Quoted { opened: usize },
        QuoteInQuoted { opened: usize },
    }
    let mut problems = Vec::new();
    let mut state = State::CellStart;
    for (at, byte) in text.bytes().enumerate() {
        let ends_cell = byte == delimiter || byte == b'\n' || byte == b'\r';
        state = match state {
            State::CellStart | State::Unquoted if ends_cell => State::CellStart,
            State::CellStart if byte == b'"' => State::Quoted { opened: at },
            State::CellStart | State::Unquoted => State::Unquoted,
            State::Quoted { opened } if byte == b'"' => State::QuoteInQuoted { opened },
            State::Quoted { opened } => State::Quoted { opened },
            State::QuoteInQuoted { opened } if byte == b'"' => State::Quoted { opened },
            State::QuoteInQuoted { .. } if ends_cell => State::CellStart,
            State::QuoteInQuoted { .. } if byte == b' ' => State::QuoteInQuoted { opened: at },
            State::QuoteInQuoted { .. } => {
                problems.push((at, QuoteProblem::Undoubled));
                State::Unquoted
            }
        };
    }
    if let State::Quoted { opened } = state {
        problems.push((opened, QuoteProblem::Unclosed));
    }
    problems
}

/// The delimiter the header row (the first non-blank line) uses most, outside quotes.
fn detect_delimiter(text: &str) -> u8 {
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0)];
    let mut quoted = false;
    let header = text.trim_start_matches(['\n', '\r']);
    for c in header.chars() {
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

/// Whether a column name is no field of the contract (nor a translation column).
fn is_unknown_column(name: &str) -> bool {
    !name.is_empty() && translated_column(name).is_none() && !KNOWN_FIELDS.contains(&name)
}

/// The document of a record; a column marked in `reported_when_empty` is given (as an empty
/// string) even where its cell is empty, so validation names it.
fn to_document(
    headers: &[String],
    record: &csv::StringRecord,
    reported_when_empty: &[bool],
) -> Result<Value, String> {
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
    for (column, (name, cell)) in headers.iter().zip(record.iter()).enumerate() {
        if cell.trim().is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(format!(
                "column {} has a value but no name in the header row (a typo or a deleted header must not lose data)",
                column + 1
            ));
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
    // Where its cell is empty, or the row ends before it (spreadsheets drop trailing empty
    // cells).
    for (name, _) in headers
        .iter()
        .zip(reported_when_empty)
        .filter(|(_, reported)| **reported)
    {
        document
            .entry(name.clone())
            .or_insert_with(|| Value::String(String::new()));
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

    fn lines_and_results(body: &[u8]) -> Vec<(usize, Result<String, String>)> {
        read(body)
            .unwrap()
            .rows
            .into_iter()
            .map(|row| {
                (
                    row.line,
                    row.value
                        .map(|document| document["id"].as_str().unwrap_or_default().to_string())
                        .map_err(|unreadable| unreadable.message),
                )
            })
            .collect()
    }

    #[test]
    fn rows_above_the_header_are_skipped_and_counted() {
        // A title row and a row left empty above the header, as Excel writes them.
        let body = "Buenas prácticas 2026;;\r\n;;\r\nid;title;city\r\nb-4;Huertos;Vigo\r\nb-5;Patios;Vigo\r\n";
        assert_eq!(
            lines_and_results(body.as_bytes()),
            [(4, Ok("b-4".to_string())), (5, Ok("b-5".to_string()))]
        );
        // Empty rows only: the first row with a value is the header.
        let body = ",,\n,,\nid,title,city\nb-4,Huertos,Vigo\n";
        assert_eq!(
            lines_and_results(body.as_bytes()),
            [(4, Ok("b-4".to_string()))]
        );
    }

    #[test]
    fn central_european_rows_are_read_in_their_code_page() {
        // Hungarian `ő`, `ű` and Czech `ě`, `ř` are other western letters in Windows-1252.
        let text = "id;title;city;country;language\r\nhu-1;Idősek klubja;Győr;HU;hu\r\ncz-1;Dětské hřiště;Brno;CZ;\r\n";
        let (body, _, _) = encoding_rs::WINDOWS_1250.encode(text);
        let submission = read(&body).expect("read");
        assert_eq!(submission.encoding, "windows-1250");
        assert_eq!(
            submission.rows[0].value.as_ref().expect("row")["city"],
            "Győr"
        );
        assert_eq!(
            submission.rows[1].value.as_ref().expect("row")["title"],
            "Dětské hřiště"
        );
        // Western rows stay Windows-1252.
        let text = "id;title;city;country\r\nes-1;Niños del barrio;Cádiz;ES\r\n";
        let (body, _, _) = encoding_rs::WINDOWS_1252.encode(text);
        assert_eq!(read(&body).expect("read").encoding, "windows-1252");
    }

    #[test]
    fn mac_line_ends_with_line_breaks_in_cells() {
        // Excel for Mac: rows end with CR, a line break inside a cell is LF.
        let body = "id,title,description\rm-2,T,\"one\ntwo\"\rm-3,T,three\r";
        assert_eq!(
            lines_and_results(body.as_bytes()),
            [(2, Ok("m-2".to_string())), (3, Ok("m-3".to_string()))]
        );
    }

    #[test]
    fn rows_are_numbered_as_the_spreadsheet_shows_them() {
        // A multi-line cell is one row; a blank line and a row of empty cells are rows.
        let body = "id;title\r\nr-2;\"a\r\n\r\nb\"\r\n;\r\nr-4;T\r\n\r\nr-6;T\r\n\r\n\r\nr-9;T\r\n";
        let lines: Vec<usize> = lines_and_results(body.as_bytes())
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, [2, 4, 6, 9]);
        // Old Mac line ends.
        let lines: Vec<usize> = lines_and_results(b"id,title\rm-2,T\r\rm-4,T\r")
            .into_iter()
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, [2, 4]);
    }

    #[test]
    fn the_header_is_the_first_non_blank_line_and_excel_separator_hints_are_read() {
        let rows = lines_and_results(b"\r\nid;title;city\r\nlb-1;T;C\r\n");
        assert_eq!(rows, [(3, Ok("lb-1".to_string()))]);
        let rows = lines_and_results(b"sep=;\r\nid;title,with comma\r\ns-1;T\r\n");
        assert_eq!(rows, [(2, Ok("s-1".to_string()))]);
        let submission = read(b"sep=;\nid;title\ns-1;Un, dos\n").unwrap();
        assert_eq!(
            submission.rows[0].value.as_ref().unwrap()["title"],
            "Un, dos"
        );
    }

    #[test]
    fn a_value_under_a_nameless_column_is_an_error_and_a_column_named_twice_is_refused() {
        let rows = lines_and_results(b"id,title,\nu-2,T,LOST DATA\nu-3,T,\n");
        assert!(rows[0].1.as_ref().unwrap_err().contains("column 3"));
        assert_eq!(rows[1], (3, Ok("u-3".to_string())));
        let err = read(b"id,title,description,Title \nd-1,First,D,Second\n").unwrap_err();
        assert!(err.to_string().contains("columns 2 and 4"), "{err}");
    }

    #[test]
    fn quotes_that_would_lose_or_change_text_reject_their_row() {
        // Unclosed: the rows after it would vanish into the cell.
        let rows = lines_and_results(
            b"id,title,promoter\nq-1,T1,\"Ajuntament de Girona\nq-2,T2,Ajuntament\nq-3,T3,A\n",
        );
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].0, 2);
        assert!(rows[0].1.as_ref().unwrap_err().contains("never closed"));
        // Not doubled: the cell would be cut at the inner quote.
        let rows = lines_and_results(
            b"id,title\nq-4,\"Escola \"Bona\" Vista\"\nq-5,\"Escola \"\"Bona\"\" Vista\"\nq-6,He said \"hi\"\n",
        );
        assert!(rows[0].1.as_ref().unwrap_err().contains("doubled"));
        assert_eq!(rows[1], (3, Ok("q-5".to_string())));
        assert_eq!(rows[2], (4, Ok("q-6".to_string())));
    }

    #[test]
    fn a_utf8_file_with_a_stray_windows_1252_byte_keeps_its_utf8() {
        let submission = read(b"id,title\nm-1,Educaci\xc3\xb3n\nm-2,Educaci\xf3n\n").unwrap();
        assert!(submission.encoding.starts_with("UTF-8"));
        for row in &submission.rows {
            assert_eq!(row.value.as_ref().unwrap()["title"], "Educación");
        }
    }
}
