//! Per-language analysis through the real server: stemming in each language, accent folding,
//! Korean inside longer runs, translations indexed in their own language.

mod common;

use common::{document, ids, Server};
use serde_json::{json, Value};

fn fixtures() -> Vec<Value> {
    let mut translated = document(
        "ca-girona-patis-oberts",
        Some("ca"),
        "Patis escolars oberts al barri els caps de setmana",
        "L'Ajuntament obre els patis de les escoles públiques els dissabtes perquè les famílies hi juguin.",
    );
    translated["translations"] = json!({"en": {
        "title": "Open schoolyards for the neighbourhood at weekends",
        "summary": "Public school playgrounds open to families on Saturdays.",
        "description": "The city opens public school playgrounds on Saturdays so that families can play there, supervised by youth monitors."
    }});
    vec![
        document(
            "es-huerto",
            Some("es"),
            "Un huerto comunitario en el barrio",
            "Las vecinas cultivan un huerto junto al centro cívico.",
        ),
        document(
            "es-educacion",
            Some("es"),
            "Educación ambiental para todos",
            "Talleres de educación ambiental en las bibliotecas municipales.",
        ),
        document(
            "fr-jardin",
            Some("fr"),
            "Un jardin pédagogique au cœur du quartier",
            "Les enfants découvrent le jardin avec les animateurs.",
        ),
        document(
            "fr-ecole",
            Some("fr"),
            "L'école ouverte le mercredi",
            "Une école du quartier accueille les familles le mercredi après-midi.",
        ),
        document(
            "pt-horta",
            Some("pt"),
            "Horta escolar no bairro da Mouraria",
            "A horta é cuidada pelas crianças e pelos avós do bairro.",
        ),
        document(
            "pt-educacao",
            Some("pt"),
            "Educação para a cidadania",
            "Oficinas de educação cívica nas escolas básicas.",
        ),
        document(
            "it-scolastico",
            Some("it"),
            "Un giardino scolastico condiviso",
            "Il giardino scolastico è curato da genitori e insegnanti.",
        ),
        document(
            "en-council",
            Some("en"),
            "The children's council of Bristol",
            "A council of children elected in every primary school advises the mayor.",
        ),
        document(
            "de-schulgarten",
            Some("de"),
            "Ein Schulgarten für die Grundschule",
            "Im Schulgarten lernen Kinder, Gemüse anzubauen.",
        ),
        document(
            "ca-participativa",
            Some("ca"),
            "Una escola participativa",
            "La comunitat educativa decideix de manera participativa.",
        ),
        document(
            "ca-participatius",
            Some("ca"),
            "Pressupostos participatius infantils",
            "Els infants decideixen una part del pressupost municipal.",
        ),
        document(
            "ca-consell",
            Some("ca"),
            "Consell d'infants de la ciutat",
            "Els nens i nenes del consell proposen millores per al seu barri.",
        ),
        document(
            "es-taller",
            Some("es"),
            "Talleres de lectura con las familias",
            "Las familias leen con sus hijos en la biblioteca del distrito.",
        ),
        document(
            "it-laboratorio",
            Some("it"),
            "Laboratori di lettura con le famiglie",
            "I genitori leggono con i figli nella biblioteca del quartiere.",
        ),
        document(
            "ko-garden",
            Some("ko"),
            "학교 텃밭 가꾸기",
            "아이들이 학교 텃밭에서 채소를 기르고 급식에 씁니다.",
        ),
        document(
            "ko-village",
            Some("ko"),
            "마을교육공동체를 통한 방과후 돌봄",
            "서울의 여러 동네에서 마을교육공동체가 아이들의 방과후 활동을 함께 설계합니다.",
        ),
        translated,
    ]
}

/// The ids a query finds with typo tolerance and cross-language expansion off (these tests are
/// about analysis alone).
fn hits(server: &Server, q: &str) -> Vec<String> {
    ids(&server.search(&format!(
        "q={}&per_page=50&typos=false&cross_language=false",
        urlencode(q)
    )))
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[test]
fn each_language_finds_other_forms_of_a_word() {
    let server = Server::with_documents(&fixtures());
    // Spanish: plural query, singular in the text.
    assert_eq!(hits(&server, "huertos"), ["es-huerto"]);
    // French: plural query, singular in the text.
    assert_eq!(hits(&server, "jardins"), ["fr-jardin"]);
    // Portuguese: plural query, singular in the text.
    assert_eq!(hits(&server, "hortas"), ["pt-horta"]);
    // Italian: plural adjective, singular in the text (the Italian stemmer does NOT conflate
    // orti/orto, so the test uses a form it does conflate).
    assert_eq!(hits(&server, "scolastici"), ["it-scolastico"]);
    // English: plural query, singular in the text.
    assert_eq!(hits(&server, "councils"), ["en-council"]);
    // German: plural with umlaut, singular in the text.
    assert_eq!(hits(&server, "Schulgärten"), ["de-schulgarten"]);
    // Catalan (frostem's Catalan Snowball): participació, participatiu and participativa share
    // the stem `particip`; participatius stems to `participat` and stays apart for the
    // stemmer — but a query word is also looked up in its other number (`plurals` in
    // schema.json), so participatiu and participatius find each other (the other number's
    // forms weigh as much as the word's own: BM25 orders them).
    assert_eq!(hits(&server, "participació"), ["ca-participativa"]);
    for query in ["participatiu", "participatius"] {
        let mut found = hits(&server, query);
        found.sort();
        assert_eq!(found, ["ca-participatius", "ca-participativa"], "{query}");
    }
    assert_eq!(hits(&server, "pressupost"), ["ca-participatius"]);
}

/// Each analyzer's forms of a query word meet only text of its own language: the Catalan stem
/// of `consell` is `con`, which is a Spanish and Italian word, and must not find their texts.
#[test]
fn a_stem_in_one_language_does_not_match_a_word_of_another() {
    let server = Server::with_documents(&fixtures());
    // With everything on, as the website searches.
    let body = server.search("q=consell");
    assert_eq!(ids(&body), ["ca-consell"], "{body}");
    assert_eq!(body["total"], 1);
    // In Catalan, `con` is no stop word: the word is marked.
    assert_eq!(
        body["hits"][0]["highlights"]["title"],
        "<mark>Consell</mark> d&#x27;infants de la ciutat"
    );
    // The Spanish and Italian texts are found by their own word; the Catalan one no longer
    // (Snowball stems `consell` to `con`, a stem too short for its word: see
    // `analysis::stem_cache`).
    let mut found = ids(&server.search("q=con"));
    found.sort();
    assert_eq!(found, ["es-taller", "it-laboratorio"]);
    // Highlights mark the words of the hit's language only: not `con` in a Spanish title
    // (before, the Catalan stem of `consell` was marked there).
    let body = server.search("q=consell+lectura");
    let title = body["hits"]
        .as_array()
        .and_then(|hits| hits.iter().find(|hit| hit["id"] == "es-taller"))
        .map(|hit| {
            hit["highlights"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        });
    assert_eq!(
        title.as_deref(),
        Some("Talleres de <mark>lectura</mark> con las familias"),
        "{body}"
    );
}

/// A word's stem is also looked up in the other languages (cognates): the Italian stem of
/// `educazione`, `educ`, is the Spanish stem of `educación`. With cross-language matching off,
/// each language keeps to itself.
#[test]
fn cognate_stems_cross_languages_only_when_asked() {
    let server = Server::with_documents(&fixtures());
    let found = ids(&server.search("q=educazione&typos=false"));
    assert!(found.contains(&"es-educacion".to_string()), "{found:?}");
    assert!(found.contains(&"pt-educacao".to_string()), "{found:?}");
    assert!(hits(&server, "educazione").is_empty());
}

#[test]
fn accents_are_optional_in_queries_and_documents() {
    let server = Server::with_documents(&fixtures());
    // Every analyzer's forms are searched, so cognates in other languages match too
    // (educación / educação / educativa share the stem `educ`); the document with the word
    // itself ranks first.
    assert_eq!(hits(&server, "educacion")[0], "es-educacion");
    assert_eq!(hits(&server, "EDUCACIÓN")[0], "es-educacion");
    assert_eq!(hits(&server, "ecole"), ["fr-ecole"]);
    assert!(hits(&server, "educacao").contains(&"pt-educacao".to_string()));
    assert_eq!(hits(&server, "educação")[0], "pt-educacao");
    // Highlights mark the word as written in the text, whatever form the query used.
    let response = server.search("q=EDUCACION&locale=es");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert_eq!(title, "<mark>Educación</mark> ambiental para todos");
    let response = server.search("q=%C3%A9coles&locale=fr");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert_eq!(title, "L&#x27;<mark>école</mark> ouverte le mercredi");
}

#[test]
fn catalan_geminated_l_is_found_with_or_without_its_middle_dot() {
    let docs = vec![document(
        "ca-collegi",
        Some("ca"),
        "Col·laboració entre el col·legi i les famílies",
        "Les famílies col·laboren amb l'escola del barri.",
    )];
    let server = Server::with_documents(&docs);
    assert_eq!(hits(&server, "col·laboració"), ["ca-collegi"]);
    assert_eq!(hits(&server, "collaboracio"), ["ca-collegi"]);
    assert_eq!(hits(&server, "collegi"), ["ca-collegi"]);
    let response = server.search("q=collaboracio&cross_language=false");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert!(title.starts_with("<mark>Col·laboració</mark>"), "{title}");
}

#[test]
fn a_korean_word_inside_a_longer_phrase_is_found() {
    let server = Server::with_documents(&fixtures());
    // `교육공동체` sits inside `마을교육공동체를`.
    assert_eq!(hits(&server, "교육공동체"), ["ko-village"]);
    assert_eq!(hits(&server, "방과후"), ["ko-village"]);
    assert!(hits(&server, "교육청").is_empty());
    // A compound typed without its space finds the spaced text (its bigrams, anywhere).
    assert_eq!(hits(&server, "학교텃밭"), ["ko-garden"]);
    assert_eq!(hits(&server, "학교 텃밭"), ["ko-garden"]);
}

#[test]
fn catalan_initiative_is_found_by_english_query_through_its_translation_once() {
    let server = Server::with_documents(&fixtures());
    let response = server.search("q=schoolyards+neighbourhood&locale=en");
    assert_eq!(ids(&response), ["ca-girona-patis-oberts"]);
    assert_eq!(response["total"], 1);
    let hit = &response["hits"][0];
    assert_eq!(hit["language"], "ca");
    assert_eq!(hit["shown_language"], "en");
    assert_eq!(
        hit["title"],
        "Open schoolyards for the neighbourhood at weekends"
    );
    assert!(hit["highlights"]["title"]
        .as_str()
        .unwrap()
        .contains("<mark>schoolyards</mark>"));
    // The Catalan text matches a Catalan query, and the hit is shown in Catalan when asked.
    let response = server.search("q=patis&locale=ca");
    assert_eq!(ids(&response), ["ca-girona-patis-oberts"]);
    assert_eq!(response["hits"][0]["shown_language"], "ca");
}

#[test]
fn highlights_are_escaped_except_the_marks() {
    let docs = vec![document(
        "en-escape",
        Some("en"),
        "Gardens <script>alert(1)</script> & schools",
        "School gardens & <b>playgrounds</b>.",
    )];
    let server = Server::with_documents(&docs);
    let response = server.search("q=gardens");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert!(title.contains("<mark>Gardens</mark>"), "{title}");
    assert!(title.contains("&lt;script&gt;"), "{title}");
    assert!(!title.contains("<script>"), "{title}");
}

#[test]
fn a_title_highlight_is_the_whole_title_with_its_closing_punctuation() {
    let docs = vec![document(
        "de-halle",
        Some("de"),
        "Kinderrat in Halle (Saale)",
        "Der Kinderrat berät den Stadtrat in allen Fragen, die Kinder betreffen.",
    )];
    let server = Server::with_documents(&docs);
    let response = server.search("q=kinderrat");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert_eq!(title, "<mark>Kinderrat</mark> in Halle (Saale)");
}

#[test]
fn decomposed_and_full_width_text_is_found_by_its_words() {
    // Text as macOS and PDFs write it: accents as combining marks, Hangul as conjoining jamo.
    let nfd = |text: &str| -> String {
        use unicode_normalization::UnicodeNormalization;
        text.nfd().collect()
    };
    let docs = vec![
        document(
            "es-nfd",
            Some("es"),
            &nfd("Participación de niñas y niños"),
            &nfd("Consejo de la infancia en Cádiz: las niñas deciden."),
        ),
        document(
            "ko-nfd",
            Some("ko"),
            &nfd("학교 텃밭 프로그램"),
            &nfd("아이들이 학교 텃밭에서 채소를 기른다."),
        ),
        document(
            "pt-wide",
            Some("pt"),
            "Ｅｓｃｏｌａ aberta ao bairro",
            "A escola abre o pátio aos sábados.",
        ),
    ];
    let server = Server::with_documents(&docs);
    assert_eq!(hits(&server, "participacion"), ["es-nfd"]);
    assert_eq!(hits(&server, "niños"), ["es-nfd"]);
    assert_eq!(hits(&server, &nfd("niños")), ["es-nfd"]);
    assert_eq!(hits(&server, "학교"), ["ko-nfd"]);
    assert_eq!(hits(&server, "텃밭"), ["ko-nfd"]);
    assert_eq!(hits(&server, "escola aberta"), ["pt-wide"]);
    assert_eq!(hits(&server, "ｅｓｃｏｌａ"), ["pt-wide"]);
    // A highlight marks the whole word, its accents inside the mark.
    let response = server.search("q=ninos&cross_language=false");
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert!(
        title.contains(&format!("<mark>{}</mark>", nfd("niños"))),
        "{title}"
    );
}

#[test]
fn a_word_with_soft_hyphens_is_found_as_it_reads() {
    // Text pasted from a word processor or a web page that hyphenates: the soft hyphens are
    // invisible, and the word is searched as it is displayed.
    let docs = vec![
        document(
            "de-shy",
            Some("de"),
            "Bürger\u{ad}haushalt für Kinder",
            "Der Kinder\u{ad}bürger\u{ad}haushalt von Quxdorf: Kinder entscheiden über das Geld.",
        ),
        document(
            "de-other",
            Some("de"),
            "Schulgarten in Quxdorf",
            "Kinder pflanzen Gemüse im Garten der Schule.",
        ),
    ];
    let server = Server::with_documents(&docs);
    assert_eq!(hits(&server, "Kinderbürgerhaushalt"), ["de-shy"]);
    // The highlight marks the word as written, its soft hyphens inside the mark.
    let response = server.search("q=Kinderb%C3%BCrgerhaushalt");
    let description = response["hits"][0]["highlights"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.contains("<mark>Kinder\u{ad}bürger\u{ad}haushalt</mark>"),
        "{response}"
    );
    assert_eq!(hits(&server, "Bürgerhaushalt"), ["de-shy"]);
    let response = server.search("q=B%C3%BCrgerhaushalt+Quxdorf");
    assert_eq!(response["matching"], "all", "{response}");
    assert_eq!(ids(&response), ["de-shy"]);
}

#[test]
fn thai_without_spaces_indic_vowel_signs_and_traditional_chinese_are_searchable() {
    // Thai writes no spaces between words: a run longer than a token was dropped whole, so
    // `โรงเรียน` (school) found nothing. Hindi vowel signs were folded away like accents,
    // so `कम` (less) found `काम` (work). Cyrillic `й` and `ї` are letters, not accents.
    let docs = vec![
        document(
            "th-garden",
            Some("th"),
            "โรงเรียนสวนผักในกรุงเทพมหานคร",
            "นักเรียนปลูกผักในสวนของโรงเรียนทุกสัปดาห์และนำผักไปทำอาหารกลางวัน",
        ),
        document(
            "hi-work",
            Some("hi"),
            "बच्चों के लिए काम की जगह",
            "शहर के बच्चे अपने मोहल्ले में काम सीखते हैं।",
        ),
        document(
            "ta-centre",
            Some("ta"),
            "சென்னை குழந்தைகள் மையம்",
            "மாணவர்கள் நூலக மையம் ஒன்றில் படிக்கிறார்கள்.",
        ),
        document(
            "my-garden",
            Some("my"),
            "ဟင်းရွက်",
            "ကျောင်းသားများ ဟင်းရွက် စိုက်ပျိုးကြသည်။",
        ),
        document(
            "zh-farm",
            Some("zh"),
            "台北市開心農場",
            "兒童與家長一起在社區農場種菜。",
        ),
        document(
            "uk-kyiv",
            Some("uk"),
            "Дитяча рада Києва",
            "Діти Київа обговорюють проєкти для своїх шкіл.",
        ),
    ];
    let server = Server::with_documents(&docs);
    assert_eq!(hits(&server, "โรงเรียน"), ["th-garden"]);
    assert_eq!(hits(&server, "สวนผัก"), ["th-garden"]);
    assert_eq!(hits(&server, "โรงเรียนสวนผักในกรุงเทพมหานคร"), ["th-garden"]);
    assert!(hits(&server, "ทะเล").is_empty());
    assert_eq!(hits(&server, "काम"), ["hi-work"]);
    assert!(hits(&server, "कम").is_empty());
    assert_eq!(hits(&server, "Київа"), ["uk-kyiv"]);
    // Traditional and Simplified Chinese find each other.
    assert_eq!(hits(&server, "开心农场"), ["zh-farm"]);
    assert_eq!(hits(&server, "儿童"), ["zh-farm"]);
    // A highlight keeps Thai vowel marks with their letters, and marks only the word in a
    // run holding the vowel AM (which NFKC splits in two).
    let response = server.search(&format!("q={}", urlencode("โรงเรียน")));
    let title = response["hits"][0]["highlights"]["title"].as_str().unwrap();
    assert!(title.starts_with("<mark>โรงเรียน</mark>"), "{title}");
    let response = server.search(&format!("q={}", urlencode("อาหาร")));
    let description = response["hits"][0]["highlights"]["description"]
        .as_str()
        .unwrap();
    assert!(
        description.contains("ไปทำ<mark>อาหาร</mark>กลางวัน"),
        "{description}"
    );
    // A word ending with a combining mark (the Tamil pulli, the Myanmar asat) is found as
    // typed.
    assert_eq!(hits(&server, "மையம்"), ["ta-centre"]);
    assert_eq!(hits(&server, "ဟင်းရွက်"), ["my-garden"]);
}

#[test]
fn a_one_character_cjk_word_is_found_inside_longer_words() {
    // Korean nouns of one syllable take particles (`숲에서`: in the forest), and Chinese
    // writes words together (`书店`: bookshop): the text's bigrams hold the character.
    let docs = vec![
        document(
            "ko-alone",
            Some("ko"),
            "숲 학교",
            "아이들이 매주 숲 체험을 한다.",
        ),
        document(
            "ko-particle",
            Some("ko"),
            "주말 가족 놀이",
            "가족들이 숲에서 놀고 도서관에서 책을 읽는다.",
        ),
        document(
            "zh-bookshop",
            Some("zh"),
            "社区书店",
            "居民在书店里一起读书。",
        ),
    ];
    let server = Server::with_documents(&docs);
    // The word on its own ranks above the word inside a longer one.
    assert_eq!(hits(&server, "숲"), ["ko-alone", "ko-particle"]);
    assert_eq!(hits(&server, "책"), ["ko-particle"]);
    assert_eq!(hits(&server, "书"), ["zh-bookshop"]);
    assert!(hits(&server, "꽃").is_empty());
}

#[test]
fn singular_and_plural_find_each_other_where_the_stemmer_keeps_them_apart() {
    // Snowball stems `joven` to `jov` but `jóvenes` to `joven`, and Catalan `escolar` to
    // `escol` but `escolars` to `escolar`: the word's other number is looked up too.
    let docs = vec![
        document(
            "es-plural",
            Some("es"),
            "Empleo para jóvenes",
            "Un programa de empleo para jóvenes del barrio.",
        ),
        document(
            "es-singular",
            Some("es"),
            "Carné joven",
            "Descuentos para cada persona joven de la ciudad.",
        ),
        document(
            "ca-plural",
            Some("ca"),
            "Patis escolars oberts",
            "Els patis escolars s'obren al barri els caps de setmana.",
        ),
        document(
            "gl-plural",
            Some("gl"),
            "Hortas escolares ecolóxicas en Santiago",
            "Os nenos e nenas coidan as hortas das súas escolas.",
        ),
        document(
            "el-plural",
            Some("el"),
            "Δημοτικό συμβούλιο για τα παιδιά της Αθήνας",
            "Τα παιδιά των σχολείων συζητούν με τον δήμαρχο.",
        ),
    ];
    let server = Server::with_documents(&docs);
    let mut young = hits(&server, "joven");
    young.sort();
    assert_eq!(young, ["es-plural", "es-singular"]);
    let mut youngs = hits(&server, "jóvenes");
    youngs.sort();
    assert_eq!(youngs, ["es-plural", "es-singular"]);
    assert_eq!(hits(&server, "pati escolar"), ["ca-plural"]);
    // Galician has no Snowball stemmer: it is stemmed as Portuguese.
    assert_eq!(hits(&server, "neno"), ["gl-plural"]);
    assert_eq!(hits(&server, "horta escolar"), ["gl-plural"]);
    // Greek: `παιδί` (child) stems to `παιδ`, `παιδιά` (children) to `πα`.
    assert_eq!(hits(&server, "παιδί"), ["el-plural"]);
    assert_eq!(hits(&server, "παιδι"), ["el-plural"]);
}

/// Chinese and Japanese are typed without spaces: a query run that holds the document's words
/// with other characters between them (a particle, `的`) still finds it, through most of its
/// bigrams, when all of them find nothing; a run that shares only a bigram or two does not.
#[test]
fn an_unspaced_chinese_or_japanese_query_finds_the_words_it_holds() {
    let docs = vec![
        document(
            "ja-sapporo",
            Some("ja"),
            "札幌市 雪道でも安全な通学路",
            "冬の雪道で子どもたちが安全に通学できるよう、地域の見守りボランティアが通学路を点検します。",
        ),
        document(
            "zh-chengdu",
            Some("zh"),
            "成都儿童友好社区建设",
            "成都市在多个街道开展儿童友好社区建设，总结经验并邀请儿童参与规划。",
        ),
        document(
            "ja-osaka",
            Some("ja"),
            "大阪の日本語教室",
            "外国につながる子どもたちのための日本語教室を地域の図書館で開いています。",
        ),
    ];
    let server = Server::with_documents(&docs);
    let response = server.search(&format!("q={}", urlencode("雪道の通学路")));
    assert_eq!(ids(&response), ["ja-sapporo"], "{response}");
    assert_eq!(response["matching"], "any");
    let response = server.search(&format!("q={}", urlencode("成都的儿童友好社区建设经验")));
    assert_eq!(ids(&response)[0], "zh-chengdu", "{response}");
    // All the bigrams of a run found together: no fallback.
    let response = server.search(&format!("q={}", urlencode("日本語教室")));
    assert_eq!(ids(&response), ["ja-osaka"]);
    assert_eq!(response["matching"], "all");
    // Quoted, the run is a phrase: no fallback.
    let response = server.search(&format!("q={}", urlencode("\"雪道の通学路\"")));
    assert_eq!(response["total"], 0, "{response}");
    // One shared bigram (`通学`) of five is not enough.
    assert!(hits(&server, "通学電車の時刻表").is_empty());
}

/// Catalan's stemmer makes `consell` (council), `conèixer` (to know) and `coneixen` one stem
/// (`con`), and `infants` (children) and `informe` (report) another (`inf`): a stem that short
/// gives way to a light one, so a search for the council does not find every text that knows.
#[test]
fn catalan_words_the_stemmer_cuts_to_a_few_letters_do_not_meet_unrelated_words() {
    let docs = vec![
        document(
            "ca-consell",
            Some("ca"),
            "Consell d'infants de Girona",
            "Els consellers i les conselleres de 10 a 12 anys es reuneixen cada mes.",
        ),
        document(
            "ca-mar",
            Some("ca"),
            "L'escola del mar",
            "Els alumnes coneixen la platja i volen conèixer el port; l'informe final es presenta al juny.",
        ),
    ];
    let server = Server::with_documents(&docs);
    assert_eq!(hits(&server, "consell"), ["ca-consell"]);
    assert_eq!(hits(&server, "consells"), ["ca-consell"]);
    assert_eq!(hits(&server, "infant"), ["ca-consell"]);
    assert_eq!(hits(&server, "informes"), ["ca-mar"]);
    assert_eq!(hits(&server, "escoles"), ["ca-mar"]);
}
