//! The README's Yew snippet ("From Rust", "Yew and Dioxus"), as a page:
//! tests/examples checks that the README shows this code, builds it and
//! opens it in Chromium.

// Yew 0.23 (features = ["csr"]); futures-util with its "alloc" feature.
use eventsource_wasm::{Event, EventSource};
use futures_util::{StreamExt, future::abortable};
use yew::prelude::*;

#[function_component]
fn Feed() -> Html {
    let lines = use_state(Vec::<String>::new);
    let ready_state = use_state(|| 0u16);
    {
        let (lines, ready_state) = (lines.clone(), ready_state.clone());
        use_effect_with((), move |_| {
            let (task, abort) = abortable(async move {
                let Ok(mut source) = EventSource::builder("/events")
                    .header("Authorization", "Bearer token")
                    .body(r#"{"topic":"news"}"#) // a POST
                    .build()
                else {
                    return;
                };
                let mut seen = Vec::new();
                while let Some(event) = source.next().await {
                    if let Event::Message(message) = event {
                        seen.push(message.data);
                        lines.set(seen.clone());
                    }
                    ready_state.set(source.ready_state() as u16);
                }
            });
            wasm_bindgen_futures::spawn_local(async move {
                let _ = task.await;
            });
            // Unmounting aborts the task, which drops the source: it closes.
            move || abort.abort()
        });
    }
    html! {
        <>
            <p>{ format!("readyState {}", *ready_state) }</p>
            <ul>{ for lines.iter().map(|line| html! { <li>{ line }</li> }) }</ul>
        </>
    }
}

#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn main() {
    yew::Renderer::<Feed>::new().render();
}
