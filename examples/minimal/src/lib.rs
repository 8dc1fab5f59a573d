//! eventsource-wasm's Rust API without a framework: `wasm-bindgen`,
//! `web-sys` and `wasm-bindgen-futures::spawn_local`. The page
//! (`index.html`) has a `<output id="ready-state">` and an `<ol
//! id="events">`; each message becomes a list item. The stream's URL is the
//! page's `?stream=` parameter (default `/demo/clock`).

use eventsource_wasm::{Event, EventSource};
use futures_util::StreamExt;
use wasm_bindgen::prelude::*;
use web_sys::{Document, UrlSearchParams};

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
    let mut source = match EventSource::new(&url) {
        Ok(source) => source,
        Err(error) => return show(&document, "error", &error.to_string()),
    };
    wasm_bindgen_futures::spawn_local(async move {
        // The stream ends when the source closes for good; dropping the
        // source (at the end of this task) would close it.
        while let Some(event) = source.next().await {
            let shown = match event {
                Event::Open(_) => show(&document, "open", "open"),
                Event::Message(message) => show(&document, &message.event_type, &message.data),
                Event::Error(error) => show(&document, "error", &error.to_string()),
                _ => Ok(()),
            };
            let state = ["CONNECTING", "OPEN", "CLOSED"][source.ready_state() as usize];
            if let (Ok(()), Some(output)) = (shown, document.get_element_by_id("ready-state")) {
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
