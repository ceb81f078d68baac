//! Interface strings of the pages in every interface locale, from `web/i18n.json`: one object per
//! locale, `{"_name": "Español", "search_button": "Buscar", …}`, in the order the language switch
//! lists them. English is complete by definition; the test below holds every other locale to the
//! same keys and the same `{placeholders}`.
//!
//! Facet labels are not here: they come from the catalog's taxonomies (`index-schema/`), in the
//! same locale.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::assets;

/// The locale a page falls back to.
pub const DEFAULT_LOCALE: &str = "en";

/// The interface strings of every locale.
#[derive(Debug)]
pub struct I18n {
    /// Locale code → its strings, in file order.
    locales: Map<String, Value>,
}

impl I18n {
    /// Parses the contents of `i18n.json`.
    pub fn parse(json: &str) -> Result<I18n, String> {
        let value: Value =
            serde_json::from_str(json).map_err(|err| format!("web/i18n.json: {err}"))?;
        let Value::Object(locales) = value else {
            return Err("web/i18n.json: must be an object of locales".into());
        };
        if !locales.contains_key(DEFAULT_LOCALE) {
            return Err(format!(
                "web/i18n.json: the {DEFAULT_LOCALE} locale is missing"
            ));
        }
        if let Some((code, _)) = locales.iter().find(|(_, strings)| !strings.is_object()) {
            return Err(format!(
                "web/i18n.json: {code} must be an object of strings"
            ));
        }
        Ok(I18n { locales })
    }

    /// The strings built into the binary (`None` only if the embedded file is broken, which
    /// the tests rule out).
    pub fn embedded() -> Option<&'static I18n> {
        static I18N: OnceLock<Option<I18n>> = OnceLock::new();
        I18N.get_or_init(|| match assets::text("i18n.json").map(I18n::parse) {
            Some(Ok(i18n)) => Some(i18n),
            Some(Err(error)) => {
                tracing::error!(%error, "interface strings");
                None
            }
            None => None,
        })
        .as_ref()
    }

    /// Whether `locale` has interface strings.
    pub fn supports(&self, locale: &str) -> bool {
        self.locales.contains_key(locale)
    }

    /// The page's locale: the `locale` parameter when the interface speaks it, else the
    /// language of `Accept-Language` it speaks that the browser prefers most (by `q`, then in
    /// the order given; `q=0` means "not this one"), else English.
    pub fn pick(&self, requested: Option<&str>, accept_language: Option<&str>) -> String {
        if let Some(locale) = requested.filter(|locale| self.supports(locale)) {
            return locale.to_string();
        }
        let mut ranges: Vec<(f32, usize, String)> = accept_language
            .into_iter()
            .flat_map(|header| header.split(','))
            .enumerate()
            .filter_map(|(order, range)| {
                let mut parts = range.split(';');
                let tag = parts.next()?.trim();
                let quality = match parts.find_map(|part| part.trim().strip_prefix("q=")) {
                    Some(value) => value.trim().parse::<f32>().ok()?,
                    None => 1.0,
                };
                let language = tag.split(['-', '_']).next()?.to_ascii_lowercase();
                (quality > 0.0 && self.supports(&language)).then_some((quality, order, language))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges
            .into_iter()
            .next()
            .map(|(_, _, language)| language)
            .unwrap_or_else(|| DEFAULT_LOCALE.to_string())
    }

    /// The strings of `locale`, English filling any gap.
    pub fn strings(&self, locale: &str) -> Map<String, Value> {
        let mut strings = self.object(DEFAULT_LOCALE).clone();
        if locale != DEFAULT_LOCALE {
            for (key, value) in self.object(locale) {
                strings.insert(key.clone(), value.clone());
            }
        }
        strings
    }

    /// One string of `locale` (English when missing there; the key itself when missing
    /// everywhere).
    pub fn get<'a>(&'a self, locale: &str, key: &'a str) -> &'a str {
        self.object(locale)
            .get(key)
            .or_else(|| self.object(DEFAULT_LOCALE).get(key))
            .and_then(Value::as_str)
            .unwrap_or(key)
    }

    /// The language switch: `[{"code": "es", "name": "Español"}, …]` in file order.
    pub fn switch(&self) -> Vec<Value> {
        self.locales
            .iter()
            .map(|(code, strings)| {
                serde_json::json!({
                    "code": code,
                    "name": strings.get("_name").and_then(Value::as_str).unwrap_or(code),
                })
            })
            .collect()
    }

    fn object(&self, locale: &str) -> &Map<String, Value> {
        static EMPTY: OnceLock<Map<String, Value>> = OnceLock::new();
        self.locales
            .get(locale)
            .and_then(Value::as_object)
            .unwrap_or_else(|| EMPTY.get_or_init(Map::new))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    fn placeholders(text: &str) -> BTreeSet<String> {
        text.split('{')
            .skip(1)
            .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
            .collect()
    }

    #[test]
    fn every_locale_has_every_english_string_with_the_same_placeholders() {
        let i18n = I18n::embedded().expect("web/i18n.json parses");
        let english = i18n.object(DEFAULT_LOCALE);
        let required = ["en", "es", "fr", "ca", "pt", "it", "ko"];
        for locale in required {
            assert!(i18n.supports(locale), "web/i18n.json lacks {locale}");
        }
        for (locale, strings) in &i18n.locales {
            let strings = strings.as_object().expect("object");
            for (key, text) in english {
                let translated = strings
                    .get(key)
                    .unwrap_or_else(|| panic!("{locale} lacks {key}"));
                let (Some(text), Some(translated)) = (text.as_str(), translated.as_str()) else {
                    panic!("{locale}.{key} is not a string");
                };
                assert!(!translated.trim().is_empty(), "{locale}.{key} is empty");
                assert_eq!(
                    placeholders(text),
                    placeholders(translated),
                    "{locale}.{key} has other placeholders than English"
                );
            }
            for key in strings.keys() {
                assert!(english.contains_key(key), "{locale}.{key} is not in en");
            }
        }
    }

    #[test]
    fn locale_comes_from_the_parameter_then_accept_language_then_english() {
        let i18n = I18n::embedded().expect("web/i18n.json parses");
        assert_eq!(i18n.pick(Some("ca"), Some("fr-FR,fr;q=0.9")), "ca");
        assert_eq!(i18n.pick(Some("xx"), Some("nl-NL, pt-BR;q=0.8")), "pt");
        assert_eq!(i18n.pick(None, Some("ko-KR")), "ko");
        assert_eq!(i18n.pick(None, None), "en");
        // Preference weights, not order; q=0 refuses a language.
        assert_eq!(i18n.pick(None, Some("de;q=0.1, es;q=0.9")), "es");
        assert_eq!(i18n.pick(None, Some("en;q=0, fr;q=0.5")), "fr");
        assert_eq!(i18n.pick(None, Some("fr, ca")), "fr");
        assert_eq!(i18n.pick(None, Some("*;q=0.5, xx")), "en");
        assert_eq!(i18n.get("es", "_name"), "Español");
        assert_eq!(i18n.get("es", "no-such-key"), "no-such-key");
    }
}
