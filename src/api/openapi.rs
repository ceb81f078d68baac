//! `/openapi.json`: the OpenAPI 3.1 description of the API, generated from the code. Every
//! route is registered through `utoipa_axum::routes!`, so a handler without its `#[utoipa::path]`
//! does not compile into the router, and the document cannot miss a route. This module holds the
//! document's frame and the shapes that exist only on the wire (parameters, error bodies).

#![allow(dead_code)] // The structs below describe the wire; the handlers read raw parameters.

use serde::Serialize;
use utoipa::{IntoParams, OpenApi, ToSchema};

/// The document's frame; paths are added by the router.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "databank",
        description = "Search the good practices of educating cities: multilingual full text, disjunctive facets, staff bulk loading.",
        license(name = "MIT")
    ),
    tags(
        (name = "search", description = "Public, read-only"),
        (name = "staff", description = "Writes; `Authorization: Bearer <token>`"),
        (name = "operations", description = "Probes, metrics, this document")
    ),
    modifiers(&BearerAuth)
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Every error: `{"error": {"code", "message", "param"?}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// The error.
    pub error: ErrorDetail,
}

/// What went wrong.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// `invalid_parameter`, `invalid_body`, `unauthorized`, `forbidden`, `not_found`,
    /// `method_not_allowed`, `payload_too_large`, `unsupported_media_type`, `invalid_documents`,
    /// `rate_limited`, `busy`, `timeout`, `index_locked`, `internal`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The parameter at fault, for `invalid_parameter`.
    pub param: Option<String>,
}

/// Search parameters (query string for GET; the same names in a JSON object for POST; repeated
/// parameters, JSON arrays and comma lists all give several values).
#[derive(Serialize, IntoParams, ToSchema)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text, ≤ 1,000 characters; `"..."` is a phrase, `-word` excludes; never a syntax error.
    pub q: Option<String>,
    /// ISO 3166-1 alpha-2 codes (OR within, AND across facets).
    pub country: Option<Vec<String>>,
    /// Theme codes.
    pub theme: Option<Vec<String>>,
    /// SDG numbers 1-17.
    #[param(minimum = 1, maximum = 17)]
    #[schema(minimum = 1, maximum = 17)]
    pub sdg: Option<Vec<u32>>,
    /// ISO 639-1 codes.
    pub language: Option<Vec<String>>,
    /// Target-group codes.
    pub target_group: Option<Vec<String>>,
    /// Charter principle numbers 1-20.
    #[param(minimum = 1, maximum = 20)]
    #[schema(minimum = 1, maximum = 20)]
    pub principle: Option<Vec<u32>>,
    /// Inclusive lower bound on `start_year`.
    pub year_from: Option<i32>,
    /// Inclusive upper bound on `start_year`.
    pub year_to: Option<i32>,
    /// `relevance` (default with `q`), `newest` (default without), `start_year`.
    pub sort: Option<String>,
    /// 1-based page; `page * per_page` ≤ 10,000.
    #[param(minimum = 1)]
    #[schema(minimum = 1)]
    pub page: Option<u32>,
    /// Hits per page, 1-100 (default 20).
    #[param(minimum = 1, maximum = 100)]
    #[schema(minimum = 1, maximum = 100)]
    pub per_page: Option<u32>,
    /// Language of labels and of the text shown (`en` default).
    pub locale: Option<String>,
    /// Comma list of facets to count (default `country,theme,sdg,language`; empty = none).
    pub facets: Option<String>,
    /// Highlights in hits (default true).
    pub highlight: Option<bool>,
    /// Typo tolerance (default true).
    pub typos: Option<bool>,
    /// Cross-language expansion through concepts (default true).
    pub cross_language: Option<bool>,
}

/// `locale` alone.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocaleParams {
    /// Language of labels (`en` default).
    pub locale: Option<String>,
}

/// Parameters of `/v1/initiatives/{id}/similar`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SimilarParams {
    /// How many (default 10, max 100).
    pub per_page: Option<u32>,
    /// Language of the text shown.
    pub locale: Option<String>,
}

/// Parameters of `/v1/suggest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestParams {
    /// The prefix typed so far.
    pub q: Option<String>,
    /// Language of concept suggestions.
    pub locale: Option<String>,
}

/// Parameters of `/v1/initiatives/bulk`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BulkParams {
    /// Validate only; nothing is written.
    pub dry_run: Option<bool>,
    /// `abort` (default: nothing is written if any row is invalid) or `skip`.
    pub on_error: Option<String>,
}

/// The answer of `/v1/suggest`.
#[derive(Serialize, ToSchema)]
pub struct Suggestions {
    /// At most 10.
    pub suggestions: Vec<crate::engine::suggest::Suggestion>,
}

/// The answer of `/v1/initiatives/{id}/similar`.
#[derive(Serialize, ToSchema)]
pub struct SimilarHits {
    /// Related initiatives, never the one asked about.
    pub hits: Vec<crate::engine::Hit>,
}

/// The answer of `/v1/facets`.
#[derive(Serialize, ToSchema)]
pub struct FacetTotals {
    /// Initiatives in the index.
    pub total: u64,
    /// Every value of every facet with its label and count.
    pub facets: std::collections::BTreeMap<String, Vec<crate::engine::search::FacetValue>>,
    /// When the index was last committed (RFC 3339, UTC); `null` before the first commit.
    pub last_commit: Option<String>,
}

/// The answer of `/healthz` and `/readyz`.
#[derive(Serialize, ToSchema)]
pub struct Status {
    /// `ok` or `ready`.
    pub status: String,
    /// Initiatives in the index (`/readyz`).
    pub documents: Option<u64>,
}

/// The answer of `/v1/admin/reindex`.
#[derive(Serialize, ToSchema)]
pub struct Reindexed {
    /// Initiatives rebuilt.
    pub reindexed: u64,
    /// Time taken.
    pub took_ms: u64,
}

/// The bulk report: counts, the rejected rows with every error, the encoding read.
#[derive(Serialize, ToSchema)]
pub struct BulkReport {
    #[serde(flatten)]
    pub summary: crate::engine::LoadSummary,
    /// The encoding read: `UTF-8`, `UTF-16LE`, `UTF-16BE` (with a byte-order mark),
    /// `windows-1252`, or `UTF-8 (with some Windows-1252 bytes)`.
    pub encoding: String,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// With 422: what went wrong.
    pub error: Option<ErrorDetail>,
}

/// A stored initiative exactly as loaded (plus `language_detected` / `updated_at`).
#[derive(Serialize, ToSchema)]
#[schema(value_type = InitiativeFields)]
pub struct Initiative(serde_json::Map<String, serde_json::Value>);

/// The fields of an initiative (contract section 1), as loaded and as stored.
#[derive(Serialize, ToSchema)]
pub struct InitiativeFields {
    /// Unique id: 1-128 characters of `[A-Za-z0-9._:-]`; the upsert key.
    pub id: String,
    /// Title (≤ 500 characters).
    pub title: String,
    /// Short summary (≤ 2,000 characters).
    pub summary: Option<String>,
    /// Full text (≤ 100,000 characters).
    pub description: String,
    /// ISO 639-1 code, lowercase; detected from the text when absent.
    pub language: Option<String>,
    /// `true` when the server detected `language`.
    pub language_detected: Option<bool>,
    /// Other-language versions, keyed by ISO 639-1 code.
    pub translations: Option<std::collections::BTreeMap<String, TranslationFields>>,
    /// City name.
    pub city: String,
    /// ISO 3166-1 alpha-2 code, uppercase.
    pub country: String,
    /// Theme codes (at least one).
    pub themes: Vec<String>,
    /// SDG numbers, 1-17, without duplicates.
    #[schema(minimum = 1, maximum = 17)]
    pub sdgs: Option<Vec<u32>>,
    /// Target-group codes.
    pub target_groups: Option<Vec<String>>,
    /// Charter principle numbers, 1-20, without duplicates.
    #[schema(minimum = 1, maximum = 20)]
    pub charter_principles: Option<Vec<u32>>,
    /// Year it started (1900 to next year).
    pub start_year: Option<u32>,
    /// Who runs it.
    pub promoter: Option<String>,
    /// Its web page (absolute http(s) URL).
    pub url: Option<String>,
    /// Last update (RFC 3339); set by the server when absent.
    pub updated_at: Option<String>,
}

/// An other-language version of an initiative.
#[derive(Serialize, ToSchema)]
pub struct TranslationFields {
    /// Title.
    pub title: String,
    /// Summary.
    pub summary: Option<String>,
    /// Full text.
    pub description: Option<String>,
}

/// Answers every operation can give besides its own: 405 (another method; `Allow` lists the
/// right ones) and 415 (a compressed body), and 400 on a path parameter that is not UTF-8,
/// with the JSON error body — added to the generated document so no operation omits them.
pub fn add_common_responses(document: &mut serde_json::Value) {
    let error = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        })
    };
    let Some(paths) = document
        .get_mut("paths")
        .and_then(|paths| paths.as_object_mut())
    else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            if !matches!(method.as_str(), "get" | "post" | "put" | "delete" | "patch") {
                continue;
            }
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(|responses| responses.as_object_mut())
            else {
                continue;
            };
            responses.entry("405").or_insert_with(|| {
                error("Method not allowed for this path; the `Allow` header lists the methods")
            });
            responses.entry("415").or_insert_with(|| {
                error("The request body has a Content-Encoding (bodies are read uncompressed)")
            });
            if path.contains('{') {
                responses.entry("400").or_insert_with(|| {
                    error("A path parameter that is not valid UTF-8 once decoded")
                });
            }
        }
    }
}
