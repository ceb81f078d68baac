//! Language detection (whatlang) for documents that do not say their language.
//!
//! Detection runs on the document's own text (title, summary, description), restricted to the
//! languages `index-schema/detection.json` maps to ISO 639-1. Queries are never routed by
//! detected language: a two-word query is too short to detect reliably, so queries are analysed
//! for every language instead.

use std::collections::BTreeMap;

use whatlang::{Detector, Lang};

/// How much text detection reads (characters); more adds time, not accuracy.
const DETECTION_SAMPLE_CHARS: usize = 2_000;

/// Detects a text's language as an ISO 639-1 code.
pub struct LanguageDetector {
    detector: Detector,
    to_iso639_1: BTreeMap<String, String>,
}

impl LanguageDetector {
    /// A detector over the languages of the mapping (whatlang ISO 639-3 → ISO 639-1).
    pub fn new(mapping: &BTreeMap<String, String>) -> Self {
        let allowed: Vec<Lang> = mapping
            .keys()
            .filter_map(|code| Lang::from_code(code.as_str()))
            .collect();
        LanguageDetector {
            detector: Detector::with_allowlist(allowed),
            to_iso639_1: mapping.clone(),
        }
    }

    /// The ISO 639-1 code of the text's language, if it can be told.
    pub fn detect(&self, text: &str) -> Option<String> {
        let sample: String = text.chars().take(DETECTION_SAMPLE_CHARS).collect();
        let lang = self.detector.detect_lang(&sample)?;
        self.to_iso639_1.get(lang.code()).cloned()
    }
}
