//! A URL's credentials (`http://user:pass@host/`) as HTTP Basic
//! authentication: Fetch refuses a URL that carries them, while the
//! standard's fetch requests the URL without them and answers a 401 Basic
//! challenge with them. A host splits them off the URL (with its own URL
//! parser), decodes each with [`percent_decode`] and sends
//! [`basic_authorization`] as the `Authorization` header when the machine
//! says so ([`Request::authorize`](crate::machine::Request::authorize)).
//!
//! ```
//! use eventsource_core::credentials::{basic_authorization, percent_decode};
//!
//! let user = percent_decode("user").unwrap();
//! let password = percent_decode("pa%20ss").unwrap();
//! assert_eq!(basic_authorization(&user, &password), "Basic dXNlcjpwYSBzcw==");
//! ```

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

/// Why a user name or password cannot be decoded (where JavaScript's
/// `decodeURIComponent` throws a `URIError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PercentError {
    /// A `%` at this byte offset is not followed by two hexadecimal digits.
    Escape(usize),
    /// The decoded bytes are not UTF-8.
    Utf8,
}

impl fmt::Display for PercentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PercentError::Escape(at) => write!(
                f,
                "the '%' at offset {at} is not followed by two hexadecimal digits (write a literal '%' as %25)"
            ),
            PercentError::Utf8 => f.write_str("its percent-encoded bytes are not UTF-8"),
        }
    }
}

impl core::error::Error for PercentError {}

/// `text` with every `%XX` replaced by the byte it encodes, read as UTF-8:
/// what `decodeURIComponent` gives (and where it throws, an error).
pub fn percent_decode(text: &str) -> Result<String, PercentError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let digit = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
            match (digit(i + 1), digit(i + 2)) {
                (Some(high), Some(low)) => out.push((high * 16 + low) as u8),
                _ => return Err(PercentError::Escape(i)),
            }
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| PercentError::Utf8)
}

/// The `Authorization` header's value for HTTP Basic (RFC 7617 §2):
/// `Basic ` and the base64 of the UTF-8 bytes of `user:password`.
pub fn basic_authorization(user: &str, password: &str) -> String {
    let mut pair = Vec::with_capacity(user.len() + 1 + password.len());
    pair.extend_from_slice(user.as_bytes());
    pair.push(b':');
    pair.extend_from_slice(password.as_bytes());
    let mut out = String::from("Basic ");
    base64(&pair, &mut out);
    out
}

/// RFC 4648 §4 base64, with padding.
fn base64(bytes: &[u8], out: &mut String) {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for group in bytes.chunks(3) {
        let n = group
            .iter()
            .enumerate()
            .fold(0u32, |n, (k, b)| n | u32::from(*b) << (16 - 8 * k));
        for k in 0..4 {
            if k <= group.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * k) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::string::ToString;

    #[test]
    fn percent_decode_reads_escapes_as_utf8_bytes() {
        for (text, decoded) in [
            ("user", "user"),
            ("", ""),
            ("pa%20ss", "pa ss"),
            ("%C3%A9t%C3%A9", "été"),
            ("%e2%82%ac", "€"),
            ("%F0%9F%98%80", "😀"),
            ("a%25b", "a%b"),
            ("%3A%40", ":@"),
            ("plain+plus", "plain+plus"),
        ] {
            assert_eq!(percent_decode(text).as_deref(), Ok(decoded), "{text}");
        }
    }

    #[test]
    fn percent_decode_refuses_what_decode_uri_component_throws_on() {
        for (text, error) in [
            ("%", PercentError::Escape(0)),
            ("ab%2", PercentError::Escape(2)),
            ("%ZZ", PercentError::Escape(0)),
            ("x%g1", PercentError::Escape(1)),
            ("%C3", PercentError::Utf8),
            ("%FF", PercentError::Utf8),
            ("%C3%28", PercentError::Utf8),
            ("%ED%A0%80", PercentError::Utf8),
        ] {
            assert_eq!(percent_decode(text), Err(error), "{text}");
        }
        let message = PercentError::Escape(3).to_string();
        assert!(message.contains("offset 3") && message.contains("%25"), "{message}");
        assert!(PercentError::Utf8.to_string().contains("not UTF-8"));
    }

    #[test]
    fn basic_authorization_is_base64_of_the_utf8_pair_rfc_7617() {
        for ((user, password), header) in [
            // RFC 7617 §2's example.
            (("Aladdin", "open sesame"), "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="),
            (("user", "pa ss"), "Basic dXNlcjpwYSBzcw=="),
            // RFC 7617 §2.1's UTF-8 example ("test" / "123£").
            (("test", "123\u{a3}"), "Basic dGVzdDoxMjPCow=="),
            (("", ""), "Basic Og=="),
            (("a", ""), "Basic YTo="),
            (("ab", ""), "Basic YWI6"),
        ] {
            assert_eq!(basic_authorization(user, password), header, "{user}:{password}");
        }
    }
}
