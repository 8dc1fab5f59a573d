//! The app's feed over reqwest-eventsource, for the size benchmark only:
//! the same POST with the same `Authorization` header.

use futures_util::StreamExt;
use reqwest_eventsource::{Event, EventSource, ReadyState};

use crate::{Request, Shown};

pub struct Feed {
    source: EventSource,
}

impl Feed {
    pub fn open(request: &Request<'_>) -> Result<Feed, String> {
        // reqwest wants an absolute URL; the page's own resolves a relative one.
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let url = reqwest::Url::parse(&base)
            .and_then(|b| b.join(request.url))
            .map_err(|e| e.to_string())?;
        let builder = reqwest::Client::new()
            .post(url)
            .bearer_auth(request.token)
            .header("Content-Type", "application/json")
            .body(request.body.to_owned());
        let source = EventSource::new(builder).map_err(|e| e.to_string())?;
        Ok(Feed { source })
    }

    pub async fn next(&mut self) -> Option<Shown> {
        Some(match self.source.next().await? {
            Ok(Event::Open) => Shown::Open,
            Ok(Event::Message(message)) => Shown::Message {
                kind: message.event,
                data: message.data,
                id: message.id,
            },
            Err(error) => Shown::Error(error.to_string()),
        })
    }

    pub fn ready_state(&self) -> u16 {
        match self.source.ready_state() {
            ReadyState::Connecting => 0,
            ReadyState::Open => 1,
            ReadyState::Closed => 2,
        }
    }

    pub fn close(&mut self) {
        self.source.close();
    }
}
