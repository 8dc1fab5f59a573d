//! The README's Dioxus snippet ("From Rust", "Yew and Dioxus"), as a page:
//! tests/examples checks that the README shows this code, builds it and
//! opens it in Chromium.

// Dioxus 0.7 (features = ["web"]).
use dioxus::prelude::*;
use eventsource_wasm::{Event, EventSource};
use futures_util::StreamExt;

#[component]
fn Feed() -> Element {
    let mut lines = use_signal(Vec::<String>::new);
    let mut ready_state = use_signal(|| 0u16);
    // The task ends with the component, and drops the source: it closes.
    use_future(move || async move {
        let Ok(mut source) = EventSource::builder("/events")
            .header("Authorization", "Bearer token")
            .body(r#"{"topic":"news"}"#) // a POST
            .build()
        else {
            return;
        };
        while let Some(event) = source.next().await {
            if let Event::Message(message) = event {
                lines.push(message.data);
            }
            ready_state.set(source.ready_state() as u16);
        }
    });
    rsx! {
        p { "readyState {ready_state}" }
        ul {
            for line in lines.iter() {
                li { "{line}" }
            }
        }
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn main() {
    // Renders into the page's `<div id="main">` (dioxus-web's default root).
    dioxus::launch(Feed);
}
