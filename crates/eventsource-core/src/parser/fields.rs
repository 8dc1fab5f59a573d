//! Lines to events (HTML §9.2.6 "Interpreting an event stream"): the field
//! rules, the data buffer and its event-size limit, and dispatch.

use super::*;

impl Parser {
    /// A data line that does not end in this chunk: its value goes straight
    /// into the data buffer, so a long line is copied once, not collected as
    /// a line first.
    pub(super) fn start_data_line(&mut self, input: &[u8], value_start: usize) -> Result<(), ParseError> {
        self.check_line_length(input.len())?;
        let value = input_at(input, value_start..);
        let start = self.data.len();
        self.data.reserve(value.len() + 1);
        self.data.extend_from_slice(value);
        self.partial = Partial::Data {
            start,
            len: input.len(),
            space: input.len() == 5,
        };
        Ok(())
    }

    /// Append a data line's value and its LF (HTML §9.2.6, "data" field).
    #[inline]
    pub(super) fn push_data(&mut self, value: &[u8]) -> Result<(), ParseError> {
        // Room for the value and its LF at once: pushing the LF into a
        // buffer the value filled exactly would reallocate (and copy) a large
        // value once more.
        self.data.reserve(value.len() + 1);
        let start = self.data.len();
        self.data.extend_from_slice(value);
        self.finish_data_line(start)
    }

    /// The data line whose value starts at `start` in the buffer is complete.
    #[inline]
    pub(super) fn finish_data_line(&mut self, start: usize) -> Result<(), ParseError> {
        self.data.push(b'\n');
        if let Some(limit) = self.limits.max_event_size {
            // The limit counts decoded bytes: decoding the value alone is
            // exact (it is cut at ASCII bytes). The LF that joins lines is
            // removed before dispatch, so it does not count.
            self.data_utf8_len += utf8_len(input_at(&self.data, start..));
            if self.data_utf8_len - 1 > limit {
                return Err(ParseError::EventTooLarge { limit });
            }
        }
        Ok(())
    }

    /// [`Limits::max_event_size`] for an event of the one data line `value`.
    #[inline]
    pub(super) fn check_event_size(&self, value: &[u8]) -> Result<(), ParseError> {
        match self.limits.max_event_size {
            Some(limit) if utf8_len(value) > limit => Err(ParseError::EventTooLarge { limit }),
            _ => Ok(()),
        }
    }

    /// HTML §9.2.6: process one line (without its terminator).
    pub(super) fn process_line<O: Output + ?Sized>(&mut self, line: &[u8], sink: &mut O) -> Result<(), ParseError> {
        if line.is_empty() {
            self.dispatch(sink);
            return Ok(());
        }
        if line[0] == b':' {
            // The text as a field value is taken: after one leading space.
            let text = input_at(line, 1..);
            sink.comment(text.strip_prefix(b" ").unwrap_or(text));
            sink.ignored(line, Ignored::Comment);
            return Ok(());
        }
        // "If the line contains a U+003A COLON character": the name is before it,
        // the value after it, less one leading U+0020 SPACE if there is one.
        let (name, value) = match find_colon(line) {
            Some(colon) => {
                let value = input_at(line, colon + 1..);
                (input_at(line, ..colon), value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => self.push_data(value)?,
            b"event" => {
                self.event_type.clear();
                self.event_type.extend_from_slice(value);
            }
            b"id" => {
                // The `memchr` crate's search, not `<[u8]>::contains` (core's
                // own memchr: a second implementation in the wasm).
                if find_byte(0, value).is_some() {
                    sink.ignored(line, Ignored::IdContainsNull);
                } else {
                    self.id_buffer.clear();
                    decode_into(&mut self.id_buffer, value);
                    self.id_set = true;
                }
            }
            b"retry" => {
                if !value.is_empty() && value.iter().all(u8::is_ascii_digit) {
                    // Saturate rather than wrap: a huge value means "a very long time".
                    let ms = value.iter().fold(0u64, |acc, d| {
                        acc.saturating_mul(10).saturating_add(u64::from(d - b'0'))
                    });
                    self.retry = Some(ms);
                    sink.retry(ms);
                } else {
                    sink.ignored(line, Ignored::RetryNotDigits);
                }
            }
            _ => sink.ignored(line, Ignored::UnknownField),
        }
        Ok(())
    }

    /// HTML §9.2.6, "dispatch the event".
    pub(super) fn dispatch<O: Output + ?Sized>(&mut self, sink: &mut O) {
        self.update_last_event_id();
        // Step 2: no data, no event; the event type is reset all the same.
        if self.data.is_empty() {
            self.event_type.clear();
            sink.ignored(b"", Ignored::NoData);
            return;
        }
        // Step 3: leave out the LF that the last data line added. Step 4: an
        // empty type buffer means "message" (the face fills it in).
        sink.event(&self.event_type, &self.data[..self.data.len() - 1], &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        // Step 5: reset the buffers, keeping their memory (a huge data
        // buffer until `data_idle` lets it go).
        if self.data.len() > KEEP_CAPACITY / 2 {
            self.since_large = 0;
        }
        self.data.clear();
        self.data_utf8_len = 0;
        self.event_type.clear();
    }

    /// "Dispatch the event" for an event whose data is the one line `data`
    /// (not in the data buffer, which is empty).
    #[inline]
    pub(super) fn dispatch_line<O: Output + ?Sized>(&mut self, data: &[u8], sink: &mut O) {
        self.update_last_event_id();
        sink.event(&self.event_type, data, &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        self.event_type.clear();
    }

    /// [`Parser::dispatch_line`] for data known to be valid UTF-8.
    #[inline]
    pub(super) fn dispatch_line_text<O: Output + ?Sized>(&mut self, data: &str, sink: &mut O) {
        self.update_last_event_id();
        sink.event_text(&self.event_type, data, &self.last_event_id);
        self.dispatched = self.dispatched.wrapping_add(1);
        self.event_type.clear();
    }

    /// `len` more bytes of the stream come while the data buffer is huge. It
    /// is kept while large events recur, and released (between events) once
    /// as many bytes as it holds have passed without one: then one huge
    /// event does not pin its memory for the life of the stream, and a
    /// stream of them reuses one buffer. Releasing it after each large event
    /// instead made every one grow a new buffer by doubling, each step's old
    /// and new copies side by side, to a capacity that depends on where the
    /// chunks happened to split the event (between its size and twice it);
    /// the free memory left by one event then often could not hold the next
    /// one's doubling, and the wasm memory grew by up to four times the
    /// event's size again (a 16 MiB event: 57 MiB more for the second).
    #[cold]
    pub(super) fn data_idle(&mut self, len: usize) {
        self.since_large = self.since_large.saturating_add(len);
        if self.data.is_empty() && self.since_large > self.data.capacity() {
            self.data = Vec::new();
            self.since_large = 0;
        }
    }

    /// HTML §9.2.6, "dispatch the event", step 1: the last event ID string
    /// follows the buffer even if nothing is dispatched. Only an `id` field
    /// changes the buffer, so without one since the last dispatch there is
    /// nothing to compare.
    #[inline]
    pub(super) fn update_last_event_id(&mut self) {
        if self.id_set {
            self.id_set = false;
            if self.last_event_id != self.id_buffer {
                self.last_event_id.clone_from(&self.id_buffer);
            }
        }
    }
}

/// The first colon of a line: field names are short, so the first bytes are
/// looked at one by one (a call to `memchr2` costs more than that), the rest
/// (a line that is all name) by [`find_byte`].
#[inline]
pub(super) fn find_colon(line: &[u8]) -> Option<usize> {
    const HEAD: usize = 8;
    let head = &line[..line.len().min(HEAD)];
    match head.iter().position(|&b| b == b':') {
        Some(colon) => Some(colon),
        None if line.len() > HEAD => find_byte(b':', input_at(line, HEAD..)).map(|colon| colon + HEAD),
        None => None,
    }
}
