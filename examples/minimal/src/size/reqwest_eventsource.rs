//! The page's feed over reqwest-eventsource, for the size benchmark only:
//! the same GET.

use futures_util::StreamExt;
use reqwest_eventsource::{Event, EventSource, ReadyState};

use crate::Shown;

pub struct Feed {
    source: EventSource,
}

impl Feed {
    pub fn open(url: &str) -> Result<Feed, String> {
        // reqwest wants an absolute URL; the page's own resolves a relative one.
        let base = web_sys::window()
            .and_then(|w| w.location().href().ok())
            .unwrap_or_default();
        let url = reqwest::Url::parse(&base)
            .and_then(|b| b.join(url))
            .map_err(|e| e.to_string())?;
        let source = EventSource::get(url);
        Ok(Feed { source })
    }

    pub async fn next(&mut self) -> Option<Shown> {
        Some(match self.source.next().await? {
            Ok(Event::Open) => Shown {
                kind: "open".into(),
                text: "open".into(),
            },
            Ok(Event::Message(message)) => Shown {
                kind: message.event,
                text: message.data,
            },
            Err(error) => Shown {
                kind: "error".into(),
                text: error.to_string(),
            },
        })
    }

    pub fn ready_state(&self) -> u16 {
        match self.source.ready_state() {
            ReadyState::Connecting => 0,
            ReadyState::Open => 1,
            ReadyState::Closed => 2,
        }
    }
}
