//! What the protocol needs to know of a URL that the host has already parsed
//! and serialized (with a real URL parser: the WHATWG one in browsers and
//! Node, the `url` crate natively). Nothing here parses a URL; it reads the
//! scheme and origin of a serialized one.

/// The scheme of a serialized URL (lowercase already, as serializers
/// write it): the text before the first `:`.
pub fn scheme(url: &str) -> &str {
    match url.as_bytes().iter().position(|&b| b == b':') {
        Some(colon) => url.get(..colon).unwrap_or(""),
        None => "",
    }
}

/// The serialized origin (`scheme://host[:port]`) of an `http:` or `https:`
/// URL as serializers write it (default ports already dropped); `None` for
/// other schemes, whose origins are opaque or not what CORS compares.
pub fn origin(url: &str) -> Option<&str> {
    let start = if url.starts_with("http://") {
        7
    } else if url.starts_with("https://") {
        8
    } else {
        return None;
    };
    let end = url.as_bytes()[start..]
        .iter()
        .position(|&b| matches!(b, b'/' | b'?' | b'#'))
        .map_or(url.len(), |p| p + start);
    url.get(..end)
}

/// Whether a request from `client_origin` to `url` is cross-origin, which
/// CORS applies to. False where the client has no origin (native clients,
/// Node) and for URLs that are not `http(s)`.
pub fn is_cross_origin(client_origin: Option<&str>, url: &str) -> bool {
    match (client_origin, origin(url)) {
        (Some(here), Some(there)) => here != there,
        _ => false,
    }
}

/// Whether a client can fetch `url` at all. Fetch (§4.1 "main fetch") loads
/// `http:` and `https:` URLs over the network, `data:` URLs, and `blob:`
/// URLs of the client's own origin; every other scheme (`ftp:`, `file:`,
/// `about:`, `mailto:`, `javascript:`, `ws:` …) is a network error each
/// time, which HTML §9.2.4 lets a user agent know to be futile: the
/// connection then fails instead of being reestablished forever.
pub fn is_fetchable(url: &str, client_origin: Option<&str>) -> bool {
    match scheme(url) {
        "http" | "https" | "data" => true,
        // blob:https://example.com/uuid: its origin is the embedded URL's.
        "blob" => match (client_origin, url.get(5..).and_then(origin)) {
            (Some(here), Some(there)) => here == there,
            (Some(_), None) => false,
            (None, _) => true,
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_is_scheme_host_and_port() {
        assert_eq!(origin("http://a.test/x?y#z"), Some("http://a.test"));
        assert_eq!(origin("https://a.test:8443"), Some("https://a.test:8443"));
        assert_eq!(origin("http://a.test?q"), Some("http://a.test"));
        assert_eq!(origin("data:text/plain,x"), None);
        assert_eq!(origin("ftp://a.test/"), None);
    }

    #[test]
    fn cross_origin_needs_a_client_origin() {
        assert!(is_cross_origin(Some("http://a.test"), "http://b.test/"));
        assert!(is_cross_origin(Some("http://a.test"), "https://a.test/"));
        assert!(!is_cross_origin(Some("http://a.test"), "http://a.test/x"));
        assert!(!is_cross_origin(None, "http://b.test/"));
        assert!(!is_cross_origin(Some("http://a.test"), "data:,x"));
    }

    #[test]
    fn only_http_data_and_own_blob_urls_are_fetchable() {
        for ok in [
            "http://a.test/",
            "https://a.test/",
            "data:text/event-stream,data:x%0A%0A",
        ] {
            assert!(is_fetchable(ok, Some("http://a.test")), "{ok}");
            assert!(is_fetchable(ok, None), "{ok}");
        }
        assert!(is_fetchable("blob:http://a.test/1234", Some("http://a.test")));
        assert!(!is_fetchable("blob:http://b.test/1234", Some("http://a.test")));
        assert!(!is_fetchable("blob:null/1234", Some("http://a.test")));
        for futile in [
            "ftp://a.test/",
            "file:///etc/passwd",
            "about:blank",
            "mailto:a@b.test",
            "javascript:void(0)",
            "ws://a.test/",
            "wss://a.test/",
            "chrome://settings",
            "",
        ] {
            assert!(!is_fetchable(futile, Some("http://a.test")), "{futile}");
            assert!(!is_fetchable(futile, None), "{futile}");
        }
    }
}
