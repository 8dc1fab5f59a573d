//! Everything this app asks of eventsource-wasm's `EventSource`: a POST
//! with a bearer token and a JSON body, its events as a stream, its
//! readyState, and closing it.

use eventsource_wasm::{Event, EventSource};
use futures_util::StreamExt;

use crate::{Request, Shown};

pub struct Feed {
    source: EventSource,
}

impl Feed {
    pub fn open(request: &Request<'_>) -> Result<Feed, String> {
        let source = EventSource::builder(request.url)
            .method("POST")
            .header("Authorization", format!("Bearer {}", request.token))
            .header("Content-Type", "application/json")
            .body(request.body)
            .build()
            // A typed error (a bad header, method or URL), known before any request.
            .map_err(|error| error.to_string())?;
        Ok(Feed { source })
    }

    /// The next thing to show; `None` once the source is closed for good.
    pub async fn next(&mut self) -> Option<Shown> {
        while let Some(event) = self.source.next().await {
            return Some(match event {
                Event::Open(_) => Shown::Open,
                Event::Message(message) => Shown::Message {
                    kind: message.event_type,
                    data: message.data,
                    id: message.last_event_id,
                },
                // The reason says why (network, status, type, …); after a
                // fatal one the stream ends.
                Event::Error(error) => Shown::Error(error.to_string()),
                // Warnings and comments: nothing this page shows.
                _ => continue,
            });
        }
        None
    }

    pub fn ready_state(&self) -> u16 {
        self.source.ready_state() as u16
    }

    pub fn close(&mut self) {
        self.source.close();
    }
}
