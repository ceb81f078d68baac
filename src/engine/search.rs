//! Search: a validated request in, a page of hits with highlights and disjunctive facet counts
//! out (contract section 2).
//!
//! One pass collects the page, the total and the disjunctive counts of every facet (see
//! [`crate::engine::facets`]). When every word is required and nothing matches, the query is
//! run again with any word allowed.

use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tantivy::query::{
    AllQuery, Bm25StatisticsProvider, BooleanQuery, ConstScoreQuery, Occur, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, Searcher, Term};

use crate::engine::catalog::{FacetConfig, ValueType};
use crate::engine::databank::Databank;
use crate::engine::error::{Error, Result};
use crate::engine::facets::{DisjunctiveCollector, DisjunctiveFruit, FacetFilter, HitOrder};
use crate::engine::highlight::Highlighter;
use crate::engine::query::builder::{Matching, QueryBuilder, TextQuery, EXACT_TIER};
use crate::engine::query::parser::parse;
use crate::engine::schema::{START_YEAR, UPDATED_AT};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 1_000;

/// How many words of a query that found nothing "did you mean" respells (each costs an
/// automaton and a pass over the known words).
const DID_YOU_MEAN_WORDS: usize = 12;

/// Largest page.
pub const MAX_PER_PAGE: usize = 100;
/// Deepest result reachable by paging (`page * per_page`).
pub const MAX_DEPTH: usize = 10_000;
/// Most filter values in one request, over all facets (a longer list is abuse, not a search).
pub const MAX_FILTER_VALUES: usize = 100;
/// Page size when none is asked for.
pub const DEFAULT_PER_PAGE: usize = 20;

/// Result order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first (default with a query).
    Relevance,
    /// Most recently updated first (default without a query).
    Newest,
    /// Most recent start year first; initiatives without one last.
    StartYear,
}

impl Sort {
    /// Reads a `sort` parameter.
    pub fn parse(text: &str) -> Result<Sort> {
        match text {
            "relevance" => Ok(Sort::Relevance),
            "newest" => Ok(Sort::Newest),
            "start_year" => Ok(Sort::StartYear),
            other => Err(Error::param(
                "sort",
                format!("unknown sort {other:?}; use relevance, newest or start_year"),
            )),
        }
    }
}

/// A search as a client asks for it (values not yet checked against the taxonomies).
#[derive(Debug, Clone)]
pub struct SearchRequest {
    /// Free text.
    pub q: String,
    /// Facet name → selected values (OR within a facet, AND across facets).
    pub filters: BTreeMap<String, Vec<String>>,
    /// Inclusive lower bound on `start_year`.
    pub year_from: Option<i64>,
    /// Inclusive upper bound on `start_year`.
    pub year_to: Option<i64>,
    /// Order; `None` picks relevance with a query, newest without.
    pub sort: Option<Sort>,
    /// 1-based page.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Locale of labels and of the text shown.
    pub locale: String,
    /// Facets to count; `None` = the defaults of `schema.json`.
    pub facets: Option<Vec<String>>,
    /// Whether hits carry highlights (on by default; off saves time for clients that do not
    /// show snippets).
    pub highlight: bool,
    /// Typo tolerance (on by default).
    pub typos: bool,
    /// Cross-language expansion: concepts, and cognate stems looked up in other languages (on
    /// by default).
    pub cross_language: bool,
}

impl Default for SearchRequest {
    fn default() -> Self {
        SearchRequest {
            q: String::new(),
            filters: BTreeMap::new(),
            year_from: None,
            year_to: None,
            sort: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
            locale: crate::engine::taxonomy::FALLBACK_LOCALE.to_string(),
            facets: None,
            highlight: true,
            typos: true,
            cross_language: true,
        }
    }
}

/// One search result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Hit {
    /// Initiative id.
    pub id: String,
    /// Relevance score (0 when sorted otherwise).
    pub score: f32,
    /// Title in the shown language.
    pub title: String,
    /// Summary in the shown language.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// City.
    pub city: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Primary language.
    pub language: String,
    /// The language of `title`, `summary` and highlights.
    pub shown_language: String,
    /// Theme codes.
    pub themes: Vec<String>,
    /// SDG numbers.
    pub sdgs: Vec<u64>,
    /// Target-group codes.
    pub target_groups: Vec<String>,
    /// Charter principles.
    pub charter_principles: Vec<u64>,
    /// Start year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_year: Option<u64>,
    /// Web page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Last update (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Languages the initiative is available in (primary first).
    pub languages: Vec<String>,
    /// Highlighted fragments (`title`, `summary`, `description`), only where something matched.
    #[schema(value_type = Object)]
    pub highlights: Map<String, Value>,
}

/// One facet value with its label and count.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct FacetValue {
    /// The value (`"ES"`, `4`).
    pub value: Value,
    /// Its label in the request's locale.
    pub label: String,
    /// Matching initiatives.
    pub count: u64,
}

/// A page of results.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SearchResponse {
    /// The query as given.
    pub query: String,
    /// Matching initiatives.
    pub total: u64,
    /// 1-based page.
    pub page: usize,
    /// Hits per page.
    pub per_page: usize,
    /// Time spent in the engine, milliseconds.
    pub took_ms: f64,
    /// The order applied.
    pub sort: Sort,
    /// `all` when every word had to match, `any` when the query fell back to any word.
    pub matching: String,
    /// Whether some hits matched a word only through a typo alternative.
    pub typo_corrected: bool,
    /// When nothing matched: the query with its unknown words replaced by the closest known
    /// ones, if that query finds something.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub did_you_mean: Option<String>,
    /// The hits of the page.
    pub hits: Vec<Hit>,
    /// Facet name → values, most frequent first.
    pub facets: BTreeMap<String, Vec<FacetValue>>,
}

/// A request checked against the catalog.
struct Plan<'a> {
    filters: Vec<(&'a FacetConfig, Vec<String>)>,
    count: Vec<&'a FacetConfig>,
    year_from: Option<u64>,
    year_to: Option<u64>,
}

impl Databank {
    /// Checks a search's parameters as [`Databank::search`] would, without running it.
    pub fn check_search(&self, request: &SearchRequest) -> Result<()> {
        self.plan(request).map(|_| ())
    }

    /// Runs a search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResponse> {
        let started = Instant::now();
        let plan = self.plan(request)?;
        let searcher = self.searcher();
        let clauses = parse(&request.q);
        let analyzers = self.active_analyzers();
        let builder = self.query_builder(&searcher, &analyzers, request);
        let mut text_query = builder.build(&clauses, Matching::AllWords);
        let sort = match (request.sort, &text_query) {
            (Some(Sort::Relevance), None) | (None, None) => Sort::Newest,
            (Some(sort), _) => sort,
            (None, Some(_)) => Sort::Relevance,
        };
        let offset = (request.page - 1) * request.per_page;
        let mut matching = "all";
        let mut pass = self.collect(
            &searcher,
            &builder,
            text_query.as_ref(),
            &plan,
            sort,
            offset,
            request.per_page,
        )?;
        // Any word instead of all of them only when all of them match nothing anywhere: a
        // fallback decided under the filters would change what the text means when a filter is
        // ticked, and the facet counts (each without its own filter) would describe a query
        // that clicking them does not give.
        let filtered =
            !plan.filters.is_empty() || plan.year_from.is_some() || plan.year_to.is_some();
        if pass.total == 0
            && builder.required_words(&clauses) > 1
            && !(filtered
                && text_query
                    .as_ref()
                    .map_or(Ok(0), |text| text.query.count(&searcher))?
                    > 0)
        {
            text_query = builder.build(&clauses, Matching::AnyWord);
            pass = self.collect(
                &searcher,
                &builder,
                text_query.as_ref(),
                &plan,
                sort,
                offset,
                request.per_page,
            )?;
            matching = "any";
        }
        let mut tallies = pass.tallies;
        let mut highlighter = text_query
            .as_ref()
            .map(|text| &*text.query)
            .filter(|_| request.highlight)
            .map(|query| Highlighter::new(query, &self.catalog, &self.analysis, &self.fields));
        let mut hits = Vec::with_capacity(pass.top.len());
        for (score, address) in pass.top {
            hits.push(self.hit(
                &searcher,
                address,
                score,
                &request.locale,
                highlighter.as_mut(),
            )?);
        }
        let facets = plan
            .count
            .iter()
            .map(|facet| {
                let selected = plan
                    .filters
                    .iter()
                    .find(|(config, _)| config.name == facet.name)
                    .map(|(_, values)| values.as_slice())
                    .unwrap_or_default();
                let counts = tallies.remove(&facet.name).unwrap_or_default();
                (
                    facet.name.clone(),
                    self.facet_values(facet, counts, selected, &request.locale, false),
                )
            })
            .collect();
        Ok(SearchResponse {
            query: request.q.clone(),
            total: pass.total as u64,
            page: request.page,
            per_page: request.per_page,
            took_ms: (started.elapsed().as_secs_f64() * 1e6).round() / 1e3,
            sort,
            matching: matching.to_string(),
            typo_corrected: pass.typo_hits > 0,
            did_you_mean: if pass.total == 0 && !clauses.is_empty() {
                self.did_you_mean(request)?
            } else {
                None
            },
            hits,
            facets,
        })
    }

    /// A respelling of a query that found nothing (its first [`DID_YOU_MEAN_WORDS`] words): each unknown word replaced by the closest
    /// known word, kept only if the respelled query finds something.
    fn did_you_mean(&self, request: &SearchRequest) -> Result<Option<String>> {
        let index = self.suggest_index_or_older()?;
        let mut changed = false;
        let respelled: Vec<String> = request
            .q
            .split_whitespace()
            .enumerate()
            .map(|(position, word)| {
                if position >= DID_YOU_MEAN_WORDS {
                    return word.to_string();
                }
                match index.closest_word(crate::engine::query::parser::trim_word(word)) {
                    Some(closest) => {
                        changed = true;
                        closest
                    }
                    None => word.to_string(),
                }
            })
            .collect();
        if !changed {
            return Ok(None);
        }
        let respelled = respelled.join(" ");
        let retry = SearchRequest {
            q: respelled.clone(),
            per_page: 1,
            page: 1,
            facets: Some(Vec::new()),
            highlight: false,
            ..request.clone()
        };
        let found = self.search_without_respelling(&retry)?;
        Ok((found > 0).then_some(respelled))
    }

    fn search_without_respelling(&self, request: &SearchRequest) -> Result<u64> {
        let plan = self.plan(request)?;
        let searcher = self.searcher();
        let clauses = parse(&request.q);
        let analyzers = self.active_analyzers();
        let builder = self.query_builder(&searcher, &analyzers, request);
        let text = builder.build(&clauses, Matching::AllWords);
        Ok(self
            .collect(
                &searcher,
                &builder,
                text.as_ref(),
                &plan,
                Sort::Relevance,
                0,
                1,
            )?
            .total as u64)
    }

    /// The query builder for a request (typo tolerance and concepts as the request says).
    fn query_builder<'a>(
        &'a self,
        searcher: &'a Searcher,
        analyzers: &'a [String],
        request: &SearchRequest,
    ) -> QueryBuilder<'a> {
        QueryBuilder {
            analysis: &self.analysis,
            catalog: &self.catalog,
            fields: &self.fields,
            analyzers,
            searcher,
            typos: request.typos,
            concepts: request.cross_language.then_some(&self.concepts),
            cognates: request.cross_language,
            cities: self.city_names(searcher),
            doc_freqs: Default::default(),
            automata: Default::default(),
        }
    }

    /// Every facet value with its label and its count over the whole databank.
    pub fn facet_totals(&self, locale: &str) -> Result<(u64, BTreeMap<String, Vec<FacetValue>>)> {
        check_locale(self, locale)?;
        let searcher = self.searcher();
        let names = self
            .catalog
            .schema
            .facets
            .iter()
            .map(|facet| facet.name.clone())
            .collect();
        let counter = DisjunctiveCollector {
            filters: Vec::new(),
            counted: names,
            order: HitOrder::I64Desc(UPDATED_AT),
            offset: 0,
            limit: 0,
            typo_threshold: None,
        };
        let mut tallies = searcher.search(&AllQuery, &counter)?.tallies;
        let facets = self
            .catalog
            .schema
            .facets
            .iter()
            .map(|facet| {
                let counts = tallies.remove(&facet.name).unwrap_or_default();
                let values = self.facet_values(facet, counts, &[], locale, facet.list_empty_values);
                (facet.name.clone(), values)
            })
            .collect();
        Ok((searcher.num_docs(), facets))
    }

    fn plan<'a>(&'a self, request: &SearchRequest) -> Result<Plan<'a>> {
        let q_chars = request.q.chars().count();
        if q_chars > MAX_QUERY_CHARS {
            return Err(Error::param(
                "q",
                format!("q is {q_chars} characters long; the limit is {MAX_QUERY_CHARS}"),
            ));
        }
        if request.page == 0 {
            return Err(Error::param("page", "page starts at 1"));
        }
        if request.per_page == 0 || request.per_page > MAX_PER_PAGE {
            return Err(Error::param(
                "per_page",
                format!("per_page must be 1-{MAX_PER_PAGE}"),
            ));
        }
        if request.page.saturating_mul(request.per_page) > MAX_DEPTH {
            return Err(Error::param(
                "page",
                format!("page * per_page must be at most {MAX_DEPTH}; narrow the search instead"),
            ));
        }
        check_locale(self, &request.locale)?;
        let filter_values: usize = request.filters.values().map(Vec::len).sum();
        if filter_values > MAX_FILTER_VALUES {
            let busiest = request
                .filters
                .iter()
                .max_by_key(|(_, values)| values.len())
                .map(|(name, _)| name.clone())
                .unwrap_or_default();
            return Err(Error::param(
                busiest,
                format!(
                    "{filter_values} filter values; the limit is {MAX_FILTER_VALUES} per search"
                ),
            ));
        }
        let mut filters = Vec::new();
        for (name, values) in &request.filters {
            let facet = self
                .catalog
                .facet(name)
                .ok_or_else(|| Error::param(name.clone(), format!("unknown filter {name:?}")))?;
            let taxonomy = self.catalog.taxonomy(&facet.taxonomy);
            let mut normalized = Vec::new();
            for value in values {
                let value = normalize_value(facet, value);
                if !taxonomy.contains(&value) {
                    return Err(Error::param(
                        name.clone(),
                        invalid_value_message(facet, &value),
                    ));
                }
                if !normalized.contains(&value) {
                    normalized.push(value);
                }
            }
            if !normalized.is_empty() {
                filters.push((facet, normalized));
            }
        }
        let count = match &request.facets {
            None => self
                .catalog
                .schema
                .facets
                .iter()
                .filter(|facet| facet.default)
                .collect(),
            Some(names) => {
                let mut count: Vec<&FacetConfig> = Vec::new();
                for name in names {
                    let facet = self.catalog.facet(name).ok_or_else(|| {
                        let known: Vec<&str> = self
                            .catalog
                            .schema
                            .facets
                            .iter()
                            .map(|f| f.name.as_str())
                            .collect();
                        Error::param(
                            "facets",
                            format!("unknown facet {name:?}; facets are {}", known.join(", ")),
                        )
                    })?;
                    if !count.iter().any(|counted| counted.name == facet.name) {
                        count.push(facet);
                    }
                }
                count
            }
        };
        let year = |value: Option<i64>, param: &str| -> Result<Option<u64>> {
            match value {
                None => Ok(None),
                Some(year) if (0..=9999).contains(&year) => Ok(Some(year as u64)),
                Some(year) => Err(Error::param(param, format!("{year} is not a year"))),
            }
        };
        let year_from = year(request.year_from, "year_from")?;
        let year_to = year(request.year_to, "year_to")?;
        if let (Some(from), Some(to)) = (year_from, year_to) {
            if from > to {
                return Err(Error::param(
                    "year_to",
                    format!("year_to ({to}) is before year_from ({from})"),
                ));
            }
        }
        Ok(Plan {
            filters,
            count,
            year_from,
            year_to,
        })
    }

    /// The documents worth looking at: those matching the text (or all), in the year range,
    /// and failing at most one facet filter (a document failing two counts for nothing).
    fn candidates(&self, text: Option<&dyn Query>, plan: &Plan) -> Box<dyn Query> {
        let mut parts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if let Some(text) = text {
            parts.push((Occur::Must, text.box_clone()));
        }
        if plan.filters.len() >= 2 {
            let filters: Vec<(Occur, Box<dyn Query>)> = plan
                .filters
                .iter()
                .filter_map(|(facet, values)| {
                    let field = *self.fields.facets.get(&facet.name)?;
                    let terms: Vec<Box<dyn Query>> = values
                        .iter()
                        .map(|value| {
                            Box::new(TermQuery::new(
                                Term::from_field_text(field, value),
                                IndexRecordOption::Basic,
                            )) as Box<dyn Query>
                        })
                        .collect();
                    Some((
                        Occur::Should,
                        Box::new(BooleanQuery::union(terms)) as Box<dyn Query>,
                    ))
                })
                .collect();
            let at_least = filters.len() - 1;
            let narrowing = BooleanQuery::with_minimum_required_clauses(filters, at_least);
            parts.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(narrowing), 0.0)),
            ));
        }
        if plan.year_from.is_some() || plan.year_to.is_some() {
            let bound = |year: Option<u64>| match year {
                Some(year) => Bound::Included(Term::from_field_u64(self.fields.start_year, year)),
                None => Bound::Unbounded,
            };
            let range = RangeQuery::new(bound(plan.year_from), bound(plan.year_to));
            parts.push((
                Occur::Must,
                Box::new(ConstScoreQuery::new(Box::new(range), 0.0)),
            ));
        }
        match parts.len() {
            0 => Box::new(AllQuery),
            1 if text.is_some() => parts
                .pop()
                .map_or_else(|| Box::new(AllQuery) as Box<dyn Query>, |(_, query)| query),
            _ => Box::new(BooleanQuery::new(parts)),
        }
    }

    /// One pass: the page, the total and the disjunctive facet counts.
    /// `statistics` gives the term statistics for scoring: the query builder, which looked
    /// most of them up already.
    #[allow(clippy::too_many_arguments)]
    fn collect(
        &self,
        searcher: &Searcher,
        statistics: &dyn Bm25StatisticsProvider,
        text: Option<&TextQuery>,
        plan: &Plan,
        sort: Sort,
        offset: usize,
        limit: usize,
    ) -> Result<DisjunctiveFruit> {
        let collector = DisjunctiveCollector {
            filters: plan
                .filters
                .iter()
                .map(|(facet, values)| FacetFilter {
                    field: facet.name.clone(),
                    values: values.clone(),
                })
                .collect(),
            counted: plan.count.iter().map(|facet| facet.name.clone()).collect(),
            order: match sort {
                Sort::Relevance => HitOrder::Score,
                Sort::Newest => HitOrder::I64Desc(UPDATED_AT),
                Sort::StartYear => HitOrder::U64Desc(START_YEAR),
            },
            offset,
            limit,
            typo_threshold: text
                .filter(|text| text.typo_words > 0)
                .map(|text| text.typo_words as f32 * EXACT_TIER),
        };
        let query = self.candidates(text.map(|text| &*text.query), plan);
        Ok(searcher.search_with_statistics_provider(&*query, &collector, statistics)?)
    }

    fn facet_values(
        &self,
        facet: &FacetConfig,
        mut counts: HashMap<String, u64>,
        selected: &[String],
        locale: &str,
        list_empty: bool,
    ) -> Vec<FacetValue> {
        let taxonomy = self.catalog.taxonomy(&facet.taxonomy);
        for value in selected {
            counts.entry(value.clone()).or_insert(0);
        }
        if list_empty {
            for entry in taxonomy.values() {
                counts.entry(entry.value.clone()).or_insert(0);
            }
        }
        let mut values: Vec<(String, u64)> = counts.into_iter().collect();
        values.sort_by(|a, b| {
            b.1.cmp(&a.1)
                .then_with(|| natural_key(&a.0).cmp(&natural_key(&b.0)))
        });
        values
            .into_iter()
            .map(|(value, count)| FacetValue {
                label: taxonomy.label(&value, locale).to_string(),
                value: typed_value(facet.value_type, &value),
                count,
            })
            .collect()
    }

    pub(crate) fn hit(
        &self,
        searcher: &Searcher,
        address: DocAddress,
        score: f32,
        locale: &str,
        highlighter: Option<&mut Highlighter>,
    ) -> Result<Hit> {
        let source = self.stored_source(searcher, address)?;
        let language = str_field(&source, "language")
            .unwrap_or_default()
            .to_ascii_lowercase();
        let translations = source.get("translations").and_then(Value::as_object);
        let mut languages = vec![language.clone()];
        if let Some(translations) = translations {
            languages.extend(translations.keys().map(|code| code.to_ascii_lowercase()));
        }
        let translation = translations
            .filter(|_| locale != language)
            .and_then(|translations| {
                translations
                    .iter()
                    .find(|(code, _)| code.eq_ignore_ascii_case(locale))
                    .and_then(|(_, texts)| texts.as_object())
            });
        let (shown_language, texts) = match translation {
            Some(texts) => (locale.to_string(), texts),
            None => (language.clone(), &source),
        };
        let title = str_field(texts, "title").unwrap_or_default();
        let summary = str_field(texts, "summary");
        let description = str_field(texts, "description");
        let highlights = match highlighter {
            Some(highlighter) => highlighter.highlight(
                &shown_language,
                &[
                    ("title", Some(title.as_str())),
                    ("summary", summary.as_deref()),
                    ("description", description.as_deref()),
                ],
            ),
            None => Map::new(),
        };
        Ok(Hit {
            id: str_field(&source, "id").unwrap_or_default(),
            score,
            title,
            summary,
            city: str_field(&source, "city").unwrap_or_default(),
            country: str_field(&source, "country")
                .unwrap_or_default()
                .trim()
                .to_ascii_uppercase(),
            language,
            shown_language,
            themes: str_array(&source, "themes"),
            sdgs: u64_array(&source, "sdgs"),
            target_groups: str_array(&source, "target_groups"),
            charter_principles: u64_array(&source, "charter_principles"),
            start_year: source.get("start_year").and_then(Value::as_u64),
            url: str_field(&source, "url"),
            updated_at: str_field(&source, "updated_at"),
            languages,
            highlights,
        })
    }
}

pub(crate) fn check_locale(databank: &Databank, locale: &str) -> Result<()> {
    if databank.catalog.languages().contains(locale) {
        Ok(())
    } else {
        Err(Error::param(
            "locale",
            format!("{locale:?} is not an ISO 639-1 language code (such as en, es, ko)"),
        ))
    }
}

fn normalize_value(facet: &FacetConfig, value: &str) -> String {
    let value = value.trim();
    match (facet.value_type, facet.taxonomy.as_str()) {
        (ValueType::Integer, _) => value
            .parse::<u64>()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| value.to_string()),
        (_, "countries") => value.to_ascii_uppercase(),
        _ => value.to_ascii_lowercase(),
    }
}

fn invalid_value_message(facet: &FacetConfig, value: &str) -> String {
    match facet.taxonomy.as_str() {
        "sdgs" => format!("{value:?} is not an SDG (1-17)"),
        "principles" => format!("{value:?} is not a Charter principle (1-20)"),
        "countries" => format!("{value:?} is not an ISO 3166-1 alpha-2 country code"),
        "languages" => format!("{value:?} is not an ISO 639-1 language code"),
        other => format!(
            "{value:?} is not a known {} value (see {other}.json)",
            facet.name
        ),
    }
}

fn typed_value(value_type: ValueType, value: &str) -> Value {
    match value_type {
        ValueType::Integer => value
            .parse::<u64>()
            .map(Value::from)
            .unwrap_or_else(|_| Value::from(value)),
        ValueType::String => Value::from(value),
    }
}

/// Orders numbers numerically and text alphabetically.
fn natural_key(value: &str) -> (u64, &str) {
    (value.parse::<u64>().unwrap_or(u64::MAX), value)
}

fn str_field(map: &Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_string)
}

fn str_array(map: &Map<String, Value>, key: &str) -> Vec<String> {
    map.get(key)
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(Value::as_str)
                .map(|s| s.trim().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn u64_array(map: &Map<String, Value>, key: &str) -> Vec<u64> {
    // Duplicates removed (contract), the first occurrence keeping its place.
    let mut numbers: Vec<u64> = Vec::new();
    for number in map
        .get(key)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_u64)
    {
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    numbers
}
