//! The initiative document: the ingest format of the contract (section 1), its validation, and
//! the typed [`Initiative`] the indexer consumes.
//!
//! Validation reports every problem of a document at once (field + message), never just the
//! first, so staff can fix a spreadsheet row in one go. The document as submitted is kept
//! verbatim as `source`; the server adds only `language` + `language_detected` (when it detected
//! the language) and `updated_at` (when absent).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::engine::analysis::detection::LanguageDetector;
use crate::engine::catalog::Catalog;

/// Every field a document may have.
pub const KNOWN_FIELDS: [&str; 17] = [
    "id",
    "title",
    "summary",
    "description",
    "language",
    "language_detected",
    "translations",
    "city",
    "country",
    "themes",
    "sdgs",
    "target_groups",
    "charter_principles",
    "start_year",
    "promoter",
    "url",
    "updated_at",
];

const TRANSLATION_FIELDS: [&str; 3] = ["title", "summary", "description"];

/// One problem with one field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field (`sdgs`, `sdgs[1]`, `translations.en.title`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Every problem of one submitted row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RowReport {
    /// 1-based line: NDJSON line, JSON array element, CSV spreadsheet row.
    pub line: usize,
    /// The row's id, when it has a readable one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The problems.
    pub errors: Vec<FieldError>,
}

/// Another-language version of an initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct Translation {
    /// Title in that language.
    pub title: String,
    /// Summary in that language.
    pub summary: Option<String>,
    /// Description in that language.
    pub description: Option<String>,
}

/// A validated initiative.
#[derive(Debug, Clone, PartialEq)]
pub struct Initiative {
    /// The upsert key.
    pub id: String,
    /// Title in the primary language.
    pub title: String,
    /// Summary in the primary language.
    pub summary: Option<String>,
    /// Description in the primary language.
    pub description: String,
    /// ISO 639-1 code of the primary language (given or detected).
    pub language: String,
    /// Translations by ISO 639-1 code.
    pub translations: BTreeMap<String, Translation>,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2, uppercase.
    pub country: String,
    /// Theme codes.
    pub themes: Vec<String>,
    /// SDG numbers, deduplicated.
    pub sdgs: Vec<u64>,
    /// Target-group codes.
    pub target_groups: Vec<String>,
    /// Charter principle numbers.
    pub charter_principles: Vec<u64>,
    /// Year it started.
    pub start_year: Option<u64>,
    /// Who runs it.
    pub promoter: Option<String>,
    /// Its web page.
    pub url: Option<String>,
    /// Last update, Unix seconds.
    pub updated_at: i64,
    /// Whether the server set `updated_at` (the document did not give it).
    pub updated_at_set: bool,
    /// The document as submitted, plus the fields the server set.
    pub source: Map<String, Value>,
}

impl Initiative {
    /// The texts of a language version: primary language first, then translations.
    pub fn versions(&self) -> Vec<(&str, &str, Option<&str>, Option<&str>)> {
        let mut versions = vec![(
            self.language.as_str(),
            self.title.as_str(),
            self.summary.as_deref(),
            Some(self.description.as_str()),
        )];
        for (language, translation) in &self.translations {
            versions.push((
                language.as_str(),
                translation.title.as_str(),
                translation.summary.as_deref(),
                translation.description.as_deref(),
            ));
        }
        versions
    }
}

/// Validates submitted documents against the contract and the catalog.
pub struct Validator<'a> {
    catalog: &'a Catalog,
    detector: &'a LanguageDetector,
    now: OffsetDateTime,
}

/// The problems of one row: the first [`MAX_PROBLEMS_PER_ROW`], and how many more there were.
#[derive(Default)]
struct Problems(Vec<FieldError>, usize);

/// Problems reported per row: a runaway cell (a code pasted 100,000 times) or header (10,000
/// unknown columns) would otherwise make a report hundreds of times the size of its body.
const MAX_PROBLEMS_PER_ROW: usize = 20;

impl Problems {
    fn add(&mut self, field: impl Into<String>, message: impl Into<String>) {
        if self.0.len() >= MAX_PROBLEMS_PER_ROW {
            self.1 += 1;
            return;
        }
        self.0.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// The problems reported, ending with how many more were left out.
    fn into_report(mut self) -> Vec<FieldError> {
        if self.1 > 0 {
            self.0.push(FieldError {
                field: String::new(),
                message: format!("and {} more problem(s) in this row", self.1),
            });
        }
        self.0
    }
}

impl<'a> Validator<'a> {
    /// A validator that takes "now" (for `start_year` and `updated_at`) from the clock.
    pub fn new(catalog: &'a Catalog, detector: &'a LanguageDetector) -> Self {
        Validator {
            catalog,
            detector,
            now: OffsetDateTime::now_utc(),
        }
    }

    /// Validates one document; every problem is reported.
    pub fn validate(&self, value: Value) -> Result<Initiative, Vec<FieldError>> {
        let Value::Object(mut source) = value else {
            return Err(vec![FieldError {
                field: String::new(),
                message: format!(
                    "a document must be a JSON object, not {}",
                    json_kind(&value)
                ),
            }]);
        };
        // `null` is the same as absent.
        source.retain(|_, value| !value.is_null());
        let mut problems = Problems::default();
        for key in source.keys() {
            if !KNOWN_FIELDS.contains(&key.as_str()) {
                problems.add(
                    key.clone(),
                    format!(
                        "unknown field {key:?}; the fields are: {}",
                        KNOWN_FIELDS.join(", ")
                    ),
                );
            }
        }
        let id = self.id(&source, &mut problems);
        let title = required_text(&source, "title", 500, &mut problems);
        let summary = optional_text(&source, "summary", 2_000, &mut problems);
        let description = required_text(&source, "description", 100_000, &mut problems);
        let given_language = self.language_code(source.get("language"), "language", &mut problems);
        let translations = self.translations(&source, given_language.as_deref(), &mut problems);
        let city = required_text(&source, "city", 200, &mut problems);
        let country = self.country(&source, &mut problems);
        let themes = self.codes(&source, "themes", true, &mut problems);
        let sdgs = numbers(&source, "sdgs", 17, "an SDG (1-17)", &mut problems);
        let target_groups = self.codes(&source, "target_groups", false, &mut problems);
        let charter_principles = numbers(
            &source,
            "charter_principles",
            20,
            "a Charter principle (1-20)",
            &mut problems,
        );
        let start_year = self.start_year(&source, &mut problems);
        let promoter = optional_text(&source, "promoter", usize::MAX, &mut problems);
        let url = url_field(&source, &mut problems);
        let updated_at = self.updated_at(&source, &mut problems);
        if let Some(value) = source.get("language_detected") {
            if !value.is_boolean() {
                problems.add("language_detected", "must be true or false");
            }
        }
        if !problems.0.is_empty() {
            return Err(problems.into_report());
        }
        let (Some(id), Some(title), Some(description), Some(city), Some(country)) =
            (id, title, description, city, country)
        else {
            return Err(vec![FieldError {
                field: String::new(),
                message: "invalid document".into(),
            }]);
        };
        // Codes are stored in their canonical form (the contract: country uppercase, language
        // lowercase), as the index and the facets have them.
        source.insert("country".into(), Value::String(country.clone()));
        // Numbers without their duplicates (the contract: "duplicates removed"), translations
        // keyed by their canonical language code (`EN` → `en`).
        for (field, numbers) in [("sdgs", &sdgs), ("charter_principles", &charter_principles)] {
            if let Some(Value::Array(items)) = source.get_mut(field) {
                if items.len() != numbers.len() {
                    *items = numbers.iter().map(|number| Value::from(*number)).collect();
                }
            }
        }
        if let Some(Value::Object(entries)) = source.get_mut("translations") {
            if entries.keys().any(|code| !translations.contains_key(code)) {
                let canonical: Map<String, Value> = std::mem::take(entries)
                    .into_iter()
                    .map(|(code, entry)| (code.trim().to_ascii_lowercase(), entry))
                    .collect();
                *entries = canonical;
            }
        }
        // Codes lowercase, each once (a set, as the SDGs are).
        for (field, codes) in [("themes", &themes), ("target_groups", &target_groups)] {
            if let Some(Value::Array(items)) = source.get_mut(field) {
                *items = codes.iter().cloned().map(Value::String).collect();
            }
        }
        let language = match given_language {
            Some(language) => {
                source.insert("language".into(), Value::String(language.clone()));
                language
            }
            None => {
                let text = format!(
                    "{title}\n{}\n{description}",
                    summary.as_deref().unwrap_or_default()
                );
                let detected = self
                    .detector
                    .detect(&text)
                    .unwrap_or_else(|| crate::engine::taxonomy::FALLBACK_LOCALE.to_string());
                if translations.contains_key(&detected) {
                    // As when the language is given: a translation in the document's own
                    // language is refused (it would be refused on every later load of the
                    // stored document: a reindex, an export imported back).
                    return Err(vec![FieldError {
                        field: "language".into(),
                        message: format!(
                            "is not given, and the text reads as {detected:?}, which is also the language of one of its translations; give the language of the title and description"
                        ),
                    }]);
                }
                source.insert("language".into(), Value::String(detected.clone()));
                source.insert("language_detected".into(), Value::Bool(true));
                detected
            }
        };
        let updated_at_set = updated_at.is_none();
        let updated_at = match updated_at {
            Some(at) => at,
            None => {
                let now = self.now.replace_nanosecond(0).unwrap_or(self.now);
                if let Ok(text) = now.format(&Rfc3339) {
                    source.insert("updated_at".into(), Value::String(text));
                }
                now.unix_timestamp()
            }
        };
        Ok(Initiative {
            updated_at_set,
            id,
            title,
            summary,
            description,
            language,
            translations,
            city,
            country,
            themes,
            sdgs,
            target_groups,
            charter_principles,
            start_year,
            promoter,
            url,
            updated_at,
            source,
        })
    }

    fn id(&self, source: &Map<String, Value>, problems: &mut Problems) -> Option<String> {
        let id = match source.get("id") {
            None => {
                problems.add("id", "is required");
                return None;
            }
            Some(Value::String(id)) => id.clone(),
            Some(Value::Number(number)) => {
                problems.add("id", format!("must be a string (write \"{number}\")"));
                return None;
            }
            Some(other) => {
                problems.add("id", format!("must be a string, not {}", json_kind(other)));
                return None;
            }
        };
        let length = id.chars().count();
        if length == 0 || length > 128 {
            problems.add("id", format!("must be 1-128 characters (has {length})"));
            return None;
        }
        if let Some(bad) = id
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')))
        {
            problems.add(
                "id",
                format!(
                    "{bad:?} is not allowed in an id (letters A-Z a-z, digits and . _ : - only)"
                ),
            );
            return None;
        }
        Some(id)
    }

    fn language_code(
        &self,
        value: Option<&Value>,
        field: &str,
        problems: &mut Problems,
    ) -> Option<String> {
        match value? {
            Value::String(code) => {
                let lower = code.trim().to_ascii_lowercase();
                if lower.len() == 2 && self.catalog.languages().contains(&lower) {
                    Some(lower)
                } else {
                    problems.add(
                        field,
                        format!(
                            "{code:?} is not an ISO 639-1 language code (such as es, ca, en, ko)"
                        ),
                    );
                    None
                }
            }
            other => {
                problems.add(field, format!("must be a string, not {}", json_kind(other)));
                None
            }
        }
    }

    fn translations(
        &self,
        source: &Map<String, Value>,
        primary: Option<&str>,
        problems: &mut Problems,
    ) -> BTreeMap<String, Translation> {
        let mut translations = BTreeMap::new();
        let Some(value) = source.get("translations") else {
            return translations;
        };
        let Value::Object(entries) = value else {
            problems.add(
                "translations",
                format!(
                    "must be an object keyed by language code, not {}",
                    json_kind(value)
                ),
            );
            return translations;
        };
        for (code, entry) in entries {
            let field = format!("translations.{code}");
            let language = self.language_code(Some(&Value::String(code.clone())), &field, problems);
            let Value::Object(texts) = entry else {
                problems.add(
                    field,
                    format!(
                        "must be an object {{title, summary?, description?}}, not {}",
                        json_kind(entry)
                    ),
                );
                continue;
            };
            for key in texts.keys() {
                if !TRANSLATION_FIELDS.contains(&key.as_str()) {
                    problems.add(
                        format!("{field}.{key}"),
                        format!(
                            "unknown field {key:?}; a translation has title, summary, description"
                        ),
                    );
                }
            }
            let texts: Map<String, Value> = texts
                .iter()
                .filter(|(_, value)| !value.is_null())
                .map(|(key, value)| (format!("{field}.{key}"), value.clone()))
                .collect();
            let title = required_text(&texts, &format!("{field}.title"), 500, problems);
            let summary = optional_text(&texts, &format!("{field}.summary"), 2_000, problems);
            let description =
                optional_text(&texts, &format!("{field}.description"), 100_000, problems);
            let Some(language) = language else { continue };
            if Some(language.as_str()) == primary {
                problems.add(
                    field,
                    "is the document's own language; a translation must be in another language",
                );
                continue;
            }
            if let Some(title) = title {
                if translations
                    .insert(
                        language.clone(),
                        Translation {
                            title,
                            summary,
                            description,
                        },
                    )
                    .is_some()
                {
                    problems.add(field, format!("{language} is given twice"));
                }
            }
        }
        translations
    }

    fn country(&self, source: &Map<String, Value>, problems: &mut Problems) -> Option<String> {
        match source.get("country") {
            None => {
                problems.add(
                    "country",
                    "is required (ISO 3166-1 alpha-2 code, such as ES)",
                );
                None
            }
            Some(Value::String(code)) => {
                let upper = code.trim().to_ascii_uppercase();
                if self.catalog.countries().contains(&upper) {
                    Some(upper)
                } else {
                    problems.add(
                        "country",
                        format!("{code:?} is not an ISO 3166-1 alpha-2 country code (such as ES, FR, KR)"),
                    );
                    None
                }
            }
            Some(other) => {
                problems.add(
                    "country",
                    format!("must be a string, not {}", json_kind(other)),
                );
                None
            }
        }
    }

    fn codes(
        &self,
        source: &Map<String, Value>,
        field: &str,
        required: bool,
        problems: &mut Problems,
    ) -> Vec<String> {
        let taxonomy = self.catalog.taxonomy(field);
        let Some(items) = array(source, field, required, problems) else {
            return Vec::new();
        };
        if required && items.is_empty() {
            problems.add(
                field,
                format!("needs at least one of: {}", taxonomy.list_values()),
            );
        }
        let mut codes = Vec::new();
        let mut unknown: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for (index, item) in items.iter().enumerate() {
            let name = format!("{field}[{}]", index + 1);
            match item {
                Value::String(typed) => {
                    // Codes are lowercase; a spreadsheet capitalises (`Environment`).
                    let code = typed.trim().to_lowercase();
                    if taxonomy.contains(&code) {
                        if !codes.contains(&code) {
                            codes.push(code);
                        }
                    } else if !unknown.insert(typed.trim()) {
                        // The same unknown code again: reported once.
                    } else {
                        let code = typed.trim();
                        problems.add(
                            name,
                            format!(
                                "{code:?} is not a known code; valid: {}",
                                taxonomy.list_values()
                            ),
                        );
                    }
                }
                other => problems.add(name, format!("must be a string, not {}", json_kind(other))),
            }
        }
        codes
    }

    fn start_year(&self, source: &Map<String, Value>, problems: &mut Problems) -> Option<u64> {
        let value = source.get("start_year")?;
        let max = i64::from(self.now.year()) + 1;
        match value.as_i64() {
            Some(year) if (1900..=max).contains(&year) => Some(year as u64),
            Some(year) => {
                problems.add("start_year", format!("{year} is out of range (1900-{max})"));
                None
            }
            None => {
                problems.add(
                    "start_year",
                    format!("must be a whole year such as 2019, not {value}"),
                );
                None
            }
        }
    }

    fn updated_at(&self, source: &Map<String, Value>, problems: &mut Problems) -> Option<i64> {
        match source.get("updated_at")? {
            Value::String(text) => {
                match OffsetDateTime::parse(text, &Rfc3339) {
                    Ok(at) => Some(at.unix_timestamp()),
                    Err(_) => {
                        problems.add(
                        "updated_at",
                        format!("{text:?} is not an RFC 3339 date-time (such as 2024-05-01T10:00:00Z)"),
                    );
                        None
                    }
                }
            }
            other => {
                problems.add(
                    "updated_at",
                    format!("must be a string, not {}", json_kind(other)),
                );
                None
            }
        }
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn text(
    source: &Map<String, Value>,
    field: &str,
    max_chars: usize,
    required: bool,
    problems: &mut Problems,
) -> Option<String> {
    let value = match source.get(field) {
        Some(value) => value,
        None => {
            if required {
                problems.add(field, "is required");
            }
            return None;
        }
    };
    let Value::String(text) = value else {
        problems.add(field, format!("must be a string, not {}", json_kind(value)));
        return None;
    };
    let length = text.trim().chars().count();
    if required && length == 0 {
        problems.add(field, "must not be empty");
        return None;
    }
    if length > max_chars {
        problems.add(
            field,
            format!("is {length} characters long; the limit is {max_chars}"),
        );
        return None;
    }
    if is_spreadsheet_error(text.trim()) {
        problems.add(
            field,
            format!(
                "is the spreadsheet error value {:?} (a formula that failed), not text; fix the cell",
                text.trim()
            ),
        );
        return None;
    }
    Some(text.clone())
}

/// Whether a cell holds a spreadsheet's error value, in any of its languages: `#N/A`, `#N/D`,
/// `#Н/Д`, `#NV`, `#YOK`, `#REF!`, `#¡VALOR!`, `#WERT!`, `#DIV/0!`, `#NAME?`, `#NOM?`, LibreOffice's `Err:502`...
fn is_spreadsheet_error(text: &str) -> bool {
    if let Some(code) = text.strip_prefix("Err:") {
        return code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_digit());
    }
    let Some(name) = text.strip_prefix('#') else {
        return false;
    };
    let shaped = (2..=16).contains(&name.chars().count())
        && !name.chars().any(|c| c.is_lowercase() || c.is_whitespace());
    // `#N/A` in other languages: `#N/D`, `#N/B`, `#I/T`, `#Н/Д`, `#Δ/Υ` (a letter, a slash, a
    // letter), German `#NV`, Turkish `#YOK`.
    let not_available = {
        let letters: Vec<char> = name.chars().collect();
        matches!(letters.as_slice(), [a, '/', b] if a.is_uppercase() && b.is_uppercase())
    };
    shaped
        && (name.ends_with('!')
            || name.ends_with('?')
            || not_available
            || matches!(name, "NV" | "YOK" | "GETTING_DATA"))
}

fn required_text(
    source: &Map<String, Value>,
    field: &str,
    max_chars: usize,
    problems: &mut Problems,
) -> Option<String> {
    text(source, field, max_chars, true, problems)
}

fn optional_text(
    source: &Map<String, Value>,
    field: &str,
    max_chars: usize,
    problems: &mut Problems,
) -> Option<String> {
    text(source, field, max_chars, false, problems).filter(|text| !text.trim().is_empty())
}

fn array<'v>(
    source: &'v Map<String, Value>,
    field: &str,
    required: bool,
    problems: &mut Problems,
) -> Option<&'v Vec<Value>> {
    match source.get(field) {
        None => {
            if required {
                problems.add(field, "is required (a list)");
            }
            None
        }
        Some(Value::Array(items)) => Some(items),
        Some(other) => {
            problems.add(field, format!("must be a list, not {}", json_kind(other)));
            None
        }
    }
}

fn numbers(
    source: &Map<String, Value>,
    field: &str,
    max: u64,
    what: &str,
    problems: &mut Problems,
) -> Vec<u64> {
    let Some(items) = array(source, field, false, problems) else {
        return Vec::new();
    };
    let mut numbers = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let name = format!("{field}[{}]", index + 1);
        match item.as_u64() {
            Some(number) if (1..=max).contains(&number) => {
                if !numbers.contains(&number) {
                    numbers.push(number);
                }
            }
            Some(number) => problems.add(name, format!("{number} is not {what}")),
            None => problems.add(name, format!("{item} is not {what}")),
        }
    }
    numbers
}

fn url_field(source: &Map<String, Value>, problems: &mut Problems) -> Option<String> {
    let text = optional_text(source, "url", usize::MAX, problems)?;
    match url::Url::parse(text.trim()) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.has_host() => Some(text),
        _ => {
            problems.add("url", format!("{text:?} is not an absolute http(s) URL"));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_spreadsheet_error;

    #[test]
    fn spreadsheet_error_values_in_their_languages() {
        for error in [
            "#N/A",
            "#N/D",
            "#N/B",
            "#I/T",
            "#Н/Д",
            "#Δ/Υ",
            "#NV",
            "#YOK",
            "#REF!",
            "#¡VALOR!",
            "#WERT!",
            "#DIV/0!",
            "#NAME?",
            "#NOM?",
            "#¿NOMBRE?",
            "Err:502",
        ] {
            assert!(is_spreadsheet_error(error), "{error}");
        }
        for text in [
            "#EducaCiudad",
            "#MeToo",
            "#NA",
            "#1",
            "Err:50",
            "N/A",
            "#Patios abiertos!",
        ] {
            assert!(!is_spreadsheet_error(text), "{text}");
        }
    }
}
