//! Everything this page asks of eventsource-wasm's `EventSource`: a GET,
//! its events as a stream, and its readyState.

use eventsource_wasm::{Event, EventSource};
use futures_util::StreamExt;

use crate::Shown;

pub struct Feed {
    source: EventSource,
}

impl Feed {
    pub fn open(url: &str) -> Result<Feed, String> {
        // A typed error (a URL that cannot be used), known before any request.
        let source = EventSource::new(url).map_err(|error| error.to_string())?;
        Ok(Feed { source })
    }

    /// The next thing to show; `None` once the source is closed for good.
    pub async fn next(&mut self) -> Option<Shown> {
        while let Some(event) = self.source.next().await {
            let (kind, text) = match event {
                Event::Open(_) => ("open".into(), "open".into()),
                Event::Message(message) => (message.event_type, message.data),
                // The reason says why; after a fatal one the stream ends.
                Event::Error(error) => ("error".into(), error.to_string()),
                // Warnings and comments: nothing this page shows.
                _ => continue,
            };
            return Some(Shown { kind, text });
        }
        None
    }

    pub fn ready_state(&self) -> u16 {
        self.source.ready_state() as u16
    }
}
