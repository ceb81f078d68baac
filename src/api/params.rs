//! Search parameters from a query string (`GET`) or a JSON body (`POST`) into an engine
//! [`SearchRequest`]. Both forms share one reading: every value becomes a list of strings
//! (repeated parameters, JSON arrays and comma lists alike), then each parameter is typed; a
//! parameter that takes one value and is given several is refused.
//! Parameters the API does not know are ignored (cache busters, tracking tags); a list
//! parameter may carry the brackets form encoders add (`country[]=ES`, `country[0]=ES`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ApiError;
use crate::engine::search::{SearchRequest, Sort};

/// The filter parameters (facet names).
pub const FILTER_PARAMS: [&str; 6] = [
    "country",
    "theme",
    "sdg",
    "language",
    "target_group",
    "principle",
];

/// Raw parameters: name → values in order.
pub type RawParams = BTreeMap<String, Vec<String>>;

/// Reads a URL query string.
pub fn from_query_string(query: &str) -> RawParams {
    let mut params = RawParams::new();
    for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
        params
            .entry(without_array_brackets(&name).to_string())
            .or_default()
            .push(value.into_owned());
    }
    params
}

/// A parameter name without the brackets that form encoders (jQuery, PHP, Rails, axios with
/// `qs`) add to list parameters: `country[]` and `country[0]` are `country`.
fn without_array_brackets(name: &str) -> &str {
    match name
        .strip_suffix(']')
        .and_then(|rest| rest.rsplit_once('['))
    {
        Some((base, index))
            if !base.is_empty() && index.bytes().all(|byte| byte.is_ascii_digit()) =>
        {
            base
        }
        _ => name,
    }
}

/// Reads a JSON object body.
pub fn from_json(body: &[u8]) -> Result<RawParams, ApiError> {
    // A byte-order mark (Windows tools write one) is not part of the JSON.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(RawParams::new());
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| ApiError::InvalidBody(format!("the body is not valid JSON: {err}")))?;
    let Value::Object(object) = value else {
        return Err(ApiError::InvalidBody(
            "the body must be a JSON object of search parameters".into(),
        ));
    };
    let mut params = RawParams::new();
    for (name, value) in object {
        let values = match value {
            // null is "absent", as in most JSON APIs (`"facets": null` counts the defaults).
            Value::Null => continue,
            Value::Array(items) => {
                items
                    .iter()
                    .map(scalar)
                    .collect::<Result<_, _>>()
                    .map_err(|_| {
                        ApiError::param(
                            &name,
                            format!("{name} must be a value or a list of values"),
                        )
                    })?
            }
            other => vec![scalar(&other).map_err(|_| {
                ApiError::param(&name, format!("{name} must be a value or a list of values"))
            })?],
        };
        params
            .entry(without_array_brackets(&name).to_string())
            .or_default()
            .extend(values);
    }
    Ok(params)
}

fn scalar(value: &Value) -> Result<String, ()> {
    match value {
        Value::String(text) => Ok(text.clone()),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        _ => Err(()),
    }
}

fn last<'a>(params: &'a RawParams, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(|values| values.last())
        .map(|value| value.trim())
        .filter(|value| !value.is_empty())
}

/// A whole-number parameter (last value wins).
pub fn number<T: std::str::FromStr>(params: &RawParams, name: &str) -> Result<Option<T>, ApiError> {
    match last(params, name) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            ApiError::param(name, format!("{name} must be a whole number, not {text:?}"))
        }),
    }
}

/// The `locale` parameter: the language of a BCP 47 tag (`pt-BR`, `es_ES`, `EN` → `pt`, `es`,
/// `en`, what a browser's `navigator.language` gives), lowercased; `None` when absent or empty.
pub fn locale(params: &RawParams) -> Option<String> {
    last(params, "locale").map(|tag| {
        let language = tag.split(['-', '_']).next().unwrap_or_default();
        if language.is_empty() { tag } else { language }.to_ascii_lowercase()
    })
}

/// A true/false parameter.
fn flag(params: &RawParams, name: &str) -> Result<Option<bool>, ApiError> {
    match last(params, name) {
        None => Ok(None),
        Some("true" | "1") => Ok(Some(true)),
        Some("false" | "0") => Ok(Some(false)),
        Some(other) => Err(ApiError::param(
            name,
            format!("{name} must be true or false, not {other:?}"),
        )),
    }
}

/// The search parameters that take one value: given twice (`page=1&page=2`, `"q": ["a", "b"]`),
/// they are refused rather than one of them silently chosen.
const SINGLE_VALUED: [&str; 10] = [
    "q",
    "page",
    "per_page",
    "sort",
    "locale",
    "year_from",
    "year_to",
    "highlight",
    "typos",
    "cross_language",
];

/// Types raw parameters into a search request (range checks are the engine's).
pub fn search_request(params: &RawParams) -> Result<SearchRequest, ApiError> {
    for name in SINGLE_VALUED {
        if let Some(values) = params.get(name).filter(|values| values.len() > 1) {
            return Err(ApiError::param(
                name,
                format!("{name} is given {} times; it takes one value", values.len()),
            ));
        }
    }
    let mut request = SearchRequest {
        q: params
            .get("q")
            .and_then(|values| values.last())
            .cloned()
            .unwrap_or_default(),
        ..SearchRequest::default()
    };
    for name in FILTER_PARAMS {
        let values: Vec<String> = params
            .get(name)
            .into_iter()
            .flatten()
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .filter(|value| !value.is_empty())
            .map(str::to_string)
            .collect();
        if !values.is_empty() {
            request.filters.insert(name.to_string(), values);
        }
    }
    request.year_from = number(params, "year_from")?;
    request.year_to = number(params, "year_to")?;
    if let Some(page) = number::<usize>(params, "page")? {
        request.page = page;
    }
    if let Some(per_page) = number::<usize>(params, "per_page")? {
        request.per_page = per_page;
    }
    if let Some(sort) = last(params, "sort") {
        request.sort = Some(Sort::parse(sort)?);
    }
    if let Some(locale) = locale(params) {
        request.locale = locale;
    }
    if let Some(highlight) = flag(params, "highlight")? {
        request.highlight = highlight;
    }
    if let Some(typos) = flag(params, "typos")? {
        request.typos = typos;
    }
    if let Some(cross_language) = flag(params, "cross_language")? {
        request.cross_language = cross_language;
    }
    if let Some(values) = params.get("facets") {
        request.facets = Some(
            values
                .iter()
                .flat_map(|value| value.split(','))
                .map(str::trim)
                .filter(|name| !name.is_empty())
                .map(str::to_string)
                .collect(),
        );
    }
    Ok(request)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_and_comma_separated_filters_are_lists() {
        let params = from_query_string("q=huertos&country=ES&country=FR,PT&sdg=4&facets=");
        let request = search_request(&params).unwrap();
        assert_eq!(request.filters["country"], ["ES", "FR", "PT"]);
        assert_eq!(request.filters["sdg"], ["4"]);
        assert_eq!(request.facets, Some(vec![]));
    }

    #[test]
    fn json_null_is_an_absent_parameter_and_locale_tags_give_their_language() {
        let body = br#"{"q":"huertos","facets":null,"country":null,"locale":"pt-BR"}"#;
        let request = search_request(&from_json(body).unwrap()).unwrap();
        assert_eq!(request.facets, None);
        assert!(request.filters.is_empty());
        assert_eq!(request.locale, "pt");
        let request = search_request(&from_query_string("locale=es_ES")).unwrap();
        assert_eq!(request.locale, "es");
    }

    #[test]
    fn bracketed_list_parameters_and_a_json_byte_order_mark_are_read() {
        let params = from_query_string("country[]=ES&country[]=fr&sdg[0]=4&sdg[1]=11&x[a]=1");
        let request = search_request(&params).unwrap();
        assert_eq!(request.filters["country"], ["ES", "fr"]);
        assert_eq!(request.filters["sdg"], ["4", "11"]);
        assert!(params.contains_key("x[a]"));
        let params =
            from_json(b"\xEF\xBB\xBF{\"q\": \"huertos\", \"country[]\": [\"PT\"]}").unwrap();
        let request = search_request(&params).unwrap();
        assert_eq!(request.q, "huertos");
        assert_eq!(request.filters["country"], ["PT"]);
    }

    #[test]
    fn a_single_valued_parameter_given_twice_is_refused() {
        for params in [
            from_query_string("q=a&q=b"),
            from_query_string("page=1&page=2"),
            from_json(br#"{"q": ["a", "b"]}"#).unwrap(),
        ] {
            assert!(matches!(
                search_request(&params),
                Err(ApiError::InvalidParameter { .. })
            ));
        }
        assert!(
            search_request(&from_json(br#"{"q": ["a"], "country": ["ES", "FR"]}"#).unwrap())
                .is_ok()
        );
    }

    #[test]
    fn bad_numbers_name_their_parameter() {
        let error = search_request(&from_query_string("per_page=abc")).unwrap_err();
        assert!(
            matches!(error, ApiError::InvalidParameter { ref param, .. } if param == "per_page")
        );
    }
}
