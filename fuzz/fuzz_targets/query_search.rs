//! Fuzz target: arbitrary bytes as a search — the query text through the lenient parser, the
//! query builder (analysis in every language, typo automata, concepts), the collectors,
//! highlights and facets — and as a `suggest` prefix, against the seed data.
//!
//! Never a panic. A search either answers, or fails with a parameter error naming a parameter
//! the input was allowed to make invalid (a query over 1,000 characters, raw paging, years,
//! locale, facet names or filter values); the query text itself is never an error. An answer
//! keeps its page size, and its highlights are escaped text with balanced `<mark>` tags.

#![no_main]

use databank_fuzz::{assert_escaped_highlight, assert_expected_error, databank, search_case};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let databank = databank();
    let case = search_case(data, databank.catalog());
    let request = &case.request;
    match databank.search(request) {
        Err(error) => assert_expected_error(&error, &case.may_fail, "search"),
        Ok(response) => {
            assert_eq!(response.query, request.q);
            assert!(response.hits.len() <= request.per_page);
            if request.page == 1 {
                let expected = (response.total as usize).min(request.per_page);
                assert_eq!(response.hits.len(), expected, "first page size");
            }
            for hit in &response.hits {
                for (field, html) in &hit.highlights {
                    let html = html.as_str().expect("a highlight is a string");
                    assert_escaped_highlight(field, html);
                }
            }
        }
    }
    let locale = case.suggest_with_locale.then_some(request.locale.as_str());
    match databank.suggest(&request.q, locale) {
        Err(error) => assert_expected_error(&error, &case.may_fail, "suggest"),
        Ok(suggestions) => assert!(suggestions.len() <= 10),
    }
});
