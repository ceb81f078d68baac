//! Staff bulk loading through the real server: the three formats, validation reports, abort /
//! skip / dry run, upsert counts, duplicates, deletes, auth, limits.

mod common;

use common::{document, ids, Server};
use serde_json::{json, Value};

const TOKEN: &str = "s3cret-staff-token";

/// A change that breaks one rule of a valid document.
type Mutation = Box<dyn Fn(&mut Value)>;

fn ndjson(documents: &[Value]) -> Vec<u8> {
    documents
        .iter()
        .map(|d| format!("{d}\n"))
        .collect::<String>()
        .into_bytes()
}

fn bulk(server: &Server, query: &str, documents: &[Value]) -> (u16, Value) {
    server.post_raw(
        &format!("/v1/initiatives/bulk{query}"),
        "application/x-ndjson",
        ndjson(documents),
        Some(TOKEN),
    )
}

/// Posts a CSV body to `path` with the token.
fn post_csv(server: &Server, path: &str, body: &str) -> (u16, Value) {
    server.post_raw(path, "text/csv", body.as_bytes().to_vec(), Some(TOKEN))
}

fn garden(id: &str, title: &str) -> Value {
    let mut doc = document(
        id,
        Some("en"),
        title,
        "Pupils grow vegetables in the school garden with their families.",
    );
    doc["sdgs"] = json!([4, 15]);
    doc
}

#[test]
fn ndjson_json_and_csv_bodies_are_loaded() {
    let server = Server::empty_with_token(TOKEN);
    let (status, report) = bulk(
        &server,
        "",
        &[
            garden("a", "School garden in Leeds"),
            garden("b", "Rooftop garden"),
        ],
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["received"].as_u64(), report["created"].as_u64()),
        (Some(2), Some(2))
    );
    assert_eq!(report["committed"], true);
    // Visible to searches as soon as the answer came.
    assert_eq!(server.search("q=garden")["total"], 2);

    let body = serde_json::to_vec(&json!([garden("c", "Garden of senses")])).unwrap();
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/json",
        body,
        Some(TOKEN),
    );
    assert_eq!(
        (status, report["created"].as_u64()),
        (200, Some(1)),
        "{report}"
    );

    // A spreadsheet export: BOM, `;` delimiter, quoted multi-line cell, multi-values, translation.
    let csv = "\u{feff}id;title;description;city;country;themes;sdgs;language;title_en\r\n\
               es-csv-1;Huerto escolar;\"Primera línea;\r\nsegunda línea\";Valencia;es;\"environment;school-community\";4|11;es;School garden\r\n";
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "text/csv; charset=utf-8",
        csv.as_bytes().to_vec(),
        Some(TOKEN),
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 1);
    assert_eq!(report["encoding"], "UTF-8");
    let (_, stored) = server.get("/v1/initiatives/es-csv-1");
    assert_eq!(stored["description"], "Primera línea;\r\nsegunda línea");
    assert_eq!(stored["themes"], json!(["environment", "school-community"]));
    assert_eq!(stored["sdgs"], json!([4, 11]));
    assert_eq!(stored["translations"]["en"]["title"], "School garden");
    assert_eq!(ids(&server.search("q=huerto&country=ES")), ["es-csv-1"]);
}

#[test]
fn legacy_code_page_csv_is_transcoded_and_reported() {
    let server = Server::empty_with_token(TOKEN);
    let mut body = b"id,title,description,city,country,themes\n".to_vec();
    body.extend_from_slice(
        b"fr-1,\xc9cole ouverte,L'\xe9cole du quartier ouvre le mercredi.,Lyon,FR,culture\n",
    );
    let (status, report) = server.post_raw("/v1/initiatives/bulk", "text/csv", body, Some(TOKEN));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["encoding"], "windows-1252");
    let (_, stored) = server.get("/v1/initiatives/fr-1");
    assert_eq!(stored["title"], "École ouverte");

    // A Russian spreadsheet's "CSV" is in Windows-1251: read as such, and said so.
    let text = "id;title;description;city;country;themes\r\nru-1;Детский совет Самары;Школьники Самары обсуждают городские проблемы.;Самара;RU;citizen-participation\r\n";
    let body: Vec<u8> = text
        .chars()
        .map(|c| match c {
            'А'..='я' => (c as u32 - 'А' as u32 + 0xC0) as u8,
            _ => c as u8,
        })
        .collect();
    let (status, report) = server.post_raw("/v1/initiatives/bulk", "text/csv", body, Some(TOKEN));
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["encoding"], "windows-1251");
    let (_, stored) = server.get("/v1/initiatives/ru-1");
    assert_eq!(stored["title"], "Детский совет Самары");
    assert_eq!(
        (&stored["language"], &stored["language_detected"]),
        (&json!("ru"), &json!(true))
    );
}

#[test]
fn spreadsheet_leftovers_are_reported_not_stored() {
    // A title row above the header, a formula that failed (`#N/A`, Spanish `#¡VALOR!`), a
    // workbook sent as it was saved.
    let server = Server::empty_with_token(TOKEN);
    let body = "Prácticas 2026;;;;;\r\nExportado:;2026-05-01;Ajuntament;;;\r\n;;;;;\r\n\
                Información básica;;;Localización;;Clasificación\r\n\
                id;title;description;city;country;themes\r\n\
                f-4;Huertos;#N/A;Vigo;ES;environment\r\n\
                f-5;Patios;Patios abiertos.;#¡VALOR!;ES;environment\r\n\
                f-6;Caminos;Caminos escolares.;Vigo;ES;mobility\r\n";
    let (status, report) = post_csv(&server, "/v1/initiatives/bulk?on_error=skip", body);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 1);
    let rejected: Vec<(u64, String)> = report["rejected"]
        .as_array()
        .expect("rejected")
        .iter()
        .map(|row| {
            (
                row["line"].as_u64().unwrap_or_default(),
                row["errors"][0]["field"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        rejected,
        [(6, "description".to_string()), (7, "city".to_string())]
    );
    assert!(report["rejected"][0]["errors"][0]["message"]
        .as_str()
        .is_some_and(|message| message.contains("#N/A")));
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/vnd.ms-excel",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml".to_vec(),
        Some(TOKEN),
    );
    assert_eq!(status / 100, 4, "{report}");
    assert!(report["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("CSV UTF-8")));
    // A sheet sorted together with its header row: the rows above the header are data, and
    // the whole body is refused (skipping them would lose them without a word).
    let sorted = "f-7,Huertos,Huertos.,Vigo,ES,environment\n\
                  id,title,description,city,country,themes\n\
                  f-8,Patios,Patios.,Vigo,ES,environment\n";
    let (status, report) = post_csv(&server, "/v1/initiatives/bulk?on_error=skip", sorted);
    assert_eq!(status, 400, "{report}");
    let message = report["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("row 1") && message.contains("row 2"),
        "{message}"
    );
    assert_eq!(server.get("/v1/initiatives/f-8").0, 404);
    // A misspelt column (`colour`) is reported on every row, whether its cell is empty or not.
    let misspelt = "id,title,description,city,country,themes,colour\n\
                    f-9,Huertos,Huertos.,Vigo,ES,environment,\n\
                    f-10,Patios,Patios.,Vigo,ES,environment,verde\n\
                    f-12,Caminos,Caminos.,Vigo,ES,mobility\n";
    let (status, report) = post_csv(&server, "/v1/initiatives/bulk?on_error=skip", misspelt);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 0, "{report}");
    for row in report["rejected"].as_array().expect("rejected") {
        assert_eq!(row["errors"][0]["field"], "colour", "{report}");
    }
    assert_eq!(report["rejected"].as_array().map(Vec::len), Some(3));
    // A column empty throughout holds nothing to lose (Excel names a table's blank headers).
    let blank_column = "id,title,description,city,country,themes,Column1\n\
                        f-11,Huertos,Huertos.,Vigo,ES,environment,\n";
    let (status, report) = post_csv(&server, "/v1/initiatives/bulk", blank_column);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 1, "{report}");
}

#[test]
fn abort_skip_and_dry_run() {
    let server = Server::empty_with_token(TOKEN);
    let mut bad = garden("bad", "Broken");
    bad["sdgs"] = json!([4, 18]);
    bad["country"] = json!("ZZ");
    let batch = [
        garden("ok-1", "First garden"),
        bad,
        garden("ok-2", "Second garden"),
    ];

    let (status, report) = bulk(&server, "", &batch);
    assert_eq!(status, 422, "{report}");
    assert_eq!(report["error"]["code"], "invalid_documents");
    assert_eq!(report["committed"], false);
    assert_eq!(report["created"], 0, "nothing was created");
    let rejected = report["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(rejected[0]["line"], 2);
    assert_eq!(rejected[0]["id"], "bad");
    let fields: Vec<&str> = rejected[0]["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"sdgs[2]") && fields.contains(&"country"),
        "{fields:?}"
    );
    assert_eq!(server.search("")["total"], 0, "abort wrote something");

    let (status, report) = bulk(&server, "?dry_run=true&on_error=skip", &batch);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 2);
    assert_eq!(report["committed"], false);
    assert_eq!(report["rejected"].as_array().unwrap().len(), 1);
    assert_eq!(server.search("")["total"], 0, "dry run wrote something");

    let (status, report) = bulk(&server, "?on_error=skip", &batch);
    assert_eq!(status, 200, "{report}");
    assert_eq!(
        (report["created"].as_u64(), report["committed"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(server.search("")["total"], 2);

    let (status, report) = bulk(&server, "?on_error=maybe", &batch);
    assert_eq!(
        (status, report["error"]["param"].as_str()),
        (400, Some("on_error"))
    );
}

#[test]
fn upsert_counts_created_updated_unchanged_and_duplicates() {
    let server = Server::empty_with_token(TOKEN);
    let (_, report) = bulk(
        &server,
        "",
        &[garden("x", "Garden X"), garden("y", "Garden Y")],
    );
    assert_eq!(report["created"], 2);
    let (_, report) = bulk(
        &server,
        "",
        &[garden("x", "Garden X"), garden("y", "Garden Y")],
    );
    assert_eq!(
        (
            report["created"].as_u64(),
            report["updated"].as_u64(),
            report["unchanged"].as_u64()
        ),
        (Some(0), Some(0), Some(2))
    );
    let (_, report) = bulk(
        &server,
        "",
        &[garden("x", "Garden X renamed"), garden("y", "Garden Y")],
    );
    assert_eq!(
        (report["updated"].as_u64(), report["unchanged"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(
        server.get("/v1/initiatives/x").1["title"],
        "Garden X renamed"
    );
    assert_eq!(server.search("")["total"], 2);

    let (status, report) = bulk(
        &server,
        "",
        &[
            garden("z", "First version"),
            garden("w", "Other"),
            garden("z", "Second version"),
        ],
    );
    assert_eq!(status, 200);
    assert_eq!(report["created"], 2);
    assert_eq!(
        report["duplicates"],
        json!([{"id": "z", "lines": [1, 3], "kept_line": 3}])
    );
    assert_eq!(server.get("/v1/initiatives/z").1["title"], "Second version");

    // The last row of an id wins even when it is invalid: with `on_error=skip`, the earlier
    // row is not written in its place.
    let mut broken = garden("v", "Fixed version");
    broken["sdgs"] = json!([18]);
    let (status, report) = bulk(
        &server,
        "?on_error=skip",
        &[garden("v", "Old version"), garden("u", "Other"), broken],
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["created"], 1);
    assert_eq!(report["rejected"][0]["line"], 3);
    assert_eq!(
        report["duplicates"],
        json!([{"id": "v", "lines": [1, 3], "kept_line": 3}])
    );
    assert_eq!(server.get("/v1/initiatives/v").0, 404);
}

#[test]
fn delete_then_404() {
    let server = Server::empty_with_token(TOKEN);
    bulk(
        &server,
        "",
        &[
            garden("gone", "Garden to delete"),
            garden("kept", "Garden kept"),
        ],
    );
    let (status, _) = server.delete("/v1/initiatives/gone", Some(TOKEN));
    assert_eq!(status, 204);
    let (status, body) = server.delete("/v1/initiatives/gone", Some(TOKEN));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    assert_eq!(server.get("/v1/initiatives/gone").0, 404);
    assert_eq!(ids(&server.search("q=garden")), ["kept"]);
    let (status, _) = server.delete("/v1/initiatives/kept", None);
    assert_eq!(status, 401);
}

#[test]
fn auth_cases() {
    let server = Server::empty_with_token(TOKEN);
    let body = ndjson(&[garden("a", "Garden")]);
    let (status, error) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body.clone(),
        None,
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (401, Some("unauthorized"))
    );
    let (status, error) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body.clone(),
        Some("wrong"),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (403, Some("forbidden"))
    );
    assert_eq!(server.search("")["total"], 0);

    // No token configured: writes are refused with how to configure one; search stays public.
    let open = Server::with_seed();
    let (status, error) = open.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body,
        Some("anything"),
    );
    assert_eq!(status, 403);
    assert!(error["error"]["message"]
        .as_str()
        .unwrap()
        .contains("DATABANK_ADMIN_TOKEN"));
    assert_eq!(open.delete("/v1/initiatives/x", Some("anything")).0, 403);
    assert!(open.search("q=garden")["total"].as_u64().unwrap() > 0);
}

#[test]
fn bodies_that_cannot_be_read_are_reported_not_500() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(dir, &["--no-seed", "--bulk-limit", "2000"], Some(TOKEN));
    let (status, error) = server.post_raw(
        "/v1/initiatives/bulk",
        "text/plain",
        b"hello".to_vec(),
        Some(TOKEN),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );
    // A compressed body is refused naming its coding, not read as text.
    let response = reqwest::blocking::Client::new()
        .post(format!("{}/v1/initiatives/bulk", server.base))
        .header("content-type", "application/x-ndjson")
        .header("content-encoding", "gzip")
        .bearer_auth(TOKEN)
        .body(vec![0x1f, 0x8b, 0x08, 0x00])
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    let error: serde_json::Value = response.json().unwrap();
    assert!(error["error"]["message"]
        .as_str()
        .is_some_and(|message| message.contains("gzip")));
    let (status, error) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        vec![b'x'; 5000],
        Some(TOKEN),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (413, Some("payload_too_large"))
    );
    let (status, error) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/json",
        b"[{\"id\": ".to_vec(),
        Some(TOKEN),
    );
    assert_eq!(
        (status, error["error"]["code"].as_str()),
        (400, Some("invalid_body"))
    );
    let mut body = ndjson(&[garden("fine", "Garden")]);
    body.extend_from_slice(b"{\"id\": \"\xff\xfe\"}\nnot json\n");
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body,
        Some(TOKEN),
    );
    assert_eq!(status, 422, "{report}");
    let lines: Vec<u64> = report["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3]);
}

/// Every rule of contract section 1: a valid document with one thing wrong is rejected, and
/// the report names the field.
#[test]
fn each_validation_rule_names_its_field() {
    let server = Server::empty_with_token(TOKEN);
    let next_year = time_now_year() + 1;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "id",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("id");
            }),
        ),
        ("id", Box::new(|d| d["id"] = json!("has space"))),
        ("id", Box::new(|d| d["id"] = json!("x".repeat(129)))),
        ("id", Box::new(|d| d["id"] = json!(17))),
        ("title", Box::new(|d| d["title"] = json!("   "))),
        ("title", Box::new(|d| d["title"] = json!("t".repeat(501)))),
        (
            "summary",
            Box::new(|d| d["summary"] = json!("s".repeat(2001))),
        ),
        (
            "description",
            Box::new(|d| {
                d.as_object_mut().unwrap().remove("description");
            }),
        ),
        (
            "description",
            Box::new(|d| d["description"] = json!("d".repeat(100_001))),
        ),
        ("language", Box::new(|d| d["language"] = json!("spanish"))),
        (
            "translations.xx",
            Box::new(|d| d["translations"] = json!({"xx": {"title": "t"}})),
        ),
        (
            "translations.fr.title",
            Box::new(|d| d["translations"] = json!({"fr": {"summary": "no title"}})),
        ),
        (
            "translations.en",
            Box::new(|d| d["translations"] = json!({"en": {"title": "same language"}})),
        ),
        ("city", Box::new(|d| d["city"] = json!(""))),
        ("city", Box::new(|d| d["city"] = json!("c".repeat(201)))),
        ("country", Box::new(|d| d["country"] = json!("ZZ"))),
        ("themes", Box::new(|d| d["themes"] = json!([]))),
        (
            "themes[1]",
            Box::new(|d| d["themes"] = json!(["gardening"])),
        ),
        ("sdgs[1]", Box::new(|d| d["sdgs"] = json!([18]))),
        ("sdgs[2]", Box::new(|d| d["sdgs"] = json!([4, "four"]))),
        (
            "target_groups[1]",
            Box::new(|d| d["target_groups"] = json!(["kids"])),
        ),
        (
            "charter_principles[1]",
            Box::new(|d| d["charter_principles"] = json!([21])),
        ),
        ("start_year", Box::new(|d| d["start_year"] = json!(1899))),
        (
            "start_year",
            Box::new(move |d| d["start_year"] = json!(next_year + 1)),
        ),
        ("url", Box::new(|d| d["url"] = json!("ftp://example.org/x"))),
        ("url", Box::new(|d| d["url"] = json!("not a url"))),
        (
            "updated_at",
            Box::new(|d| d["updated_at"] = json!("yesterday")),
        ),
        ("colour", Box::new(|d| d["colour"] = json!("green"))),
    ];
    for (field, mutate) in &cases {
        let mut doc = garden("rule-test", "Rule test");
        mutate(&mut doc);
        let (status, report) = bulk(&server, "?dry_run=true", &[doc]);
        assert_eq!(status, 422, "{field}: {report}");
        let fields: Vec<&str> = report["rejected"][0]["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
        assert!(
            fields.contains(field),
            "expected an error on {field}, got {fields:?}"
        );
    }
    // The unknown theme's message lists the valid codes.
    let mut doc = garden("t", "T");
    doc["themes"] = json!(["gardening"]);
    let (_, report) = bulk(&server, "?dry_run=true", &[doc]);
    assert!(report["rejected"][0]["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("school-community"));
    // Boundaries that are fine: 128-char id, this year + 1, lowercase country, duplicate SDGs.
    let mut doc = garden(&"i".repeat(128), "Boundaries");
    doc["start_year"] = json!(next_year);
    doc["country"] = json!("es");
    doc["sdgs"] = json!([4, 4]);
    doc["charter_principles"] = json!([20, 20, 3]);
    doc["translations"] = json!({"ES": {"title": "Límites"}});
    let (status, report) = bulk(&server, "", &[doc]);
    assert_eq!(status, 200, "{report}");
    let (_, stored) = server.get(&format!("/v1/initiatives/{}", "i".repeat(128)));
    // Contract: country "case-insensitive on input, stored uppercase"; SDGs "duplicates
    // removed"; a translation is keyed by its language code as the index has it.
    assert_eq!(stored["country"], "ES");
    assert_eq!(stored["sdgs"], json!([4]));
    assert_eq!(stored["charter_principles"], json!([20, 3]));
    assert_eq!(stored["translations"], json!({"es": {"title": "Límites"}}));
    let hit = &server.search("q=boundaries")["hits"][0];
    assert_eq!(hit["country"], "ES");
}

fn time_now_year() -> i64 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    1970 + seconds / 31_556_952
}

#[test]
fn json_array_elements_and_utf16_csv_rows_are_numbered_as_staff_see_them() {
    let server = Server::empty_with_token(TOKEN);
    let mut bad = garden("second", "Second");
    bad["themes"] = json!(["unknown-theme"]);
    let body = serde_json::to_vec(&json!([garden("first", "First"), bad])).unwrap();
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/json",
        body,
        Some(TOKEN),
    );
    assert_eq!(status, 422);
    assert_eq!(report["rejected"][0]["line"], 2);
    assert_eq!(report["rejected"][0]["errors"][0]["field"], "themes[1]");

    // UTF-16 with a BOM (a spreadsheet's "Unicode text"), tab-separated; a bad row on line 3.
    let text = "id\ttitle\tdescription\tcity\tcountry\tthemes\n\
                u16-1\tÉducation populaire\tAteliers du soir.\tNantes\tFR\tculture\n\
                u16-2\tMauvais pays\tTexte.\tNantes\tXX\tculture\n";
    let mut body = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        body.extend_from_slice(&unit.to_le_bytes());
    }
    let (status, report) = server.post_raw(
        "/v1/initiatives/bulk?on_error=skip",
        "text/csv",
        body,
        Some(TOKEN),
    );
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["encoding"], "UTF-16LE");
    assert_eq!(report["created"], 1);
    assert_eq!(report["rejected"][0]["line"], 3);
    assert_eq!(report["rejected"][0]["errors"][0]["field"], "country");
    assert_eq!(
        server.get("/v1/initiatives/u16-1").1["title"],
        "Éducation populaire"
    );
}

#[test]
fn the_token_can_come_from_a_file() {
    let token_file = tempfile::NamedTempFile::new().unwrap();
    // Saved by Notepad: a byte-order mark and CRLF, neither part of the token.
    std::fs::write(token_file.path(), "\u{feff}file-token\r\n").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_with(
        dir,
        &[
            "--no-seed",
            "--admin-token-file",
            token_file.path().to_str().unwrap(),
        ],
        None,
    );
    let body = ndjson(&[garden("f", "From file")]);
    let (status, _) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body.clone(),
        Some("file-token"),
    );
    assert_eq!(status, 200);
    let (status, _) = server.post_raw(
        "/v1/initiatives/bulk",
        "application/x-ndjson",
        body,
        Some(TOKEN),
    );
    assert_eq!(status, 403);
}

#[test]
fn a_dry_run_asked_for_ambiguously_writes_nothing() {
    let server = Server::empty_with_token(TOKEN);
    let batch = [garden("dry-1", "School garden")];
    // A bare flag, an empty value, a misspelt or unknown parameter: 400, nothing written.
    for query in [
        "?dry_run",
        "?dry_run=",
        "?DRY_RUN=true",
        "?dryrun=true",
        "?dry-run=1",
        "?dry_run=true&dry_run=false",
    ] {
        let (status, report) = bulk(&server, query, &batch);
        assert_eq!(status, 400, "{query}: {report}");
        assert_eq!(report["error"]["code"], "invalid_parameter", "{query}");
        assert!(report["error"]["param"].is_string(), "{query}: {report}");
    }
    assert_eq!(server.search("facets=")["total"], 0);
    // Case does not matter in the value.
    let (status, report) = bulk(&server, "?dry_run=TRUE", &batch);
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["dry_run"], true);
    assert_eq!(server.search("facets=")["total"], 0);
    let (status, _) = bulk(&server, "?dry_run=False", &batch);
    assert_eq!(status, 200);
    assert_eq!(ids(&server.search("facets=")), ["dry-1"]);
}

#[test]
fn an_initiative_whose_id_is_bulk_is_reachable() {
    let server = Server::empty_with_token(TOKEN);
    let (status, report) = bulk(&server, "", &[garden("bulk", "A garden named bulk")]);
    assert_eq!(status, 200, "{report}");
    let (status, stored) = server.get("/v1/initiatives/bulk");
    assert_eq!(status, 200, "{stored}");
    assert_eq!(stored["title"], "A garden named bulk");
    let (status, _) = server.delete("/v1/initiatives/bulk", Some(TOKEN));
    assert_eq!(status, 204);
    let (status, missing) = server.get("/v1/initiatives/bulk");
    assert_eq!(status, 404, "{missing}");
    let (status, _) = server.delete("/v1/initiatives/bulk", None);
    assert_eq!(status, 401);
}
