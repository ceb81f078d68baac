//! Language detection (whatlang) for documents that do not say their language.
//!
//! Detection runs on the document's own text (title, summary, description), restricted to the
//! languages `index-schema/detection.json` maps to ISO 639-1. Languages whatlang does not know
//! (Basque, Galician: without this, Basque was taken for Esperanto or Indonesian and Galician
//! for Portuguese) or confuses (Norwegian, taken for Danish) are told first by their marker words, function words of their own: a text
//! in which they are frequent enough is in that language. On a short text whatlang is often
//! wrong (`Neighbours grow vegetables in community gardens` reads as French to it), so there
//! the stop words of `stopwords.json` have a say: a language with twice as many of its stop
//! words in the text as whatlang's answer has, and more than any other, is taken instead.
//! Queries are never routed by detected language: a two-word query is too short to detect
//! reliably, so queries are analysed for every language instead.

use std::collections::{BTreeMap, HashMap, HashSet};

use whatlang::{Detector, Lang};

use crate::engine::catalog::DetectionConfig;

/// Fewest marker words a text needs to be taken for their language.
const MIN_MARKER_WORDS: usize = 2;
/// Smallest share of a text's words (percent) that must be markers of one language.
const MIN_MARKER_PERCENT: usize = 3;

/// A text of at most this many words is short: whatlang's trigrams are too few to trust alone.
const SHORT_TEXT_WORDS: usize = 30;
/// Fewest stop words of a language that may overrule whatlang on a short text.
const MIN_STOP_WORDS: usize = 2;

/// How much text detection reads (characters); more adds time, not accuracy.
const DETECTION_SAMPLE_CHARS: usize = 2_000;

/// Detects a text's language as an ISO 639-1 code.
pub struct LanguageDetector {
    detector: Detector,
    to_iso639_1: BTreeMap<String, String>,
    /// Marker word → the languages it marks.
    markers: HashMap<String, Vec<String>>,
    /// Stop word → the languages (ISO 639-1) whose lists have it.
    stop_words: HashMap<String, Vec<String>>,
    /// The languages with a stop-word list.
    stop_word_languages: HashSet<String>,
}

impl LanguageDetector {
    /// A detector over the languages of the configuration.
    pub fn new(
        config: &DetectionConfig,
        stop_words_by_language: &HashMap<String, HashSet<String>>,
    ) -> Self {
        let mut stop_words: HashMap<String, Vec<String>> = HashMap::new();
        for (language, words) in stop_words_by_language {
            for word in words {
                stop_words
                    .entry(word.to_lowercase())
                    .or_default()
                    .push(language.clone());
            }
        }
        let allowed: Vec<Lang> = config
            .whatlang_to_iso639_1
            .keys()
            .filter_map(|code| Lang::from_code(code.as_str()))
            .collect();
        let mut markers: HashMap<String, Vec<String>> = HashMap::new();
        for (language, words) in &config.marker_words {
            for word in words {
                markers
                    .entry(word.to_lowercase())
                    .or_default()
                    .push(language.clone());
            }
        }
        LanguageDetector {
            detector: Detector::with_allowlist(allowed),
            to_iso639_1: config.whatlang_to_iso639_1.clone(),
            markers,
            stop_words,
            stop_word_languages: stop_words_by_language.keys().cloned().collect(),
        }
    }

    /// The ISO 639-1 code of the text's language, if it can be told.
    pub fn detect(&self, text: &str) -> Option<String> {
        let sample: String = text.chars().take(DETECTION_SAMPLE_CHARS).collect();
        if let Some(language) = self.by_marker_words(&sample) {
            return Some(language);
        }
        let info = self.detector.detect(&sample)?;
        let language = self.to_iso639_1.get(info.lang().code()).cloned()?;
        if info.is_reliable() {
            return Some(language);
        }
        Some(self.by_stop_words(&sample, &language).unwrap_or(language))
    }

    /// On a short text, the language with the most stop words in it, when it has at least
    /// [`MIN_STOP_WORDS`], more than any other language and at least twice as many as
    /// `detected` has (which must have a list): neighbours share many stop words (Spanish
    /// `van a la escuela` has three Catalan ones and two Spanish), and a foreign name brings
    /// its own (`Día de los Muertos` in an English text).
    fn by_stop_words(&self, sample: &str, detected: &str) -> Option<String> {
        // Only between languages that have a list: a Danish text has Swedish stop words
        // and no Danish ones to count.
        if !self.stop_word_languages.contains(detected)
            || words(sample).nth(SHORT_TEXT_WORDS).is_some()
        {
            return None;
        }
        let mut hits: BTreeMap<&str, usize> = BTreeMap::new();
        for word in words(sample) {
            for language in self
                .stop_words
                .get(&word.to_lowercase())
                .into_iter()
                .flatten()
            {
                *hits.entry(language.as_str()).or_default() += 1;
            }
        }
        let best = hits.values().copied().max()?;
        let mut leaders = hits.iter().filter(|(_, count)| **count == best);
        let (leader, _) = leaders.next()?;
        let own = hits.get(detected).copied().unwrap_or_default();
        (best >= MIN_STOP_WORDS && leaders.next().is_none() && own * 2 <= best)
            .then(|| leader.to_string())
    }

    /// The language whose marker words are at least [`MIN_MARKER_WORDS`] and
    /// [`MIN_MARKER_PERCENT`] of the sample's words (the most frequent such language).
    fn by_marker_words(&self, sample: &str) -> Option<String> {
        if self.markers.is_empty() {
            return None;
        }
        let mut count_of_words = 0;
        let mut hits: BTreeMap<&str, usize> = BTreeMap::new();
        for word in words(sample) {
            count_of_words += 1;
            // Function words are written in lowercase; a capitalised one is more likely a name
            // (`Hadi`, `Kila`, `Kwa` in a Spanish or English text).
            if word.chars().next().is_some_and(char::is_uppercase) {
                continue;
            }
            if let Some(languages) = self.markers.get(word) {
                for language in languages {
                    *hits.entry(language.as_str()).or_default() += 1;
                }
            }
        }
        let (language, count) = hits.into_iter().max_by_key(|(_, count)| *count)?;
        (count >= MIN_MARKER_WORDS && count * 100 >= count_of_words * MIN_MARKER_PERCENT)
            .then(|| language.to_string())
    }
}

/// The words of a text: its runs of letters and digits.
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::catalog::Catalog;

    #[test]
    fn basque_galician_norwegian_and_swahili_are_told_by_their_marker_words() {
        let catalog = Catalog::embedded().expect("catalog");
        let detector = LanguageDetector::new(&catalog.detection, &catalog.stopwords_by_language);
        let cases = [
            ("eu", "Eskola bideak: haurrak oinez eta bizikletaz joaten dira ikastetxera. Udalak ibilbide seguruak markatu ditu eta familiek boluntario gisa laguntzen dute."),
            ("eu", "Auzoko baratzeak: ikasleek eta adinekoek elkarrekin lantzen dute lurra, eta uzta jantokira doa."),
            ("gl", "Camiños escolares: os nenos e as nenas van á escola a pé coa axuda das familias. O concello sinalizou unha rede de rúas máis seguras."),
            ("gl", "Hortas escolares no barrio: a xente maior e a mocidade traballan xuntos, e tamén hai obradoiros para as familias."),
            ("no", "Leksehjelp i bydelen: frivillige hjelper elevene med lekser to ganger i uken, og barna får mat etter skolen."),
            ("no", "Kommunen støtter barns deltakelse i alle bydeler."),
            // whatlang has no Swahili and answers Shona.
            ("sw", "Baraza la Watoto la Kaunti ya Nairobi: watoto hujadili usalama wa barabara kuelekea shuleni na kutoa mapendekezo kwa serikali ya kaunti kila mwaka."),
            ("sw", "Kaunti ya Mombasa imefungua maktaba ya watoto katika kila kata, pamoja na walimu na wazazi."),
            // Names that are Swahili words do not make a text Swahili.
            ("es", "Escuela Kwa Hadi: la asociación vecinal organiza talleres de huerto escolar en Granada con las familias del barrio y la biblioteca municipal."),
            ("en", "Kila and Pia run the Kwa community school garden, where pupils grow vegetables with their parents every week."),
            // Neighbours keep their language.
            ("da", "Lektiehjælp i bydelen: frivillige hjælper eleverne med lektier to gange om ugen, og børnene får mad efter skolen."),
            ("sv", "Läxhjälp i stadsdelen: volontärer hjälper eleverna med läxor två gånger i veckan, och barnen får mat efter skolan."),
            ("pt", "Caminhos escolares: as crianças vão à escola a pé com a ajuda das famílias. A câmara municipal sinalizou uma rede de ruas mais seguras."),
            ("es", "Caminos escolares: los niños y las niñas van a la escuela a pie con la ayuda de las familias. El ayuntamiento señalizó una red de calles más seguras."),
            ("it", "Percorsi sicuri casa-scuola: i bambini non vanno a scuola in auto ma a piedi, con l'aiuto delle famiglie e dei volontari."),
            ("ca", "Camins escolars: els infants van a l'escola a peu amb l'ajuda de les famílies. L'ajuntament ha senyalitzat una xarxa de carrers més segurs."),
        ];
        for (expected, text) in cases {
            assert_eq!(detector.detect(text).as_deref(), Some(expected), "{text}");
        }
    }

    #[test]
    fn a_short_text_is_told_by_its_stop_words_where_whatlang_errs() {
        let catalog = Catalog::embedded().expect("catalog");
        let detector = LanguageDetector::new(&catalog.detection, &catalog.stopwords_by_language);
        let cases = [
            // whatlang alone: French, Dutch, French.
            (
                "en",
                "Open schools\nSchools open their playgrounds at weekends.",
            ),
            ("en", "Padded title\nA description about gardens"),
            (
                "en",
                "Homework club\nVolunteers help the pupils with their homework after school.",
            ),
            // Short texts whatlang gets right keep its answer.
            (
                "es",
                "Huertos escolares\nLos niños cultivan verduras en el patio de la escuela.",
            ),
            (
                "ca",
                "Horts escolars\nEls infants cultiven verdures al pati de l'escola.",
            ),
            (
                "pt",
                "Hortas escolares\nAs crianças cultivam legumes no pátio da escola.",
            ),
            (
                "fr",
                "Jardins partagés\nLes voisins cultivent des légumes dans le quartier.",
            ),
            (
                "it",
                "Orti scolastici\nI bambini coltivano ortaggi nel cortile della scuola.",
            ),
            ("de", "Schulgärten\nDie Kinder bauen Gemüse im Schulhof an."),
            (
                "nl",
                "Schooltuinen\nDe kinderen kweken groenten op het schoolplein.",
            ),
            // Neighbours share stop words; a foreign name brings its own.
            ("es", "Camino escolar\nNiños van a la escuela a pie."),
            ("es", "Bici\nVan en bici a la escuela."),
            ("en", "Día de los Muertos celebration\nThe community celebrates Día de los Muertos with the schools."),
        ];
        for (expected, text) in cases {
            assert_eq!(detector.detect(text).as_deref(), Some(expected), "{text}");
        }
    }
}
