//! Text encodings of submitted bodies: UTF-8 (a BOM is dropped), UTF-16 with a BOM, and — for
//! spreadsheets, whose "CSV" export is often not UTF-8 — Windows-1252, or the legacy code page
//! the bytes are plainly in (see [`legacy_encoding`]).

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, MACINTOSH, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::IngestError;

/// The UTF-8 byte-order mark.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Decodes a body: BOM-marked UTF-8/UTF-16, plain UTF-8, or (when `legacy` and the bytes are not
/// UTF-8) Windows-1252. Returns the text and the name of the encoding read.
pub fn decode(body: &[u8], legacy: bool) -> Result<(String, &'static str), IngestError> {
    if body.starts_with(b"\xFF\xFE\x00\x00") || body.starts_with(b"\x00\x00\xFE\xFF") {
        return Err(IngestError::Encoding(
            "the body is UTF-32, which is not read; send UTF-8 (a spreadsheet's \"CSV UTF-8\"), or UTF-16".into(),
        ));
    }
    // The end-of-file mark old Windows tools (`copy /a`) append: not text.
    let body = body.strip_suffix(b"\x1A").unwrap_or(body);
    if let Some(rest) = body.strip_prefix(UTF8_BOM) {
        return utf8(rest);
    }
    if body.starts_with(b"\xFF\xFE") || body.starts_with(b"\xFE\xFF") {
        let encoding = if body.starts_with(b"\xFF\xFE") {
            UTF_16LE
        } else {
            UTF_16BE
        };
        let (text, had_errors) = encoding.decode_with_bom_removal(body);
        if had_errors {
            return Err(IngestError::Encoding(format!(
                "the body starts with a {} byte-order mark but is not valid {}",
                encoding.name(),
                encoding.name()
            )));
        }
        return Ok((text.into_owned(), encoding.name()));
    }
    if let Some(encoding) = utf16_without_bom(body) {
        let (text, had_errors) = encoding.decode_without_bom_handling(body);
        if !had_errors {
            return Ok((text.into_owned(), encoding.name()));
        }
    }
    match std::str::from_utf8(body) {
        Ok(text) => Ok((text.to_string(), "UTF-8")),
        Err(_) if legacy => legacy_or_mixed(body),
        Err(err) => Err(IngestError::Encoding(format!(
            "the body is not valid UTF-8 (invalid byte at offset {}); send UTF-8, or UTF-16 with a byte-order mark",
            err.valid_up_to()
        ))),
    }
}

/// A body that is not valid UTF-8: UTF-8 with a few bytes pasted from elsewhere, or a legacy
/// encoding. It is UTF-8 with stray bytes when it holds UTF-8 characters that a legacy text
/// would not make by accident — accented Latin, Greek or Cyrillic letters, typographic
/// punctuation (in Windows-1252 they would read `Ã³`, `â€™`) — and not far fewer of them than
/// stray bytes: its UTF-8 is kept and only the stray bytes are read as Windows-1252. (Windows-1252
/// text does form other valid sequences by accident: `é` + no-break space + `»` is U+A83B.)
/// Otherwise it is a spreadsheet's legacy "CSV" ([`legacy_encoding`]).
fn legacy_or_mixed(body: &[u8]) -> Result<(String, &'static str), IngestError> {
    let telling =
        |c: char| matches!(c as u32, 0x00A0..=0x024F | 0x0370..=0x04FF | 0x2010..=0x2027 | 0x20AC);
    // Counted only inside a word (a letter beside it in the same valid stretch): the byte
    // pairs of an EUC-KR or Shift_JIS text that happen to be valid UTF-8 stand alone.
    let in_words = |valid: &str| {
        count_between_letters(valid, |c, after_letter, before_letter| {
            telling(c) && (after_letter || before_letter)
        })
    };
    // UTF-8 with stray bytes: telling UTF-8 characters, and not far fewer than stray bytes.
    let is_mixed = |bytes: &[u8]| {
        let (utf8, invalid) = bytes.utf8_chunks().fold((0, 0), |(utf8, invalid), chunk| {
            (
                utf8 + in_words(chunk.valid()),
                invalid + usize::from(!chunk.invalid().is_empty()),
            )
        });
        utf8 > 0 && 4 * utf8 >= invalid
    };
    if is_mixed(body) {
        // Line by line: a line that is UTF-8 with a few stray bytes keeps its UTF-8; a line
        // with nothing that tells UTF-8 (a row appended by a legacy editor) is legacy text as
        // a whole — read byte pair by byte pair, its `Ú»` would become the valid U+06BB.
        enum Line<'a> {
            Utf8(&'a str),
            Mixed(&'a [u8]),
            Legacy(&'a [u8]),
        }
        let lines: Vec<Line> = body
            .split_inclusive(|byte| *byte == b'\n')
            .map(|line| match std::str::from_utf8(line) {
                Ok(valid) => Line::Utf8(valid),
                Err(_) if is_mixed(line) => Line::Mixed(line),
                Err(_) => Line::Legacy(line),
            })
            .collect();
        let legacy_lines: Vec<u8> = lines
            .iter()
            .filter_map(|line| match line {
                Line::Legacy(bytes) => Some(*bytes),
                _ => None,
            })
            .flatten()
            .copied()
            .collect();
        // Lines in another code page than Windows-1252 (a short GBK file whose byte pairs
        // happen to be UTF-8): the body is legacy text, read below.
        if legacy_lines.is_empty() || legacy_encoding(&legacy_lines) == WINDOWS_1252 {
            let mut text = String::with_capacity(body.len());
            for line in lines {
                match line {
                    Line::Utf8(valid) => text.push_str(valid),
                    Line::Mixed(bytes) => {
                        for chunk in bytes.utf8_chunks() {
                            text.push_str(chunk.valid());
                            text.push_str(
                                &WINDOWS_1252.decode_without_bom_handling(chunk.invalid()).0,
                            );
                        }
                    }
                    Line::Legacy(bytes) => {
                        text.push_str(&WINDOWS_1252.decode_without_bom_handling(bytes).0)
                    }
                }
            }
            return Ok((text, "UTF-8 (with some Windows-1252 bytes)"));
        }
    }
    let encoding = legacy_encoding(body);
    let (text, _) = encoding.decode_without_bom_handling(body);
    // Bytes no encoding above gives a character (Windows-1252's 0x81, 0x8D, 0x8F, 0x90, 0x9D)
    // come out as C1 controls: the body is in some other encoding (Mac Roman, say).
    if let Some((offset, _)) = text.char_indices().find(|(_, c)| is_c1_control(*c)) {
        let line = text[..offset].matches('\n').count() + 1;
        return Err(IngestError::Encoding(format!(
            "the body is not UTF-8, and not {} either (line {line} has a byte that is no character in it); save the file as \"CSV UTF-8\"",
            encoding.name()
        )));
    }
    Ok((text.into_owned(), encoding.name()))
}

/// The legacy encoding of a body that is not UTF-8. Spreadsheets write their "CSV" in the
/// system's code page: Windows-1252 in western Europe and the Americas (the contract's
/// default), but Windows-1251 in Russia and Ukraine, 1250 in central Europe, 1253 in Greece,
/// 1254 in Turkey, Shift_JIS in Japan, EUC-KR in Korea... Read as Windows-1252, those become
/// mojibake stored without a warning. `chardetng` (Firefox's detector) tells them apart:
/// * with a western-European hint it still answers another encoding only for a script
///   Windows-1252 cannot write at all (Cyrillic, Greek, Hebrew, Arabic, Thai, CJK): taken;
/// * without the hint, short western texts are often taken for central European, so a
///   Latin-script guess other than Windows-1252 is taken only when Windows-1252 makes
///   nonsense inside words (`£ódŸ`, `szkó³`, `þehir`) and the guess does not.
fn legacy_encoding(body: &[u8]) -> &'static Encoding {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(body, true);
    let western = detector.guess(Some(b"fr"), Utf8Detection::Deny);
    if western != WINDOWS_1252 {
        return western;
    }
    let nonsense = |encoding: &'static Encoding| {
        nonsense_in_words(&encoding.decode_without_bom_handling(body).0)
    };
    let western_nonsense = nonsense(WINDOWS_1252);
    if western_nonsense == 0 {
        return WINDOWS_1252;
    }
    let generic = detector.guess(None, Utf8Detection::Deny);
    // Mac Roman (old Excel for Mac), which chardetng does not know: its accented letters are
    // Windows-1252's dashes, daggers and controls (`C‡diz`, `HuŽrfanos`, `Ni–os`).
    for candidate in [generic, MACINTOSH] {
        if candidate != WINDOWS_1252 && nonsense(candidate) == 0 {
            return candidate;
        }
    }
    WINDOWS_1252
}

/// Characters that a wrong decoding puts inside words, and that text in the right one has
/// there only by accident: Windows-1252's symbols that are central European letters (`£ódŸ`,
/// `szkó³`, `mo¿e`; `¿` and `¡` only after a letter: Spanish opens questions with them),
/// Icelandic letters (`ð`, `þ`, `ý`: Turkish `ğ`, `ş`, `ı`), `Ÿ`, C1 controls (bytes with no
/// character), and punctuation glued between two letters (Mac Roman's accents: `C‡diz`,
/// `Ni–os`). Signs legitimately beside letters (`°C`, `m²`, `nº`) are not counted.
fn nonsense_in_words(text: &str) -> usize {
    const LETTER_SYMBOLS: &str = "£¥¯³¹¼¾ƒˆ˜†‡‰";
    const OPENING_SYMBOLS: &str = "¿¡";
    const RARE_LETTERS: &str = "ðþýÐÞÝŸ";
    const PUNCTUATION: &str = "–—•…™‹›„";
    count_between_letters(text, |c, after_letter, before_letter| {
        RARE_LETTERS.contains(c)
            || is_c1_control(c)
            || (LETTER_SYMBOLS.contains(c) && (after_letter || before_letter))
            || (OPENING_SYMBOLS.contains(c) && after_letter)
            || (PUNCTUATION.contains(c) && after_letter && before_letter)
    })
}

/// How many characters of `text` pass `test(c, after a letter, before a letter)`, in one pass
/// without copying the text (bodies run to tens of megabytes).
fn count_between_letters(text: &str, test: impl Fn(char, bool, bool) -> bool) -> usize {
    let mut chars = text.chars().peekable();
    let mut after_letter = false;
    let mut count = 0;
    while let Some(c) = chars.next() {
        let before_letter = chars.peek().is_some_and(|next| next.is_alphabetic());
        if test(c, after_letter, before_letter) {
            count += 1;
        }
        after_letter = c.is_alphabetic();
    }
    count
}

fn is_c1_control(c: char) -> bool {
    ('\u{80}'..='\u{9F}').contains(&c)
}

/// UTF-16 written without a byte-order mark, told by its zero bytes: in text that is mostly
/// ASCII, every other byte is zero (the odd ones in little-endian).
pub fn utf16_without_bom(body: &[u8]) -> Option<&'static Encoding> {
    if body.len() < 4 || !body.len().is_multiple_of(2) {
        return None;
    }
    let zeros_at = |parity: usize| {
        body.iter()
            .skip(parity)
            .step_by(2)
            .filter(|byte| **byte == 0)
            .count()
    };
    let half = body.len() / 2;
    let (even, odd) = (zeros_at(0), zeros_at(1));
    if 2 * odd > half && even * 10 < half {
        Some(UTF_16LE)
    } else if 2 * even > half && odd * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn utf8(body: &[u8]) -> Result<(String, &'static str), IngestError> {
    std::str::from_utf8(body)
        .map(|text| (text.to_string(), "UTF-8"))
        .map_err(|err| {
            IngestError::Encoding(format!(
                "the body has a UTF-8 byte-order mark but is not valid UTF-8 (offset {})",
                err.valid_up_to() + 3
            ))
        })
}

/// Decodes a JSON body (no legacy encodings: JSON is UTF-8 by definition).
pub fn decode_json(body: &[u8]) -> Result<(String, &'static str), IngestError> {
    decode(body, false)
}

#[cfg(test)]
mod tests {
    use encoding_rs::{
        Encoding, EUC_KR, GBK, SHIFT_JIS, WINDOWS_1250, WINDOWS_1251, WINDOWS_1252, WINDOWS_1253,
        WINDOWS_1254,
    };

    use super::decode;

    fn encoded(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text}");
        bytes.into_owned()
    }

    #[test]
    fn western_spreadsheets_are_read_as_windows_1252() {
        // Short western texts are what a code-page detector most often takes for central
        // European: every seed title and summary that Windows-1252 can write.
        let mut checked = 0;
        for (_, file) in crate::resources::seed_files() {
            for line in file.lines() {
                let Ok(document) = serde_json::from_str::<serde_json::Value>(line) else {
                    continue;
                };
                let title = document["title"].as_str().unwrap_or_default();
                let summary = document["summary"].as_str().unwrap_or_default();
                for text in [title.to_string(), format!("{title};{summary}\r\n")] {
                    let (bytes, _, unmappable) = WINDOWS_1252.encode(&text);
                    if unmappable || bytes.is_ascii() {
                        continue;
                    }
                    checked += 1;
                    let decoded = decode(&bytes, true).map_err(|err| err.to_string());
                    assert_eq!(decoded, Ok((text.clone(), "windows-1252")));
                }
            }
        }
        assert!(checked > 300, "{checked}");
        // Signs beside letters that western text has: not taken for another code page.
        let signs = "id;title\r\nes-1;¿Qué hacemos? ¡Vamos! 20°C, 500 m², nº 3, 1ª fase\r\n";
        assert_eq!(
            decode(&encoded(WINDOWS_1252, signs), true).map_err(|err| err.to_string()),
            Ok((signs.to_string(), "windows-1252"))
        );
        // `é` + no-break space + `»` happens to be valid UTF-8 (U+A83B): still Windows-1252.
        let french = "id;title\r\nfr-1;« L'école d'été » : CAFÉ !\r\n";
        assert_eq!(
            decode(&encoded(WINDOWS_1252, french), true).map_err(|err| err.to_string()),
            Ok((french.to_string(), "windows-1252"))
        );
    }

    #[test]
    fn other_code_pages_are_recognised() {
        for (encoding, text) in [
            (WINDOWS_1251, "id;title;city\r\nru-1;Детский совет Самары;Самара\r\nua-1;Дитяча рада Києва;Київ\r\n"),
            (WINDOWS_1250, "id;title;city\r\npl-1;Zielone podwórka szkół w Łodzi;Łódź\r\npl-2;Uczniowie łódzkich szkół sadzą drzewa i zakładają ogródki;Łódź\r\n"),
            (WINDOWS_1253, "id;title;city\r\ngr-1;Σχολικοί κήποι στην Αθήνα;Αθήνα\r\n"),
            (WINDOWS_1254, "id;title;city\r\ntr-1;Bursa Çocuk Meclisi: öğrenciler şehrin sorunlarını tartışıyor;Bursa\r\n"),
            (SHIFT_JIS, "id;title;city\r\njp-1;横浜市の子ども食堂;横浜市\r\n"),
            (EUC_KR, "id;title;city\r\nkr-1;서울 마을 학교 텃밭;서울\r\n"),
        ] {
            let decoded = decode(&encoded(encoding, text), true).map_err(|err| err.to_string());
            assert_eq!(decoded, Ok((text.to_string(), encoding.name())));
        }
    }

    #[test]
    fn utf16_without_a_byte_order_mark_is_recognised() {
        let text = "id;title\r\nes-1;Educación\r\n";
        let little: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let big: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
        for (body, name) in [(little, "UTF-16LE"), (big, "UTF-16BE")] {
            assert_eq!(
                decode(&body, false).map_err(|err| err.to_string()),
                Ok((text.to_string(), name))
            );
        }
    }

    #[test]
    fn a_windows_1252_row_appended_to_a_utf8_file_is_read_whole_as_windows_1252() {
        let mut body = "id,title,city\nmx-2,Café UTF-8 ok,León\n"
            .as_bytes()
            .to_vec();
        let appended = "mx-3,Viaje a «PERÚ»: Educación “JOSÉ” – LEÓN,Logroño\n";
        body.extend_from_slice(&WINDOWS_1252.encode(appended).0);
        let (text, encoding) = decode(&body, true).expect("decoded");
        assert_eq!(encoding, "UTF-8 (with some Windows-1252 bytes)");
        assert_eq!(
            text,
            format!("id,title,city\nmx-2,Café UTF-8 ok,León\n{appended}")
        );
    }

    #[test]
    fn a_short_gbk_file_whose_byte_pairs_look_like_utf8_is_read_as_gbk() {
        let text = "id,title,city\nzh-1,社区学习中心,上海\n";
        let (decoded, encoding) = decode(&GBK.encode(text).0, true).expect("decoded");
        assert_eq!((decoded.as_str(), encoding), (text, "GBK"));
    }

    #[test]
    fn a_dos_end_of_file_mark_is_dropped_and_utf32_refused() {
        let (text, _) = decode(b"id,title\r\nx-1,T\r\n\x1A", true).expect("decoded");
        assert_eq!(text, "id,title\r\nx-1,T\r\n");
        let utf32: Vec<u8> = b"\xFF\xFE\x00\x00i\x00\x00\x00d\x00\x00\x00".to_vec();
        let refused = decode(&utf32, true).map_err(|err| err.to_string());
        assert!(refused.is_err_and(|message| message.contains("UTF-32")));
    }

    #[test]
    fn utf8_with_a_few_stray_bytes_keeps_its_utf8() {
        let mut body =
            "id;title\nes-1;Educación ambiental en las escuelas públicas\nes-2;Participación "
                .as_bytes()
                .to_vec();
        body.extend_from_slice(b"ciudadana en Le\xf3n\n");
        let (text, encoding) = decode(&body, true).expect("decoded");
        assert!(
            text.contains("Educación") && text.contains("León"),
            "{text}"
        );
        assert_eq!(encoding, "UTF-8 (with some Windows-1252 bytes)");
    }

    #[test]
    fn mac_roman_is_recognised_and_other_encodings_refused() {
        // Old Excel for Mac: `è` is 0x8F (no character in Windows-1252), `é` 0x8E (`Ž`).
        let body = b"id;title;city\rch-1;Gen\x8fve, ville \x8educative;Gen\x8fve\r";
        let (text, encoding) = decode(body, true).expect("read");
        assert_eq!(encoding, "macintosh");
        assert!(text.contains("Genève, ville éducative"), "{text}");
        let spanish = encoded(
            encoding_rs::MACINTOSH,
            "id;title;city\res-1;Huérfanos y niños de Cádiz;Cádiz\r",
        );
        assert_eq!(
            decode(&spanish, true).map_err(|err| err.to_string()),
            Ok((
                "id;title;city\res-1;Huérfanos y niños de Cádiz;Cádiz\r".to_string(),
                "macintosh"
            ))
        );
        // Bytes that no candidate reads as text are refused.
        let error = decode(b"id;title\nx-1;a\xd0b\x81\n", true)
            .expect_err("refused")
            .to_string();
        assert!(error.contains("CSV UTF-8"), "{error}");
        // JSON is UTF-8 or nothing.
        assert!(decode("Le\u{f3}n".as_bytes(), false).is_ok());
        assert!(decode(b"Le\xf3n", false).is_err());
    }
}
