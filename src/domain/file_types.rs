//! Which uploads are accepted, decided by their content, never by their name: PDF, Word,
//! Excel, images and plain text. Word and Excel (.docx, .xlsx) are zip archives: they are
//! recognised from the archive's central directory, whatever the order of its entries, and
//! refused when they declare to unpack to too much (a zip bomb).

/// The media types an attachment may have.
pub const ALLOWED: &[&str] = &[
    "application/pdf",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/tiff",
    "text/plain; charset=utf-8",
];

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The most a zip-based document (Word, Excel) may unpack to, whatever its own size.
pub const MAX_UNPACKED_BYTES: u64 = 100 * 1024 * 1024;
/// The most it may unpack to per byte of the archive. Word and Excel files unpack to a few
/// times their size, rarely 30; a zip bomb unpacks to about a thousand times.
pub const MAX_UNPACK_RATIO: u64 = 100;
/// What any archive may unpack to, however small it is.
pub const UNPACKED_FLOOR_BYTES: u64 = 10 * 1024 * 1024;

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// Not a type this service accepts (415).
    NotAccepted(String),
    /// A zip-based document that cannot be checked or unpacks to too much (422 on `file`):
    /// `archive_corrupt`, `archive_zip64` or `archive_too_large`.
    Archive {
        /// Stable field code.
        code: &'static str,
        /// Why.
        message: String,
    },
}

/// How much a zip archive of `archive_len` bytes may unpack to.
pub fn unpacked_limit(archive_len: usize) -> u64 {
    let proportional = (archive_len as u64).saturating_mul(MAX_UNPACK_RATIO);
    MAX_UNPACKED_BYTES.min(proportional.max(UNPACKED_FLOOR_BYTES))
}

/// The media type of `bytes`, or why they are refused.
pub fn detect(bytes: &[u8]) -> Result<&'static str, Refused> {
    let zip_signatures: [&[u8]; 3] = [b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"];
    if zip_signatures.iter().any(|sig| bytes.starts_with(sig)) {
        return detect_zip(bytes);
    }
    if let Some(kind) = infer::get(bytes) {
        let mime = kind.mime_type();
        return ALLOWED
            .iter()
            .find(|allowed| **allowed == mime)
            .copied()
            .ok_or_else(|| {
                Refused::NotAccepted(format!(
                    "files of type {mime} are not accepted; \
                     send PDF, Word, Excel, an image or plain text"
                ))
            });
    }
    if is_plain_text(bytes) {
        return Ok("text/plain; charset=utf-8");
    }
    Err(Refused::NotAccepted(
        "the file is not PDF, Word, Excel, an image or UTF-8 plain text".to_owned(),
    ))
}

/// A zip archive is a Word or Excel document by the names in its central directory, whatever
/// the order of its entries, and only if what it declares to unpack to stays within the limit.
fn detect_zip(bytes: &[u8]) -> Result<&'static str, Refused> {
    let entries = zip::central_directory(bytes).map_err(|e| match e {
        zip::ArchiveError::Zip64 => Refused::Archive {
            code: "archive_zip64",
            message: "ZIP64 archives are not accepted: their sizes cannot be checked".to_owned(),
        },
        zip::ArchiveError::Corrupt(why) => Refused::Archive {
            code: "archive_corrupt",
            message: format!("the archive is corrupt: {why}"),
        },
    })?;
    let total = entries
        .iter()
        .try_fold(0u64, |sum, e| sum.checked_add(e.uncompressed_size))
        .unwrap_or(u64::MAX);
    let limit = unpacked_limit(bytes.len());
    if total > limit {
        return Err(Refused::Archive {
            code: "archive_too_large",
            message: format!("the archive unpacks to {total} bytes, more than the {limit} allowed"),
        });
    }
    let has = |name: &str| entries.iter().any(|e| e.name == name);
    match (
        has("[Content_Types].xml"),
        has("word/document.xml"),
        has("xl/workbook.xml"),
    ) {
        (true, true, false) => Ok(DOCX),
        (true, false, true) => Ok(XLSX),
        _ => Err(Refused::NotAccepted(
            "a zip archive that is not a Word (.docx) or Excel (.xlsx) document is not accepted"
                .to_owned(),
        )),
    }
}

/// The central directory of a zip archive, read by hand (APPNOTE.TXT §4.3): the
/// end-of-central-directory record, then each entry's name and declared sizes, each checked
/// against its local header so that no entry is read two ways.
pub mod zip {
    use std::collections::HashSet;

    const END_SIGNATURE: u32 = 0x0605_4b50;
    const CENTRAL_SIGNATURE: u32 = 0x0201_4b50;
    const LOCAL_SIGNATURE: u32 = 0x0403_4b50;
    const ZIP64_LOCATOR_SIGNATURE: u32 = 0x0706_4b50;
    const END_LEN: usize = 22;
    const CENTRAL_LEN: usize = 46;
    const LOCAL_LEN: usize = 30;
    /// General purpose flag bit 3: sizes follow the data instead of the local header.
    const DATA_DESCRIPTOR: u16 = 1 << 3;

    /// One entry of the central directory.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Entry {
        /// The entry's name (UTF-8, or lossily decoded).
        pub name: String,
        /// The size it declares to unpack to.
        pub uncompressed_size: u64,
    }

    /// Why an archive's central directory cannot be trusted.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub enum ArchiveError {
        /// Structurally broken, truncated or ambiguous.
        Corrupt(&'static str),
        /// Uses ZIP64 sentinels, whose real sizes live elsewhere.
        Zip64,
    }

    fn u16_at(b: &[u8], at: usize) -> Result<u16, ArchiveError> {
        b.get(at..at + 2)
            .map(|s| u16::from_le_bytes([s[0], s[1]]))
            .ok_or(ArchiveError::Corrupt("truncated"))
    }

    fn u32_at(b: &[u8], at: usize) -> Result<u32, ArchiveError> {
        b.get(at..at + 4)
            .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
            .ok_or(ArchiveError::Corrupt("truncated"))
    }

    /// Where the end-of-central-directory record starts: the last signature whose comment
    /// length reaches exactly the end of the file.
    fn find_end(b: &[u8]) -> Result<usize, ArchiveError> {
        let last = b
            .len()
            .checked_sub(END_LEN)
            .ok_or(ArchiveError::Corrupt("too short for a zip archive"))?;
        let first = last.saturating_sub(u16::MAX as usize);
        (first..=last)
            .rev()
            .find(|&at| {
                u32_at(b, at) == Ok(END_SIGNATURE)
                    && u16_at(b, at + 20).is_ok_and(|c| at + END_LEN + c as usize == b.len())
            })
            .ok_or(ArchiveError::Corrupt("no end of central directory record"))
    }

    /// Every entry of the central directory of `b`.
    pub fn central_directory(b: &[u8]) -> Result<Vec<Entry>, ArchiveError> {
        let end = find_end(b)?;
        if end >= 20 && u32_at(b, end - 20) == Ok(ZIP64_LOCATOR_SIGNATURE) {
            return Err(ArchiveError::Zip64);
        }
        let (this_disk, cd_disk) = (u16_at(b, end + 4)?, u16_at(b, end + 6)?);
        let (on_disk, count) = (u16_at(b, end + 8)?, u16_at(b, end + 10)?);
        let (cd_size, cd_offset) = (u32_at(b, end + 12)?, u32_at(b, end + 16)?);
        if count == u16::MAX || cd_size == u32::MAX || cd_offset == u32::MAX {
            return Err(ArchiveError::Zip64);
        }
        if this_disk != 0 || cd_disk != 0 || on_disk != count {
            return Err(ArchiveError::Corrupt(
                "multi-volume archives are not accepted",
            ));
        }
        let (cd_start, cd_end) = (cd_offset as usize, cd_offset as usize + cd_size as usize);
        if cd_end != end {
            return Err(ArchiveError::Corrupt(
                "the central directory is not where it says",
            ));
        }
        let mut entries = Vec::with_capacity(count as usize);
        let mut names = HashSet::new();
        let mut at = cd_start;
        for _ in 0..count {
            if u32_at(b, at)? != CENTRAL_SIGNATURE {
                return Err(ArchiveError::Corrupt("a central directory entry is broken"));
            }
            let flags = u16_at(b, at + 8)?;
            let compressed = u32_at(b, at + 20)?;
            let uncompressed = u32_at(b, at + 24)?;
            let name_len = u16_at(b, at + 28)? as usize;
            let extra_len = u16_at(b, at + 30)? as usize;
            let comment_len = u16_at(b, at + 32)? as usize;
            let local = u32_at(b, at + 42)?;
            if [compressed, uncompressed, local].contains(&u32::MAX) {
                return Err(ArchiveError::Zip64);
            }
            let name_start = at + CENTRAL_LEN;
            let name = b
                .get(name_start..name_start + name_len)
                .ok_or(ArchiveError::Corrupt("truncated"))?;
            at = name_start + name_len + extra_len + comment_len;
            if at > cd_end {
                return Err(ArchiveError::Corrupt(
                    "an entry runs past the central directory",
                ));
            }
            check_local(
                b,
                local as usize,
                name,
                flags,
                compressed,
                uncompressed,
                cd_start,
            )?;
            if !names.insert(name) {
                return Err(ArchiveError::Corrupt("two entries have the same name"));
            }
            entries.push(Entry {
                name: String::from_utf8_lossy(name).into_owned(),
                uncompressed_size: u64::from(uncompressed),
            });
        }
        if at != cd_end {
            return Err(ArchiveError::Corrupt(
                "the central directory has trailing bytes",
            ));
        }
        Ok(entries)
    }

    /// The local header must exist, carry the same name and (unless deferred to a data
    /// descriptor) the same sizes, and its data must end before the central directory.
    fn check_local(
        b: &[u8],
        at: usize,
        name: &[u8],
        flags: u16,
        compressed: u32,
        uncompressed: u32,
        cd_start: usize,
    ) -> Result<(), ArchiveError> {
        let mismatch = ArchiveError::Corrupt("a local header disagrees with the central directory");
        if u32_at(b, at)? != LOCAL_SIGNATURE {
            return Err(mismatch);
        }
        let name_len = u16_at(b, at + 26)? as usize;
        let extra_len = u16_at(b, at + 28)? as usize;
        let name_start = at + LOCAL_LEN;
        if b.get(name_start..name_start + name_len) != Some(name) {
            return Err(mismatch);
        }
        if flags & DATA_DESCRIPTOR == 0
            && (u32_at(b, at + 18)? != compressed || u32_at(b, at + 22)? != uncompressed)
        {
            return Err(mismatch);
        }
        if name_start + name_len + extra_len + compressed as usize > cd_start {
            return Err(ArchiveError::Corrupt(
                "an entry's data overlaps the central directory",
            ));
        }
        Ok(())
    }
}

/// UTF-8 text without NUL bytes that is not markup (an HTML page named `.txt` is refused).
fn is_plain_text(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)) else {
        return false;
    };
    if text.contains('\0') {
        return false;
    }
    let head: String = text
        .chars()
        .take(1024)
        .collect::<String>()
        .to_ascii_lowercase();
    let start = head.trim_start();
    let markup = [
        "<!doctype",
        "<html",
        "<?xml",
        "<svg",
        "<script",
        "<body",
        "<head",
        "<iframe",
    ];
    !(markup.iter().any(|m| start.starts_with(m))
        || head.contains("<html")
        || head.contains("<script"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_decides_not_the_name() {
        assert_eq!(
            detect(b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj"),
            Ok("application/pdf")
        );
        assert_eq!(
            detect("自查报告：本单位全年召开专题会议4次。".as_bytes()),
            Ok("text/plain; charset=utf-8")
        );
        assert!(detect(b"<!DOCTYPE html><html><body>x</body></html>").is_err());
        assert!(
            detect(b"PK\x03\x04\x14\x00\x00\x00\x08\x00").is_err(),
            "a plain zip is not a Word file"
        );
        assert!(detect(b"\x00\x01\x02binary").is_err());
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), Ok("image/png"));
    }

    /// A zip archive of stored entries: (name, data, declared uncompressed size).
    fn archive(entries: &[(&str, &[u8], u32)]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data, size) in entries {
            let offset = out.len() as u32;
            let common = |v: &mut Vec<u8>| {
                v.extend_from_slice(&[20, 0, 0, 0, 0, 0, 0, 0, 0x21, 0, 0, 0, 0, 0]);
                v.extend_from_slice(&(data.len() as u32).to_le_bytes());
                v.extend_from_slice(&size.to_le_bytes());
                v.extend_from_slice(&(name.len() as u16).to_le_bytes());
                v.extend_from_slice(&[0, 0]);
            };
            out.extend_from_slice(b"PK\x03\x04");
            common(&mut out);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(data);
            central.extend_from_slice(b"PK\x01\x02\x14\x00");
            common(&mut central);
            central.extend_from_slice(&[0; 10]); // comment, disk, attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
        let count = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&[count[0], count[1], count[0], count[1]]);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out
    }

    const TYPES: (&str, &[u8], u32) = ("[Content_Types].xml", b"<Types/>", 8);
    const WORD: (&str, &[u8], u32) = ("word/document.xml", b"<w:document/>", 13);
    const EXCEL: (&str, &[u8], u32) = ("xl/workbook.xml", b"<workbook/>", 11);

    #[test]
    fn word_and_excel_are_recognised_in_either_order() {
        assert_eq!(detect(&archive(&[TYPES, WORD])), Ok(DOCX));
        assert_eq!(detect(&archive(&[WORD, TYPES])), Ok(DOCX));
        assert_eq!(detect(&archive(&[EXCEL, TYPES])), Ok(XLSX));
        let plain = archive(&[("readme.txt", b"hello", 5)]);
        assert!(matches!(detect(&plain), Err(Refused::NotAccepted(_))));
        let entries = zip::central_directory(&archive(&[WORD, TYPES])).expect("parses");
        assert_eq!(entries[1].name, "[Content_Types].xml");
        assert_eq!(entries[0].uncompressed_size, 13);
    }

    #[test]
    fn a_bomb_is_refused_in_either_order() {
        let bomb = ("word/document.xml", &b"<w:document/>"[..], 50 * 1024 * 1024);
        for entries in [[TYPES, bomb], [bomb, TYPES]] {
            let refused = detect(&archive(&entries)).expect_err("a bomb");
            assert!(
                matches!(
                    refused,
                    Refused::Archive {
                        code: "archive_too_large",
                        ..
                    }
                ),
                "{refused:?}"
            );
        }
        assert_eq!(unpacked_limit(1024), UNPACKED_FLOOR_BYTES);
        assert_eq!(unpacked_limit(200 * 1024 * 1024), MAX_UNPACKED_BYTES);
        assert_eq!(unpacked_limit(500_000), 50_000_000);
    }

    #[test]
    fn truncated_corrupt_and_zip64_archives_are_refused() {
        let whole = archive(&[TYPES, WORD]);
        let corrupt = |bytes: &[u8]| {
            matches!(
                detect(bytes),
                Err(Refused::Archive {
                    code: "archive_corrupt",
                    ..
                })
            )
        };
        assert!(
            corrupt(&whole[..whole.len() - 1]),
            "the end record cut short"
        );
        assert!(corrupt(&whole[..whole.len() / 2]), "cut in half");
        assert!(corrupt(b"PK\x03\x04"), "only a signature");
        let mut lying = whole.clone();
        let end = lying.len() - 22;
        lying[end + 16] ^= 1; // the central directory offset
        assert!(corrupt(&lying), "the offset points elsewhere");
        let mut renamed = whole.clone();
        renamed[30] = b'x'; // the first local header's name
        assert!(corrupt(&renamed), "local and central names differ");
        assert!(corrupt(&archive(&[WORD, WORD, TYPES])), "a name twice");
        let mut zip64 = whole.clone();
        zip64[end + 12..end + 16].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            zip::central_directory(&zip64),
            Err(zip::ArchiveError::Zip64)
        );
    }
}
