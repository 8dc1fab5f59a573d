//! eventsource-wasm's Rust API without a framework: `wasm-bindgen`,
//! `web-sys` and `wasm-bindgen-futures::spawn_local`. The page
//! (`index.html`) has a `<output id="ready-state">` and an `<ol
//! id="events">`; each message becomes a list item. The stream's URL is the
//! page's `?stream=` parameter (default `/demo/clock`).
//!
//! Everything the page asks of the EventSource is in `feed.rs`. The size
//! benchmark (`npm run bench:rust-size`) builds this same page over
//! gloo-net's and reqwest-eventsource's `EventSource` instead
//! (`src/size/`), chosen by a Cargo feature.

use wasm_bindgen::prelude::*;
use web_sys::{Document, UrlSearchParams};

#[cfg(not(any(feature = "size-gloo-net", feature = "size-reqwest-eventsource")))]
mod feed;
#[cfg(feature = "size-gloo-net")]
#[path = "size/gloo_net.rs"]
mod feed;
#[cfg(all(feature = "size-reqwest-eventsource", not(feature = "size-gloo-net")))]
#[path = "size/reqwest_eventsource.rs"]
mod feed;

/// One list item: what kind of thing the source reported (`open`, an
/// event's type, `error`) and its text.
pub struct Shown {
    pub kind: String,
    pub text: String,
}

#[wasm_bindgen(start)]
pub fn main() -> Result<(), JsValue> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("this example runs in a page")?;
    let search = document.location().ok_or("the page has no location")?.search()?;
    let url = UrlSearchParams::new_with_str(&search)?
        .get("stream")
        .unwrap_or_else(|| "/demo/clock".into());
    // A bad URL is an error here, before any request: shown, not thrown.
    let mut feed = match feed::Feed::open(&url) {
        Ok(feed) => feed,
        Err(message) => return show(&document, "error", &message),
    };
    wasm_bindgen_futures::spawn_local(async move {
        // The stream ends when the source closes for good; dropping the
        // source (at the end of this task) would close it.
        while let Some(Shown { kind, text }) = feed.next().await {
            let state = ["CONNECTING", "OPEN", "CLOSED"][usize::from(feed.ready_state())];
            if let (Ok(()), Some(output)) = (show(&document, &kind, &text), document.get_element_by_id("ready-state")) {
                output.set_text_content(Some(state));
            }
        }
    });
    Ok(())
}

/// Appends `<li data-kind="KIND">TEXT</li>` to the page's event list.
fn show(document: &Document, kind: &str, text: &str) -> Result<(), JsValue> {
    let item = document.create_element("li")?;
    item.set_attribute("data-kind", kind)?;
    item.set_text_content(Some(text));
    document
        .get_element_by_id("events")
        .ok_or("the page has no #events list")?
        .append_child(&item)?;
    Ok(())
}
