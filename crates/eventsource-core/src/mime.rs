//! Is a response's `Content-Type` `text/event-stream`?
//!
//! HTML §9.2.2 requires the response's MIME type, as Fetch's "extract a MIME
//! type" gives it, to be `text/event-stream`. That algorithm looks at every
//! comma-separated value of the header (a combined header arrives as
//! `a, b`), parses each with MIME Sniffing's "parse a MIME type", skips
//! failures and `*/*`, and keeps the last one. Only the essence matters here:
//! parameters such as `charset` never make the check fail (the stream is
//! UTF-8 whatever they say).

/// HTTP whitespace: tab, LF, CR, space.
fn is_http_whitespace(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// HTTP token code points (RFC 9110 `tchar`). A `match`, not a search of
/// a byte string: `<[u8]>::contains` is core's own memchr, a second
/// implementation next to the `memchr` crate's in the wasm.
fn is_token(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~'
        )
}

/// A space or a tab (RFC 9110's optional whitespace): what header values
/// are trimmed of, by [`trim`] (a `str` pattern, a `[char; 2]` or a
/// predicate, brings a searcher of 260 B of its own into the wasm).
pub(crate) fn space_or_tab(b: u8) -> bool {
    matches!(b, b' ' | b'\t')
}

/// `bytes` without the bytes `pred` accepts at either end.
pub(crate) fn trim(bytes: &[u8], pred: fn(u8) -> bool) -> &[u8] {
    let start = bytes.iter().position(|&b| !pred(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !pred(b)).map_or(start, |i| i + 1);
    &bytes[start..end]
}

/// MIME Sniffing "parse a MIME type", reduced to what is needed: the type
/// and subtype (compare them case-insensitively), or `None` on failure.
fn essence(value: &[u8]) -> Option<(&[u8], &[u8])> {
    let value = trim(value, is_http_whitespace);
    let slash = value.iter().position(|&b| b == b'/')?;
    let kind = &value[..slash];
    let rest = &value[slash + 1..];
    let semicolon = rest.iter().position(|&b| b == b';').unwrap_or(rest.len());
    // Trailing whitespace is removed from the subtype; leading whitespace is
    // not, so it fails the token check below.
    let subtype_raw = &rest[..semicolon];
    let subtype_end = subtype_raw
        .iter()
        .rposition(|&b| !is_http_whitespace(b))
        .map_or(0, |i| i + 1);
    let subtype = &subtype_raw[..subtype_end];
    if kind.is_empty() || subtype.is_empty() {
        return None;
    }
    if !kind.iter().copied().all(is_token) || !subtype.iter().copied().all(is_token) {
        return None;
    }
    Some((kind, subtype))
}

/// Fetch "getting, decoding, and splitting": split a header value on commas
/// that are not inside a quoted string.
fn split_values(header: &[u8]) -> alloc::vec::Vec<&[u8]> {
    let mut values = alloc::vec::Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut quoted = false;
    while i < header.len() {
        match header[i] {
            b'"' => quoted = !quoted,
            b'\\' if quoted => i += 1,
            b',' if !quoted => {
                values.push(trim(&header[start..i], |b| b == b'\t' || b == b' '));
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    values.push(trim(&header[start.min(header.len())..], |b| b == b'\t' || b == b' '));
    values
}

/// Whether a Content-Type header value makes the response an event stream.
pub fn is_event_stream(content_type: &str) -> bool {
    let mut last = None;
    for value in split_values(content_type.as_bytes()) {
        match essence(value) {
            Some((kind, subtype)) if !(kind == b"*" && subtype == b"*") => last = Some((kind, subtype)),
            _ => {}
        }
    }
    matches!(last, Some((kind, subtype))
        if kind.eq_ignore_ascii_case(b"text") && subtype.eq_ignore_ascii_case(b"event-stream"))
}

#[cfg(test)]
mod tests {
    use super::is_event_stream;

    #[test]
    fn exact_type_and_parameters_are_accepted() {
        for ok in [
            "text/event-stream",
            "TEXT/Event-Stream",
            "text/event-stream;charset=utf-8",
            "text/event-stream; charset=windows-1252",
            " text/event-stream \t",
            "text/event-stream ;x=y",
            "text/html, text/event-stream",
            "text/event-stream, */*",
            "text/event-stream;a=\"b,c\"",
        ] {
            assert!(is_event_stream(ok), "{ok:?} should be accepted");
        }
    }

    #[test]
    fn other_types_and_malformed_values_are_refused() {
        for bad in [
            "",
            "text/plain",
            "text/event-stream-x",
            "text/eventstream",
            "text /event-stream",
            "text/event stream",
            "event-stream",
            "text/event-stream, text/html",
            "text/event-stream, text/plain;a=b",
            "*/*",
        ] {
            assert!(!is_event_stream(bad), "{bad:?} should be refused");
        }
    }
}
