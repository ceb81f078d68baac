//! The catalog: everything `index-schema/` holds, parsed once at start-up — the schema
//! configuration (`schema.json`), the taxonomies, the stop words and the table that maps the
//! language detector's codes to ISO 639-1.
//!
//! The catalog is read from the copy embedded in the binary, or from a directory given at run
//! time, so adding a theme or a label is a data change.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::engine::error::{Error, Result};
use crate::engine::taxonomy::Taxonomy;

/// The taxonomy files every catalog has (file stems in `index-schema/`).
pub const TAXONOMY_FILES: [&str; 6] = [
    "themes",
    "target_groups",
    "sdgs",
    "principles",
    "countries",
    "languages",
];

/// A text field indexed once per analyzer (`title`, `summary`, `description`).
#[derive(Debug, Clone, Deserialize)]
pub struct TextFieldConfig {
    /// Field name in the document.
    pub name: String,
    /// Query-time boost.
    pub boost: f32,
    /// Maximum characters of a highlight fragment.
    #[serde(default = "default_highlight_chars")]
    pub highlight_chars: usize,
}

fn default_highlight_chars() -> usize {
    240
}

/// A text field indexed with the generic analyzer only (`city`, `promoter`).
#[derive(Debug, Clone, Deserialize)]
pub struct PlainTextFieldConfig {
    /// Field name in the document.
    pub name: String,
    /// Query-time boost.
    pub boost: f32,
}

/// How languages map to analyzers.
#[derive(Debug, Clone, Deserialize)]
pub struct AnalyzersConfig {
    /// ISO 639-1 code → frostem algorithm name.
    pub stemmers: BTreeMap<String, String>,
    /// Longest token kept, in bytes (longer ones are dropped).
    pub max_token_bytes: usize,
    /// ISO 639-1 code → plural endings as `[singular, plural]` pairs (`["", "s"]`,
    /// `["m", "ns"]`): a query word is also looked up in its other number, where the stemmer
    /// does not conflate the two (Spanish `joven` → `jov`, `jóvenes` → `joven`).
    #[serde(default)]
    pub plurals: BTreeMap<String, Vec<[String; 2]>>,
}

/// Whether a facet's values are strings or integers in JSON.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ValueType {
    /// `"ES"`, `"environment"`.
    String,
    /// `4` (SDG), `8` (principle).
    Integer,
}

/// One facet: a filter parameter, a keyword field in the index and a taxonomy for its labels.
#[derive(Debug, Clone, Deserialize)]
pub struct FacetConfig {
    /// Parameter and facet name (`country`, `theme`, `sdg`...).
    pub name: String,
    /// The document field it comes from (`themes`, `sdgs`...).
    pub document_field: String,
    /// The taxonomy that holds its values and labels.
    pub taxonomy: String,
    /// JSON type of its values.
    pub value_type: ValueType,
    /// Counted when the request does not say which facets to count.
    pub default: bool,
    /// `/v1/facets` lists every value of the taxonomy, even those no initiative has.
    #[serde(default)]
    pub list_empty_values: bool,
}

/// `schema.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct SchemaConfig {
    /// Text fields analysed per language.
    pub text_fields: Vec<TextFieldConfig>,
    /// Text fields analysed with the generic analyzer.
    pub plain_text_fields: Vec<PlainTextFieldConfig>,
    /// Analyzer configuration.
    pub analyzers: AnalyzersConfig,
    /// Facets, in the order responses list them.
    pub facets: Vec<FacetConfig>,
}

/// A concept of the thesaurus: its terms by language.
#[derive(Debug, Clone, Deserialize)]
pub struct Concept {
    /// Stable id (`school-garden`).
    pub id: String,
    /// ISO 639-1 code → terms (the first is the preferred one).
    pub terms: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Deserialize)]
struct ThesaurusFile {
    concepts: Vec<Concept>,
}

/// `detection.json`: how a document's language is told when it does not say it.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DetectionConfig {
    /// whatlang's ISO 639-3 code → ISO 639-1 code (the languages whatlang may answer).
    pub whatlang_to_iso639_1: BTreeMap<String, String>,
    /// Languages whatlang does not know (Basque, Galician), each told by its own function
    /// words: ISO 639-1 code → lowercase words found in no neighbouring language.
    #[serde(default)]
    pub marker_words: BTreeMap<String, Vec<String>>,
}

/// Everything `index-schema/` holds.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// `schema.json`.
    pub schema: SchemaConfig,
    taxonomies: HashMap<String, Taxonomy>,
    /// Stop words of every language, folded together: a query word in this set is optional.
    pub stopwords: HashSet<String>,
    /// Stop words per language (ISO 639-1), as `stopwords.json` lists them.
    pub stopwords_by_language: HashMap<String, HashSet<String>>,
    /// `detection.json`.
    pub detection: DetectionConfig,
    /// The multilingual thesaurus of the domain (`thesaurus.json`; empty when absent).
    pub thesaurus: Vec<Concept>,
}

impl Catalog {
    /// The catalog embedded in the binary.
    pub fn embedded() -> Result<Self> {
        Self::load(|name| {
            crate::resources::INDEX_SCHEMA
                .get_file(name)
                .and_then(|file| file.contents_utf8())
                .map(str::to_string)
                .ok_or_else(|| {
                    Error::Schema(format!("{name} is missing from the embedded index-schema"))
                })
        })
    }

    /// The catalog read from a directory laid out like `index-schema/`.
    pub fn from_dir(dir: &Path) -> Result<Self> {
        Self::load(|name| {
            std::fs::read_to_string(dir.join(name))
                .map_err(|err| Error::Schema(format!("{}: {err}", dir.join(name).display())))
        })
    }

    fn load(read: impl Fn(&str) -> Result<String>) -> Result<Self> {
        let schema: SchemaConfig = serde_json::from_str(&read("schema.json")?)
            .map_err(|err| Error::Schema(format!("schema.json: {err}")))?;
        let mut taxonomies = HashMap::new();
        for name in TAXONOMY_FILES {
            let taxonomy = Taxonomy::from_json(name, &read(&format!("{name}.json"))?)?;
            taxonomies.insert(name.to_string(), taxonomy);
        }
        let stopwords: BTreeMap<String, Vec<String>> =
            serde_json::from_str(&read("stopwords.json")?)
                .map_err(|err| Error::Schema(format!("stopwords.json: {err}")))?;
        let detection: DetectionConfig = serde_json::from_str(&read("detection.json")?)
            .map_err(|err| Error::Schema(format!("detection.json: {err}")))?;
        let thesaurus = match read("thesaurus.json") {
            Ok(text) => {
                serde_json::from_str::<ThesaurusFile>(&text)
                    .map_err(|err| Error::Schema(format!("thesaurus.json: {err}")))?
                    .concepts
            }
            Err(_) => Vec::new(),
        };
        let catalog = Catalog {
            schema,
            taxonomies,
            stopwords: stopwords.values().flatten().cloned().collect(),
            stopwords_by_language: stopwords
                .into_iter()
                .map(|(language, words)| (language, words.into_iter().collect()))
                .collect(),
            detection,
            thesaurus,
        };
        catalog.check()?;
        Ok(catalog)
    }

    /// Cross-file consistency: every facet names a known taxonomy, stemmers exist.
    fn check(&self) -> Result<()> {
        for facet in &self.schema.facets {
            if !self.taxonomies.contains_key(&facet.taxonomy) {
                return Err(Error::Schema(format!(
                    "schema.json: facet {} names unknown taxonomy {}",
                    facet.name, facet.taxonomy
                )));
            }
        }
        for (language, algorithm) in &self.schema.analyzers.stemmers {
            if frostem::Algorithm::from_name(algorithm).is_err() {
                return Err(Error::Schema(format!(
                    "schema.json: language {language} names unknown stemmer {algorithm}"
                )));
            }
        }
        Ok(())
    }

    /// A taxonomy by file stem. The names in [`TAXONOMY_FILES`] always exist.
    pub fn taxonomy(&self, name: &str) -> &Taxonomy {
        self.taxonomies
            .get(name)
            .unwrap_or_else(|| panic!("taxonomy {name} is checked at load time"))
    }

    /// The themes.
    pub fn themes(&self) -> &Taxonomy {
        self.taxonomy("themes")
    }

    /// The countries (ISO 3166-1 alpha-2).
    pub fn countries(&self) -> &Taxonomy {
        self.taxonomy("countries")
    }

    /// The languages (ISO 639-1).
    pub fn languages(&self) -> &Taxonomy {
        self.taxonomy("languages")
    }

    /// The target groups.
    pub fn target_groups(&self) -> &Taxonomy {
        self.taxonomy("target_groups")
    }

    /// A facet's configuration by name.
    pub fn facet(&self, name: &str) -> Option<&FacetConfig> {
        self.schema.facets.iter().find(|facet| facet.name == name)
    }
}
