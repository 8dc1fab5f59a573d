//! A Leptos (client-side rendered) app on eventsource-wasm's Rust API: it
//! streams a POST with an `Authorization` header and shows each event and
//! the source's readyState as they change.
//!
//! The page takes its stream from the query string: `?stream=URL` (default
//! `/demo/rust`, the demo site's stream) and `token=T` (default
//! `demo-token`), sent as `Authorization: Bearer T`.
//!
//! Everything the app asks of the EventSource is in `feed.rs`. The size
//! benchmark (`npm run bench:rust-size`) builds this same app over gloo-net's
//! and reqwest-eventsource's `EventSource` instead (`src/size/`), chosen by a
//! Cargo feature.

use futures_channel::oneshot;
use futures_util::future::{Either, select};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::prelude::*;

#[cfg(not(any(feature = "size-gloo-net", feature = "size-reqwest-eventsource")))]
mod feed;
#[cfg(feature = "size-gloo-net")]
#[path = "size/gloo_net.rs"]
mod feed;
#[cfg(all(feature = "size-reqwest-eventsource", not(feature = "size-gloo-net")))]
#[path = "size/reqwest_eventsource.rs"]
mod feed;

/// What the page shows of one thing the source reported.
#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// The connection opened.
    Open,
    /// An event: its type, data and last event ID.
    Message { kind: String, data: String, id: String },
    /// A connection error, in words (the source may be reconnecting).
    Error(String),
}

/// The request the app makes: a POST with a bearer token and a JSON body.
pub struct Request<'a> {
    pub url: &'a str,
    pub token: &'a str,
    pub body: &'a str,
}

const STATE_NAMES: [&str; 3] = ["CONNECTING", "OPEN", "CLOSED"];

#[component]
fn App(url: String, token: String) -> impl IntoView {
    let (ready_state, set_ready_state) = signal(0u16);
    let (updates, set_updates) = signal(Vec::<Shown>::new());
    let shown_url = url.clone();
    let (stop, stop_rx) = oneshot::channel::<()>();
    // The Close button's end of the channel: taken once.
    let stop = StoredValue::new(Some(stop));

    spawn_local(async move {
        let request = Request {
            url: &url,
            token: &token,
            body: r#"{"topic":"news"}"#,
        };
        let mut feed = match feed::Feed::open(&request) {
            Ok(feed) => feed,
            Err(message) => {
                set_ready_state.set(2);
                set_updates.update(|u| u.push(Shown::Error(message)));
                return;
            }
        };
        set_ready_state.set(feed.ready_state());
        let mut stop_rx = stop_rx;
        loop {
            // `Some(next)`: the feed's next item (`None` when it ended);
            // `None`: the Close button was pressed first.
            let step = match select(Box::pin(feed.next()), &mut stop_rx).await {
                Either::Left((next, _)) => Some(next),
                Either::Right(_) => None,
            };
            match step {
                Some(Some(shown)) => {
                    set_ready_state.set(feed.ready_state());
                    set_updates.update(|u| u.push(shown));
                }
                // The stream ended: the source closed for good.
                Some(None) => break,
                None => {
                    feed.close();
                    break;
                }
            }
        }
        set_ready_state.set(feed.ready_state());
    });

    view! {
        <h1>"eventsource-wasm from Leptos"</h1>
        <p>
            "A Leptos app on the Rust API of eventsource-wasm: a POST to " <code>{shown_url}</code>
            " with an " <code>"Authorization"</code> " header, its events as a stream."
        </p>
        <p>
            "readyState "
            <output id="ready-state" data-value=move || ready_state.get().to_string()>
                {move || STATE_NAMES.get(usize::from(ready_state.get())).copied().unwrap_or("?")}
            </output>
            " "
            <button
                id="close"
                disabled=move || ready_state.get() == 2
                on:click=move |_| {
                    if let Some(stop) = stop.try_update_value(Option::take).flatten() {
                        let _ = stop.send(());
                    }
                }
            >
                "Close"
            </button>
        </p>
        <ol id="events">
            {move || {
                updates
                    .get()
                    .into_iter()
                    .map(|update| match update {
                        Shown::Open => view! { <li data-kind="open">"open"</li> }.into_any(),
                        Shown::Message { kind, data, id } => {
                            let label = kind.clone();
                            view! {
                                <li data-kind="message" data-type=kind data-id=id>
                                    <code>{label}</code>
                                    " "
                                    <span class="data">{data}</span>
                                </li>
                            }
                                .into_any()
                        }
                        Shown::Error(text) => {
                            view! { <li data-kind="error">"error: " {text}</li> }.into_any()
                        }
                    })
                    .collect_view()
            }}
        </ol>
    }
}

/// The query parameter `name` of the page's URL, if it is there.
fn query(name: &str) -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&search).ok()?.get(name)
}

#[wasm_bindgen(start)]
pub fn main() {
    let url = query("stream").unwrap_or_else(|| "/demo/rust".into());
    let token = query("token").unwrap_or_else(|| "demo-token".into());
    leptos::mount::mount_to_body(move || view! { <App url token /> });
}
