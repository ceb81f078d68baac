//! Property tests (proptest) of the two places where arbitrary outside input meets the engine:
//!
//! * search (contract section 2): any text as `q` — arbitrary Unicode with quotes, dashes,
//!   operators, CJK, control characters, up to the 1,000-character limit — is answered, never
//!   refused, alone or with random valid filters, sorts, pages, locales and facet lists; and
//!   every hit satisfies the filters. These run against a real index on disk (the seed data)
//!   through the engine library, built once per test run.
//! * validation (contract section 1): a generated valid document (ids in the allowed
//!   characters, any-Unicode texts up to their limits, codes from the catalog in any case and
//!   spacing, SDGs, principles, years, URLs, RFC 3339 dates, translations) always validates; the
//!   same document with one field made invalid always fails, and every error names that field.
//!
//! Case counts are modest (see each `ProptestConfig`) so the file runs in seconds; raise them
//! locally with `PROPTEST_CASES=10000 cargo test --release --test properties`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use databank::engine::analysis::detection::LanguageDetector;
use databank::engine::document::{FieldError, Validator, KNOWN_FIELDS};
use databank::engine::search::{SearchRequest, Sort, MAX_PER_PAGE, MAX_QUERY_CHARS};
use databank::engine::{Catalog, Databank};
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use serde_json::{json, Map, Value};

// ---------------------------------------------------------------------------------------------
// Fixtures

/// The catalog the embedded `index-schema/` describes.
fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("embedded catalog"))
}

/// A validator as the server builds it.
fn validate(document: Value) -> Result<(), Vec<FieldError>> {
    static DETECTOR: OnceLock<LanguageDetector> = OnceLock::new();
    let detector = DETECTOR.get_or_init(|| {
        LanguageDetector::new(&catalog().detection, &catalog().stopwords_by_language)
    });
    Validator::new(catalog(), detector)
        .validate(document)
        .map(|_| ())
}

/// The seed data in an index on disk, built once per test run in
/// `CARGO_TARGET_TMPDIR/properties-<pid>` (directories of runs that have ended are removed).
fn databank() -> &'static Databank {
    static DATABANK: OnceLock<Databank> = OnceLock::new();
    DATABANK.get_or_init(|| {
        let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
        remove_stale_indexes(base);
        let directory = base.join(format!("properties-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&directory);
        let databank = Databank::open(&directory, catalog().clone()).expect("open index");
        assert!(databank.load_seed().expect("load seed") > 300);
        databank
    })
}

fn remove_stale_indexes(base: &Path) {
    let proc = Path::new("/proc");
    let Ok(entries) = std::fs::read_dir(base) else {
        return;
    };
    for entry in entries.flatten() {
        let path: PathBuf = entry.path();
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("properties-")) else {
            continue;
        };
        if proc.is_dir() && !proc.join(pid).exists() {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

/// The values of a taxonomy (`themes`, `countries`...).
fn values(taxonomy: &str) -> Vec<String> {
    catalog()
        .taxonomy(taxonomy)
        .values()
        .iter()
        .map(|entry| entry.value.clone())
        .collect()
}

fn current_year() -> i64 {
    i64::from(time::OffsetDateTime::now_utc().year())
}

// ---------------------------------------------------------------------------------------------
// Query text

/// Characters queries break parsers with, beside any character at all.
const AWKWARD: &[char] = &[
    '"', '\'', '’', '“', '”', '«', '»', '„', '-', '+', '*', '(', ')', '[', ']', '{', '}', ':', '~',
    '^', '\\', '/', '&', '|', '!', '?', ',', '.', ';', '<', '>', '#', '%', '@', ' ', ' ', '\t',
    '\n', '\r', '\u{0}', '\u{1F}', '\u{7F}', '\u{A0}', '\u{200B}', '\u{FEFF}', '\u{301}', 'ß', 'İ',
    'ı', 'ﬁ', 'Å', '🌱',
];

/// Words with a meaning to the parser or the index.
const WORDS: &[&str] = &[
    "AND",
    "OR",
    "NOT",
    "&&",
    "||",
    "-",
    "--",
    "\"",
    "huertos",
    "escolares",
    "participació",
    "ciutadana",
    "children's",
    "council",
    "d'infants",
    "covid-19",
    "마을교육",
    "공동체",
    "学校",
    "school garden",
    "\"camino escolar\"",
    "-madrid",
    "-\"a phrase\"",
    "partcipation",
    "escolres",
];

fn query_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => any::<char>(),
        3 => select(AWKWARD),
        2 => proptest::char::range('a', 'z'),
        1 => proptest::char::range('\u{4E00}', '\u{9FFF}'),
        1 => proptest::char::range('\u{AC00}', '\u{D7A3}'),
    ]
}

/// Any query text of at most [`MAX_QUERY_CHARS`] characters: random characters, random runs
/// of meaningful words and operators, and long texts near the limit.
fn query_text() -> impl Strategy<Value = String> {
    let chars = proptest::collection::vec(query_char(), 0..60);
    let words = proptest::collection::vec(
        prop_oneof![
            select(WORDS).prop_map(str::to_string),
            proptest::collection::vec(query_char(), 1..12)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
        ],
        0..12,
    )
    .prop_map(|words| words.join(" "));
    let long = proptest::collection::vec(query_char(), MAX_QUERY_CHARS - 40..=MAX_QUERY_CHARS);
    prop_oneof![
        4 => chars.prop_map(|chars| chars.into_iter().collect::<String>()),
        4 => words,
        1 => long.prop_map(|chars| chars.into_iter().collect::<String>()),
    ]
    .prop_map(|text| text.chars().take(MAX_QUERY_CHARS).collect())
}

// ---------------------------------------------------------------------------------------------
// Search requests

/// The filter parameters and the taxonomies their values come from.
const FILTERS: [(&str, &str); 6] = [
    ("country", "countries"),
    ("theme", "themes"),
    ("sdg", "sdgs"),
    ("language", "languages"),
    ("target_group", "target_groups"),
    ("principle", "principles"),
];

/// A value as a client might type it: any case, surrounding spaces (the engine normalises).
fn as_typed(value: String) -> impl Strategy<Value = String> {
    prop_oneof![
        Just(value.clone()),
        Just(value.to_ascii_uppercase()),
        Just(value.to_ascii_lowercase()),
        Just(format!(" {value} ")),
    ]
}

fn filter_values(taxonomy: &'static str) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(select(values(taxonomy)).prop_flat_map(as_typed), 1..4)
}

/// A valid request around `q`: random filters, year range, sort, page, locale, facet list and
/// switches.
fn request() -> impl Strategy<Value = SearchRequest> {
    let filters = proptest::collection::btree_map(select(FILTERS.to_vec()), Just(()), 0..3)
        .prop_flat_map(|chosen| {
            chosen
                .into_keys()
                .map(|(name, taxonomy)| (Just(name.to_string()), filter_values(taxonomy)))
                .collect::<Vec<_>>()
        })
        .prop_map(|pairs| pairs.into_iter().collect());
    let years = (1900i64..2030, 0i64..60, any::<(bool, bool)>())
        .prop_map(|(from, span, (a, b))| (a.then_some(from), b.then_some(from + span)));
    let sort = prop_oneof![
        Just(None),
        Just(Some(Sort::Relevance)),
        Just(Some(Sort::Newest)),
        Just(Some(Sort::StartYear)),
    ];
    let facet_names: Vec<String> = FILTERS.iter().map(|(name, _)| name.to_string()).collect();
    let facets = prop_oneof![Just(None), subsequence(facet_names, 0..=6).prop_map(Some)];
    let switches = any::<(bool, bool, bool)>();
    (
        query_text(),
        filters,
        years,
        sort,
        (1usize..=5, 1usize..=MAX_PER_PAGE),
        select(values("languages")),
        facets,
        switches,
    )
        .prop_map(
            |(
                q,
                filters,
                (year_from, year_to),
                sort,
                (page, per_page),
                locale,
                facets,
                switches,
            )| {
                SearchRequest {
                    q,
                    filters,
                    year_from,
                    year_to,
                    sort,
                    page,
                    per_page,
                    locale,
                    facets,
                    highlight: switches.0,
                    typos: switches.1,
                    cross_language: switches.2,
                }
            },
        )
}

/// Whether a hit's stored values satisfy a filter (values normalised as the engine does).
fn hit_matches(hit: &databank::engine::Hit, facet: &str, selected: &[String]) -> bool {
    let selected: BTreeSet<String> = selected
        .iter()
        .map(|value| value.trim().to_ascii_lowercase())
        .collect();
    let any = |values: Vec<String>| {
        values
            .iter()
            .any(|value| selected.contains(&value.to_ascii_lowercase()))
    };
    let numbers = |values: &[u64]| values.iter().map(u64::to_string).collect::<Vec<_>>();
    match facet {
        "country" => any(vec![hit.country.clone()]),
        "language" => any(vec![hit.language.clone()]),
        "theme" => any(hit.themes.clone()),
        "target_group" => any(hit.target_groups.clone()),
        "sdg" => any(numbers(&hit.sdgs)),
        "principle" => any(numbers(&hit.charter_principles)),
        other => panic!("unknown facet {other}"),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// Contract section 2: `q` is never a syntax error, whatever it holds.
    #[test]
    fn any_query_text_is_answered(q in query_text()) {
        let request = SearchRequest { q: q.clone(), ..SearchRequest::default() };
        let response = databank().search(&request);
        prop_assert!(response.is_ok(), "q = {q:?}: {:?}", response.as_ref().err());
        let response = response.unwrap();
        prop_assert_eq!(&response.query, &q);
        prop_assert!(response.hits.len() <= request.per_page);
        prop_assert!(response.hits.len() as u64 <= response.total);
        let suggestions = databank().suggest(&q, None);
        prop_assert!(suggestions.is_ok(), "suggest q = {q:?}: {:?}", suggestions.as_ref().err());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any `q` with random valid parameters is answered, and every hit satisfies the filters
    /// and the year range.
    #[test]
    fn any_query_with_valid_filters_is_answered_and_filtered(request in request()) {
        let response = databank().search(&request);
        prop_assert!(response.is_ok(), "{request:?}: {:?}", response.as_ref().err());
        let response = response.unwrap();
        prop_assert!(response.hits.len() <= request.per_page);
        if request.page == 1 {
            prop_assert_eq!(
                response.hits.len() as u64,
                response.total.min(request.per_page as u64)
            );
        }
        for hit in &response.hits {
            for (facet, selected) in &request.filters {
                prop_assert!(
                    hit_matches(hit, facet, selected),
                    "hit {} fails filter {facet}={selected:?}", hit.id
                );
            }
            if let Some(from) = request.year_from {
                prop_assert!(hit.start_year.is_some_and(|year| year as i64 >= from), "hit {}", hit.id);
            }
            if let Some(to) = request.year_to {
                prop_assert!(hit.start_year.is_some_and(|year| year as i64 <= to), "hit {}", hit.id);
            }
        }
        if let Some(counted) = &request.facets {
            let names: BTreeSet<&String> = response.facets.keys().collect();
            prop_assert_eq!(names, counted.iter().collect::<BTreeSet<_>>());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Documents

/// A text of 1..=`max` characters after trimming: any characters after a non-space one; now
/// and then exactly `max` characters long.
fn text(max: usize) -> impl Strategy<Value = String> {
    let head = any::<char>().prop_filter("not whitespace", |c| !c.is_whitespace());
    let body = prop_oneof![
        8 => proptest::collection::vec(any::<char>(), 0..40),
        1 => proptest::collection::vec(proptest::char::range('a', 'z'), max - 1..=max - 1),
    ];
    (head, body).prop_map(|(head, body)| std::iter::once(head).chain(body).collect())
}

fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => "[A-Za-z0-9._:-]{1,40}",
        1 => "[A-Za-z0-9._:-]{128}",
    ]
}

/// An RFC 3339 date-time (UTC or with an offset, with or without fractions).
fn rfc3339() -> impl Strategy<Value = String> {
    (
        1970i32..2100,
        1u8..=12,
        1u8..=28,
        0u8..24,
        0u8..60,
        0u8..60,
        prop_oneof![Just(String::new()), "\\.[0-9]{1,9}"],
        prop_oneof![
            Just("Z".to_string()),
            Just("z".to_string()),
            "[+-](0[0-9]|1[0-3]):(00|30|45)"
        ],
    )
        .prop_map(|(year, month, day, hour, minute, second, fraction, offset)| {
            format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}{offset}")
        })
}

/// Valid URLs. A host label has at most one hyphen: `xn--` starts an IDNA (punycode) label,
/// and a malformed one (`http://xn--.org`) is rightly refused.
fn url() -> impl Strategy<Value = String> {
    "https?://[a-z][a-z0-9]{0,8}(-[a-z0-9]{1,4})?\\.(org|es|cat|kr|de)(:[1-9][0-9]{1,3})?(/[a-zA-Z0-9._~-]{0,10}){0,3}(\\?[a-z]=[0-9]{1,3})?"
}

/// A translation in `language`: a title, maybe a summary and a description.
fn translation() -> impl Strategy<Value = Value> {
    (
        text(500),
        proptest::option::of(text(100)),
        proptest::option::of(text(200)),
    )
        .prop_map(|(title, summary, description)| {
            let mut entry = Map::new();
            entry.insert("title".into(), Value::from(title));
            if let Some(summary) = summary {
                entry.insert("summary".into(), Value::from(summary));
            }
            if let Some(description) = description {
                entry.insert("description".into(), Value::from(description));
            }
            Value::Object(entry)
        })
}

/// A valid document of contract section 1 (every optional field present or not).
fn valid_document() -> impl Strategy<Value = Map<String, Value>> {
    let pick = |taxonomy: &'static str, min: usize| {
        let all = values(taxonomy);
        let max = all.len().min(4);
        subsequence(all, min..=max)
    };
    let texts = (
        id(),
        text(500),
        proptest::option::of(text(2_000)),
        text(1_000),
        text(200),
        proptest::option::of(text(80)),
    );
    let codes = (
        select(values("countries")).prop_flat_map(as_typed),
        pick("themes", 1),
        proptest::option::of(pick("target_groups", 0)),
        proptest::option::of(proptest::collection::vec(1u64..=17, 0..6)),
        proptest::option::of(proptest::collection::vec(1u64..=20, 0..6)),
    );
    let languages = (
        proptest::option::of(select(values("languages"))),
        subsequence(values("languages"), 0..3),
        proptest::collection::vec(translation(), 3),
    );
    let rest = (
        proptest::option::of(1900..=current_year() + 1),
        proptest::option::of(url()),
        proptest::option::of(rfc3339()),
    );
    (texts, codes, languages, rest).prop_map(
        |(
            (id, title, summary, description, city, promoter),
            (country, themes, target_groups, sdgs, principles),
            (language, translated, entries),
            (start_year, url, updated_at),
        )| {
            let mut document = Map::new();
            document.insert("id".into(), json!(id));
            document.insert("title".into(), json!(title));
            document.insert("description".into(), json!(description));
            document.insert("city".into(), json!(city));
            document.insert("country".into(), json!(country));
            document.insert("themes".into(), json!(themes));
            let optional = [
                ("summary", summary.map(Value::from)),
                ("promoter", promoter.map(Value::from)),
                ("target_groups", target_groups.map(|codes| json!(codes))),
                ("sdgs", sdgs.map(|numbers| json!(numbers))),
                (
                    "charter_principles",
                    principles.map(|numbers| json!(numbers)),
                ),
                ("start_year", start_year.map(Value::from)),
                ("url", url.map(Value::from)),
                ("updated_at", updated_at.map(Value::from)),
            ];
            for (name, value) in optional {
                if let Some(value) = value {
                    document.insert(name.into(), value);
                }
            }
            // Translations only with a language: without one, the language detected from
            // the (random) text could be a translation's, which is refused (see
            // `translation_in_the_detected_language_is_refused_naming_the_language`).
            let translations: Map<String, Value> = translated
                .into_iter()
                .filter(|code| language.is_some() && Some(code) != language.as_ref())
                .zip(entries)
                .collect();
            if let Some(language) = language {
                document.insert("language".into(), json!(language));
            }
            if !translations.is_empty() {
                document.insert("translations".into(), Value::Object(translations));
            }
            document
        },
    )
}

/// One field made invalid: the field the errors must name, and the change.
#[derive(Debug, Clone)]
struct Mutation {
    field: String,
    change: Change,
}

#[derive(Debug, Clone)]
enum Change {
    Set(Value),
    Remove,
}

fn set(field: &str, value: Value) -> Mutation {
    Mutation {
        field: field.into(),
        change: Change::Set(value),
    }
}

/// Whether a code is outside a taxonomy once normalised as validation does (countries
/// uppercased, languages lowercased, all trimmed).
fn not_in(taxonomy: &'static str) -> impl Fn(&String) -> bool {
    move |code| {
        let code = match taxonomy {
            "countries" => code.trim().to_ascii_uppercase(),
            "languages" => code.trim().to_ascii_lowercase(),
            _ => code.trim().to_string(),
        };
        !catalog().taxonomy(taxonomy).contains(&code)
    }
}

/// Every kind of invalid value the contract names, each for one field.
fn mutation() -> impl Strategy<Value = Mutation> {
    let bad_id_char = any::<char>().prop_filter("not allowed in an id", |c| {
        !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
    });
    let required = select(vec![
        "id",
        "title",
        "description",
        "city",
        "country",
        "themes",
    ]);
    prop_oneof![
        ("[a-z0-9]{0,10}", bad_id_char, "[a-z0-9]{0,10}")
            .prop_map(|(a, c, b)| set("id", json!(format!("{a}{c}{b}")))),
        "[a-z]{129,140}".prop_map(|id| set("id", json!(id))),
        Just(set("id", json!(""))),
        Just(set("id", json!(42))),
        required.prop_map(|field| Mutation {
            field: field.into(),
            change: Change::Remove
        }),
        "[ \t\r\n\u{A0}\u{3000}]{0,5}".prop_map(|blank| set("title", json!(blank))),
        "[ \t\n]{0,3}".prop_map(|blank| set("city", json!(blank))),
        "[a-z]{501,520}".prop_map(|long| set("title", json!(long))),
        "[a-z]{2001,2010}".prop_map(|long| set("summary", json!(long))),
        "[a-z]{201,210}".prop_map(|long| set("city", json!(long))),
        "[A-Za-z]{2}"
            .prop_filter("not a country", not_in("countries"))
            .prop_map(|code| set("country", json!(code))),
        "[A-Z]{3}|[0-9]{2}|".prop_map(|code| set("country", json!(code))),
        "[a-z-]{1,20}"
            .prop_filter("not a theme", not_in("themes"))
            .prop_map(|code| set("themes", json!(["environment", code]))),
        Just(set("themes", json!([]))),
        Just(set("themes", json!("environment"))),
        "[a-z-]{1,20}"
            .prop_filter("not a target group", not_in("target_groups"))
            .prop_map(|code| set("target_groups", json!([code]))),
        prop_oneof![Just(0u64), 18u64..1000].prop_map(|sdg| set("sdgs", json!([4, sdg]))),
        Just(set("sdgs", json!(["four"]))),
        Just(set("sdgs", json!([-3]))),
        prop_oneof![Just(0u64), 21u64..1000]
            .prop_map(|principle| set("charter_principles", json!([principle]))),
        prop_oneof![0i64..1900, Just(1800), (current_year() + 2)..10_000]
            .prop_map(|year| set("start_year", json!(year))),
        Just(set("start_year", json!("2019"))),
        Just(set("start_year", json!(2019.5))),
        prop_oneof![
            Just("ftp://example.org/x".to_string()),
            Just("mailto:a@b.org".to_string()),
            Just("http://".to_string()),
            Just("/relative/path".to_string()),
            "[a-z ]{1,20}".prop_filter("not blank", |s| !s.trim().is_empty()),
        ]
        .prop_map(|url| set("url", json!(url))),
        prop_oneof![
            Just("2024-13-01T00:00:00Z".to_string()),
            Just("2024-02-30T10:00:00Z".to_string()),
            Just("2024-05-01".to_string()),
            Just("2024-05-01 10:00:00".to_string()),
            Just("yesterday".to_string()),
            "[0-9]{1,12}",
        ]
        .prop_map(|date| set("updated_at", json!(date))),
        Just(set("updated_at", json!(1_714_557_600))),
        "[a-z]{2}"
            .prop_filter("not a language", not_in("languages"))
            .prop_map(|code| set("language", json!(code))),
        Just(set("language", json!("english"))),
        Just(set("title", json!(7))),
        Just(set("description", json!(["text"]))),
        Just(set("language_detected", json!("yes"))),
        "[a-z_]{1,16}"
            .prop_filter("not a known field", |name| !KNOWN_FIELDS
                .contains(&name.as_str()))
            .prop_map(|name| set(&name, json!("value"))),
        Just(set("Title", json!("capitalised header"))),
        Just(set("translations", json!(["en"]))),
        Just(set("translations", json!({"xx": {"title": "t"}}))),
        Just(set("translations", json!({"de": {"summary": "no title"}}))),
        Just(set(
            "translations",
            json!({"it": {"title": "t", "notes": "n"}})
        )),
    ]
}

/// Whether an error's field is `field` or an element or member of it (`sdgs[2]`,
/// `translations.en.title`).
fn names(error: &FieldError, field: &str) -> bool {
    error.field == field
        || error.field.starts_with(&format!("{field}["))
        || error.field.starts_with(&format!("{field}."))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Contract section 1: a document within every rule is accepted.
    #[test]
    fn generated_valid_document_validates(document in valid_document()) {
        let result = validate(Value::Object(document.clone()));
        prop_assert!(result.is_ok(), "{document:?}: {:?}", result.err());
    }

    /// The same document with one field made invalid is rejected, and every error names that
    /// field (the rest of the document is valid).
    #[test]
    fn mutated_document_fails_naming_the_field(
        document in valid_document(),
        mutation in mutation(),
    ) {
        let mut document = document;
        match &mutation.change {
            Change::Set(value) => {
                document.insert(mutation.field.clone(), value.clone());
            }
            Change::Remove => {
                document.remove(&mutation.field);
            }
        }
        let result = validate(Value::Object(document.clone()));
        let errors = match result {
            Ok(()) => {
                return Err(TestCaseError::fail(format!(
                    "{mutation:?} was accepted: {document:?}"
                )))
            }
            Err(errors) => errors,
        };
        prop_assert!(!errors.is_empty());
        for error in &errors {
            prop_assert!(
                names(error, &mutation.field),
                "{mutation:?}: error {error:?} names another field"
            );
        }
    }
}

/// A translation in the document's own language is rejected, naming that translation (a case
/// the mutations cannot make: it depends on the document's language).
#[test]
fn translation_in_the_primary_language_is_named() {
    let document = json!({
        "id": "x", "title": "Títol", "description": "Descripció", "city": "Vic",
        "country": "ES", "themes": ["culture"], "language": "ca",
        "translations": {"ca": {"title": "Títol"}, "en": {"title": "Title"}}
    });
    let errors = validate(document).unwrap_err();
    assert!(
        errors.iter().all(|error| error.field == "translations.ca"),
        "{errors:?}"
    );
}

/// The same when the language is detected: a spreadsheet template's `title_en` filled with the
/// English text of a row that leaves `language` empty. Accepted, it was stored with
/// `"language": "en"` and refused on every later load of it (reindex, export imported back).
#[test]
fn translation_in_the_detected_language_is_refused_naming_the_language() {
    let description = "Children from every neighbourhood of Bristol walk to school together in groups led by volunteer parents, so that streets near schools are calmer and safer.";
    let document = json!({
        "id": "en-1", "title": "Walking buses to school in Bristol", "description": description,
        "city": "Bristol", "country": "GB", "themes": ["mobility"],
        "translations": {"en": {"title": "Walking buses to school in Bristol"}}
    });
    let errors = validate(document.clone()).unwrap_err();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].field, "language");
    assert!(errors[0].message.contains("\"en\""), "{errors:?}");
    // With its translation in another language it is accepted.
    let mut other = document;
    other["translations"] = json!({"es": {"title": "Caminos escolares en Bristol"}});
    assert!(validate(other).is_ok());
}

// ---------------------------------------------------------------------------------------------
// Regressions found by the fuzzers

/// Found by the `query_search` fuzzer (`huertos -madr_id`): an excluded clause that analyses to
/// a phrase (`-"school id"`, or a single word the tokenizer splits, `-school-id`) panicked in
/// debug builds inside tantivy's phrase scorer when the phrase's first match came after the
/// first candidate document, or never came. The exclusion must hold and nothing may panic.
#[test]
fn excluded_phrase_excludes_without_panicking() {
    let dir = tempfile::tempdir().expect("temp dir");
    let databank = Databank::open(dir.path(), catalog().clone()).expect("open");
    let bodies = [
        "gardens by the school library id",
        "gardens with an id for the school",
        "gardens near the school id office",
        "school id gardens",
    ];
    let rows = bodies
        .iter()
        .enumerate()
        .map(|(index, body)| databank::engine::SubmittedRow {
            line: index + 1,
            value: Ok(json!({
                "id": format!("doc-{index}"), "title": format!("Initiative {index}"),
                "description": body, "city": "Testville", "country": "ES",
                "themes": ["environment"], "language": "en",
            })),
        })
        .collect();
    let summary = databank
        .load(rows, databank::engine::OnError::Abort, false)
        .expect("load");
    assert_eq!(summary.created, bodies.len(), "{summary:?}");
    for q in [
        "gardens -\"school id\"",
        "gardens -school-id",
        "gardens NOT \"school id\"",
    ] {
        let request = SearchRequest {
            q: q.to_string(),
            ..SearchRequest::default()
        };
        let response = databank.search(&request).expect("search");
        let mut ids: Vec<&str> = response.hits.iter().map(|hit| hit.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, ["doc-0", "doc-1"], "q = {q}");
    }
}
