//! Bytes to lines (HTML §9.2.5: lines end in CRLF, LF or CR; one leading
//! BOM is dropped): the one scan of every chunk, a line split across chunks
//! collected in one buffer, and the line-length limit.

use super::*;

impl Parser {
    pub(crate) fn feed_inner<O: Output + ?Sized>(
        &mut self,
        chunk: &[u8],
        sink: &mut O,
        stop_at_boundary: bool,
    ) -> Result<Option<usize>, ParseError> {
        if self.data.capacity() > KEEP_CAPACITY {
            self.data_idle(chunk.len());
        }
        let mut input = chunk;
        if let BomState::Matching(matched) = self.bom {
            input = self.match_bom(matched, input, sink)?;
        }
        if input.is_empty() {
            return Ok(None);
        }
        if self.skip_lf {
            // HTML §9.2.5: CRLF is one line end even when a chunk ends between the two.
            self.skip_lf = false;
            if input.first() == Some(&b'\n') {
                input = input_at(input, 1..);
            }
        }
        if self.partial != Partial::None {
            if input.is_empty() {
                return Ok(None);
            }
            match self.resume_line(input, sink)? {
                Some(rest) => input = rest,
                None => return Ok(None),
            }
        }
        let mut checked = Checked::default();
        while let Some(&first) = input.first() {
            if first == b'\n' || first == b'\r' {
                // HTML §9.2.6: "If the line is empty (a blank line), dispatch the event."
                self.dispatch(sink);
                input = self.after_line_end(input, 0);
                if stop_at_boundary && self.at_event_boundary() {
                    return Ok(Some(chunk.len() - input.len()));
                }
                continue;
            }
            if input.starts_with(b"data:") {
                // The line nearly every event has, without the general rules'
                // colon search and field-name match: "data", a colon, and the
                // value after one optional space.
                let value_start = if input.get(5) == Some(&b' ') { 6 } else { 5 };
                let Some(value_len) = memchr2(b'\n', b'\r', input_at(input, value_start..)) else {
                    self.start_data_line(input, value_start)?;
                    return Ok(None);
                };
                let end = value_start + value_len;
                self.check_line_length(end)?;
                let value = input_at(input, value_start..end);
                let rest = self.after_line_end(input, end);
                if self.data.is_empty() && matches!(rest.first(), Some(b'\n' | b'\r')) {
                    // An event of one data line, whole in this chunk (most
                    // events): dispatch it from the chunk, without copying it
                    // into the data buffer first.
                    self.check_event_size(value)?;
                    let at = chunk.len() - input.len() + value_start;
                    let short = value.len() < SHORT_VALUE;
                    match (O::DECODES && short)
                        .then(|| checked.text(chunk, at, value.len()))
                        .flatten()
                    {
                        Some(text) => self.dispatch_line_text(text, sink),
                        None => self.dispatch_line(value, sink),
                    }
                    input = self.after_line_end(rest, 0);
                    if stop_at_boundary && self.at_event_boundary() {
                        return Ok(Some(chunk.len() - input.len()));
                    }
                } else {
                    self.push_data(value)?;
                    input = rest;
                }
                continue;
            }
            let Some(end) = memchr2(b'\n', b'\r', input) else {
                self.check_line_length(input.len())?;
                self.line.extend_from_slice(input);
                self.partial = Partial::Line;
                return Ok(None);
            };
            self.check_line_length(end)?;
            self.process_line(input_at(input, ..end), sink)?;
            input = self.after_line_end(input, end);
        }
        Ok(None)
    }

    /// The rest of `input` after the line end at `end`. HTML §9.2.5: CRLF is
    /// one line end, also when a chunk ends between the two (then an LF
    /// starting the next chunk is skipped).
    #[inline]
    pub(super) fn after_line_end<'i>(&mut self, input: &'i [u8], end: usize) -> &'i [u8] {
        let rest = input_at(input, end + 1..);
        if input.get(end) == Some(&b'\r') {
            match rest.first() {
                Some(b'\n') => return input_at(rest, 1..),
                None => self.skip_lf = true,
                Some(_) => {}
            }
        }
        rest
    }

    /// Go on with the line an earlier chunk ended inside of. Returns the rest
    /// of `input` after it, or `None` if it does not end in `input` either.
    pub(super) fn resume_line<'i, O: Output + ?Sized>(
        &mut self,
        input: &'i [u8],
        sink: &mut O,
    ) -> Result<Option<&'i [u8]>, ParseError> {
        let found = memchr2(b'\n', b'\r', input);
        let end = found.unwrap_or(input.len());
        match self.partial {
            Partial::None => Ok(Some(input)),
            Partial::Data { start, len, space } => {
                self.check_line_length(len + end)?;
                let piece = input_at(input, ..end);
                // The space after "data:" is dropped even when the chunk
                // ended between the two.
                let value = if space {
                    piece.strip_prefix(b" ").unwrap_or(piece)
                } else {
                    piece
                };
                // Room for the LF as well: see `push_data`.
                self.data.reserve(value.len() + 1);
                self.data.extend_from_slice(value);
                let Some(end) = found else {
                    self.partial = Partial::Data {
                        start,
                        len: len + end,
                        space: false,
                    };
                    return Ok(None);
                };
                self.partial = Partial::None;
                self.finish_data_line(start)?;
                Ok(Some(self.after_line_end(input, end)))
            }
            Partial::Line => {
                self.check_line_length(self.line.len() + end)?;
                self.line.extend_from_slice(input_at(input, ..end));
                let Some(end) = found else {
                    return Ok(None);
                };
                self.partial = Partial::None;
                let line = core::mem::take(&mut self.line);
                let result = self.process_line(&line, sink);
                self.line = line;
                self.line.clear();
                release_if_huge(&mut self.line);
                result?;
                Ok(Some(self.after_line_end(input, end)))
            }
        }
    }

    /// Match the start of the stream against the BOM, byte by byte, so that a
    /// BOM split across chunks is still dropped. Returns the rest of `input`.
    pub(super) fn match_bom<'i, O: Output + ?Sized>(
        &mut self,
        mut matched: u8,
        mut input: &'i [u8],
        sink: &mut O,
    ) -> Result<&'i [u8], ParseError> {
        while let Some((&byte, rest)) = input.split_first() {
            if byte != BOM[matched as usize] {
                // Not a BOM after all: the bytes matched so far are stream content.
                self.bom = BomState::Done;
                if matched > 0 {
                    self.feed_inner(&BOM[..matched as usize], sink, false)?;
                }
                return Ok(input);
            }
            input = rest;
            matched += 1;
            if matched as usize == BOM.len() {
                self.bom = BomState::Done;
                return Ok(input);
            }
        }
        self.bom = BomState::Matching(matched);
        Ok(input)
    }

    #[inline]
    pub(super) fn check_line_length(&self, len: usize) -> Result<(), ParseError> {
        match self.limits.max_line_length {
            Some(limit) if len > limit => Err(ParseError::LineTooLong { limit }),
            _ => Ok(()),
        }
    }
}
