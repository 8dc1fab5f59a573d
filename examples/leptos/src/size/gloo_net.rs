//! The app's feed over gloo-net's `EventSource`, for the size benchmark
//! only. It wraps the browser's own object, so it can send neither the POST
//! nor the `Authorization` header: it makes a GET to the same URL.

use futures_util::StreamExt;
use futures_util::stream::{SelectAll, select_all};
use gloo_net::eventsource::State;
use gloo_net::eventsource::futures::{EventSource, EventSourceSubscription};

use crate::{Request, Shown};

pub struct Feed {
    source: Option<EventSource>,
    events: SelectAll<EventSourceSubscription>,
}

impl Feed {
    pub fn open(request: &Request<'_>) -> Result<Feed, String> {
        let mut source = EventSource::new(request.url).map_err(|e| e.to_string())?;
        let messages = source.subscribe("message").map_err(|e| e.to_string())?;
        Ok(Feed {
            source: Some(source),
            events: select_all([messages]),
        })
    }

    pub async fn next(&mut self) -> Option<Shown> {
        Some(match self.events.next().await? {
            Ok((kind, event)) => Shown::Message {
                kind,
                data: event.data().as_string().unwrap_or_default(),
                id: event.last_event_id(),
            },
            Err(error) => Shown::Error(error.to_string()),
        })
    }

    pub fn ready_state(&self) -> u16 {
        match self.source.as_ref().map(EventSource::state) {
            Some(State::Connecting) => 0,
            Some(State::Open) => 1,
            Some(State::Closed) | None => 2,
        }
    }

    pub fn close(&mut self) {
        if let Some(source) = self.source.take() {
            source.close();
        }
    }
}
