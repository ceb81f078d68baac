//! Shared pieces of the `databank` fuzz targets.
//!
//! * [`databank`] — one [`Databank`] per fuzzing process, opened once in a temporary directory
//!   over the embedded seed data (339 initiatives, 15 languages), so every input searches or
//!   validates against a real index;
//! * [`Input`] — reads a fuzzer's bytes as a few control bytes followed by free text (the
//!   control bytes pick options; the text is read as UTF-8, lossily, and split on `0xFF` into
//!   the query and any raw parameter values);
//! * [`search_case`] — a [`SearchRequest`] built from an input, with the names of the
//!   parameters it may have made invalid on purpose: the oracle of the `query_search` target is
//!   that a search either succeeds or fails with [`Error::InvalidParam`] naming one of those.
//!
//! The targets themselves are in `fuzz_targets/`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use databank::engine::search::{SearchRequest, Sort, MAX_QUERY_CHARS};
use databank::engine::{Catalog, Databank, Error};

/// The databank every input of this process runs against.
pub fn databank() -> &'static Databank {
    static DATABANK: OnceLock<Databank> = OnceLock::new();
    DATABANK.get_or_init(|| {
        let directory = fixture_dir();
        let _ = std::fs::remove_dir_all(&directory);
        let catalog = Catalog::embedded().expect("embedded catalog");
        let databank = Databank::open(&directory, catalog).expect("open the fuzz index");
        let loaded = databank.load_seed().expect("load the seed data");
        assert!(loaded > 0, "the seed data loaded nothing");
        databank
    })
}

/// `$TMPDIR/databank-fuzz-<pid>`; directories left by processes that are gone are removed
/// first (a fuzzing process exits without running destructors).
fn fixture_dir() -> PathBuf {
    let base = std::env::temp_dir();
    let proc = Path::new("/proc");
    if proc.is_dir() {
        if let Ok(entries) = std::fs::read_dir(&base) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("databank-fuzz-")) else {
                    continue;
                };
                if !proc.join(pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
    }
    base.join(format!("databank-fuzz-{}", std::process::id()))
}

/// A fuzzer input: control bytes from the front, then text.
pub struct Input<'a> {
    control: &'a [u8],
    texts: Vec<String>,
    next_text: usize,
}

/// How many leading bytes are control bytes.
const CONTROL_BYTES: usize = 16;

impl<'a> Input<'a> {
    /// Splits `data` into [`CONTROL_BYTES`] control bytes and the text pieces after them.
    pub fn new(data: &'a [u8]) -> Self {
        let (control, rest) = data.split_at(data.len().min(CONTROL_BYTES));
        let texts = rest
            .split(|&byte| byte == 0xFF)
            .map(|piece| String::from_utf8_lossy(piece).into_owned())
            .collect();
        Input {
            control,
            texts,
            next_text: 0,
        }
    }

    /// The next control byte (0 once they run out).
    pub fn byte(&mut self) -> u8 {
        match self.control.split_first() {
            Some((&byte, rest)) => {
                self.control = rest;
                byte
            }
            None => 0,
        }
    }

    /// The next text piece (empty once they run out).
    pub fn text(&mut self) -> String {
        let text = self.texts.get(self.next_text).cloned().unwrap_or_default();
        self.next_text += 1;
        text
    }
}

/// A search request and the parameters it may have made invalid on purpose.
pub struct SearchCase {
    /// The request.
    pub request: SearchRequest,
    /// Names of parameters that may be out of range or unknown values.
    pub may_fail: BTreeSet<String>,
    /// Whether `suggest` is given the request's locale.
    pub suggest_with_locale: bool,
}

/// Builds a search request from fuzzer bytes: the first text piece is `q`, control bytes pick
/// options, filters from the catalog's taxonomies (case and spacing varied) and, now and then,
/// raw text as a filter value, locale or facet name.
pub fn search_case(data: &[u8], catalog: &Catalog) -> SearchCase {
    let mut input = Input::new(data);
    let mut may_fail = BTreeSet::new();
    let mut request = SearchRequest::default();

    let flags = input.byte();
    request.highlight = flags & 1 == 0;
    request.typos = flags & 2 == 0;
    request.cross_language = flags & 4 == 0;
    request.sort = match (flags >> 3) & 3 {
        0 => None,
        1 => Some(Sort::Relevance),
        2 => Some(Sort::Newest),
        _ => Some(Sort::StartYear),
    };
    let suggest_with_locale = flags & 0x20 != 0;

    request.q = input.text();
    if request.q.chars().count() > MAX_QUERY_CHARS {
        may_fail.insert("q".to_string());
    }

    let paging = input.byte();
    if paging & 0x80 == 0 {
        request.page = 1 + usize::from(paging & 3);
        request.per_page = 1 + usize::from(input.byte()) % 100;
    } else {
        request.page = usize::from(u16::from_le_bytes([input.byte(), input.byte()]));
        request.per_page = usize::from(input.byte());
        may_fail.insert("page".to_string());
        may_fail.insert("per_page".to_string());
    }

    let years = input.byte();
    if years & 4 == 0 {
        let from = 1900 + i64::from(input.byte() % 130);
        let to = from + i64::from(input.byte() % 40);
        request.year_from = (years & 1 != 0).then_some(from);
        request.year_to = (years & 2 != 0).then_some(to);
    } else {
        let raw = |input: &mut Input| i64::from(i16::from_le_bytes([input.byte(), input.byte()]));
        request.year_from = (years & 1 != 0).then(|| raw(&mut input));
        request.year_to = (years & 2 != 0).then(|| raw(&mut input));
        may_fail.insert("year_from".to_string());
        may_fail.insert("year_to".to_string());
    }

    let locale = input.byte();
    let languages = catalog.languages().values();
    if locale < 240 {
        request.locale = languages[usize::from(locale) % languages.len()]
            .value
            .clone();
    } else {
        request.locale = input.text();
        may_fail.insert("locale".to_string());
    }

    let facets = &catalog.schema.facets;
    let counted = input.byte();
    request.facets = match counted {
        0..=63 => None,
        64..=191 => {
            let mask = input.byte();
            Some(
                facets
                    .iter()
                    .enumerate()
                    .filter(|(index, _)| mask & (1 << (index % 8)) != 0)
                    .map(|(_, facet)| facet.name.clone())
                    .collect(),
            )
        }
        _ => {
            may_fail.insert("facets".to_string());
            Some(vec![facets[0].name.clone(), input.text()])
        }
    };

    let filters = input.byte() % 4;
    for _ in 0..filters {
        let facet = &facets[usize::from(input.byte()) % facets.len()];
        let mode = input.byte();
        let value = if mode < 200 {
            let values = catalog.taxonomy(&facet.taxonomy).values();
            let value = &values[usize::from(input.byte()) % values.len()].value;
            // The engine trims and normalises case; vary both.
            match mode % 4 {
                0 => value.clone(),
                1 => value.to_ascii_uppercase(),
                2 => value.to_ascii_lowercase(),
                _ => format!(" {value}\t"),
            }
        } else {
            may_fail.insert(facet.name.clone());
            input.text()
        };
        request
            .filters
            .entry(facet.name.clone())
            .or_default()
            .push(value);
    }

    SearchCase {
        request,
        may_fail,
        suggest_with_locale,
    }
}

/// Panics unless `error` is an invalid-parameter error naming one of `may_fail`.
pub fn assert_expected_error(error: &Error, may_fail: &BTreeSet<String>, what: &str) {
    match error {
        Error::InvalidParam { param, message } => assert!(
            may_fail.contains(param),
            "{what}: parameter {param:?} rejected ({message}) though only {may_fail:?} could be invalid"
        ),
        other => panic!("{what}: an error that is not a parameter error: {other:?}"),
    }
}

/// Panics unless a highlight is escaped text with balanced `<mark>` tags only.
pub fn assert_escaped_highlight(field: &str, html: &str) {
    let opened = html.matches("<mark>").count();
    let closed = html.matches("</mark>").count();
    assert_eq!(opened, closed, "unbalanced <mark> in {field}: {html:?}");
    let text = html.replace("<mark>", "").replace("</mark>", "");
    assert!(
        !text.contains(['<', '>', '"']),
        "unescaped markup in the {field} highlight: {html:?}"
    );
}
