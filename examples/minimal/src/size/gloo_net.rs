//! The page's feed over gloo-net's `EventSource`, for the size benchmark
//! only. It wraps the browser's own object (the same GET); it reports no
//! `open`, and only the event types it subscribes to (`message`, `tick`).

use futures_util::StreamExt;
use futures_util::stream::{SelectAll, select_all};
use gloo_net::eventsource::State;
use gloo_net::eventsource::futures::{EventSource, EventSourceSubscription};

use crate::Shown;

pub struct Feed {
    source: EventSource,
    events: SelectAll<EventSourceSubscription>,
}

impl Feed {
    pub fn open(url: &str) -> Result<Feed, String> {
        let mut source = EventSource::new(url).map_err(|e| e.to_string())?;
        let messages = source.subscribe("message").map_err(|e| e.to_string())?;
        let ticks = source.subscribe("tick").map_err(|e| e.to_string())?;
        Ok(Feed {
            source,
            events: select_all([messages, ticks]),
        })
    }

    pub async fn next(&mut self) -> Option<Shown> {
        Some(match self.events.next().await? {
            Ok((kind, event)) => Shown {
                kind,
                text: event.data().as_string().unwrap_or_default(),
            },
            Err(error) => Shown {
                kind: "error".into(),
                text: error.to_string(),
            },
        })
    }

    pub fn ready_state(&self) -> u16 {
        match self.source.state() {
            State::Connecting => 0,
            State::Open => 1,
            State::Closed => 2,
        }
    }
}
