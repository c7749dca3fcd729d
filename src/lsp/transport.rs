//! JSON-RPC framing over byte streams (`Content-Length` headers), tolerant of bad input.
//!
//! `lsp-server`'s own stdio transport ends the connection on the first malformed message;
//! a language server must not. This reader turns every framing, UTF-8, JSON or shape
//! problem into a [`Incoming::Malformed`] event that the server answers with the proper
//! JSON-RPC error, then resynchronizes on the next header. Message *types* are still
//! `lsp-server`'s.

use std::io::{self, BufRead, Read, Write};

use lsp_server::{ErrorCode, Message};
use serde_json::Value;

/// The largest message body accepted; a bigger one is skipped and reported.
pub const MAX_BODY: usize = 256 * 1024 * 1024;
/// The longest header line read at once; longer lines are read (and reported) in pieces.
const MAX_HEADER: u64 = 8 * 1024;

/// What the reader hands to the server.
#[derive(Debug)]
pub enum Incoming {
    Message(Message),
    /// Not a message: answer with `code`, echoing `id` when the payload had a usable one.
    Malformed {
        id: Value,
        code: ErrorCode,
        message: String,
    },
}

enum Frame {
    Body(Vec<u8>),
    Garbage(String),
    Eof,
}

/// Reads the next message or problem; `None` at the end of the input.
///
/// # Errors
/// Only when reading the input itself fails.
pub fn read(input: &mut impl BufRead) -> io::Result<Option<Incoming>> {
    Ok(match read_frame(input)? {
        Frame::Eof => None,
        Frame::Garbage(message) => Some(malformed(Value::Null, ErrorCode::ParseError, message)),
        Frame::Body(body) => Some(decode(&body)),
    })
}

fn malformed(id: Value, code: ErrorCode, message: String) -> Incoming {
    Incoming::Malformed { id, code, message }
}

fn decode(body: &[u8]) -> Incoming {
    let value: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return malformed(Value::Null, ErrorCode::ParseError, format!("invalid JSON: {e}")),
    };
    let id = match value.get("id") {
        Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
        _ => Value::Null,
    };
    match serde_json::from_value::<Message>(value) {
        Ok(msg) => Incoming::Message(msg),
        Err(e) => {
            malformed(id, ErrorCode::InvalidRequest, format!("not a JSON-RPC request, response or notification: {e}"))
        }
    }
}

fn read_frame(input: &mut impl BufRead) -> io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut seen_header = false;
    let mut line = Vec::new();
    loop {
        line.clear();
        if input.by_ref().take(MAX_HEADER).read_until(b'\n', &mut line)? == 0 {
            return Ok(if seen_header {
                Frame::Garbage("the input ended inside a header".to_owned())
            } else {
                Frame::Eof
            });
        }
        let text = String::from_utf8_lossy(&line);
        let mut text = text.trim_end_matches(['\r', '\n']);
        // Bytes left over from a body whose Content-Length was too short run into the next
        // header line (clients send no line break after a body): start at the header. The
        // mis-framed body before them was already reported.
        if let Some(at) = embedded_header(text) {
            text = &text[at..];
        }
        if text.is_empty() {
            if !seen_header {
                continue;
            }
            break;
        }
        let Some((name, value)) = text.split_once(':') else {
            return Ok(Frame::Garbage(format!("not a message header: {:?}", clip(text))));
        };
        seen_header = true;
        if name.trim().eq_ignore_ascii_case("content-length") {
            match value.trim().parse::<usize>() {
                Ok(n) => length = Some(n),
                Err(_) => return Ok(Frame::Garbage(format!("bad Content-Length: {:?}", clip(value)))),
            }
        }
    }
    let Some(length) = length else { return Ok(Frame::Garbage("a message without Content-Length".to_owned())) };
    if length > MAX_BODY {
        io::copy(&mut input.by_ref().take(length as u64), &mut io::sink())?;
        return Ok(Frame::Garbage(format!("a message of {length} bytes is larger than the limit of {MAX_BODY}")));
    }
    let mut body = Vec::new();
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Frame::Garbage("the input ended inside a message".to_owned()));
    }
    Ok(Frame::Body(body))
}

/// Where a `Content-Length:` header starts inside a line, after something else.
fn embedded_header(line: &str) -> Option<usize> {
    const HEADER: &[u8] = b"content-length:";
    let bytes = line.as_bytes();
    (1..bytes.len().saturating_sub(HEADER.len() - 1)).find(|&i| bytes[i..i + HEADER.len()].eq_ignore_ascii_case(HEADER))
}

fn clip(s: &str) -> String {
    s.chars().take(80).collect()
}

/// Writes framed messages.
pub struct Output<W: Write> {
    out: W,
}

impl<W: Write> Output<W> {
    pub fn new(out: W) -> Self {
        Self { out }
    }

    /// Sends one message.
    ///
    /// # Errors
    /// When the client has gone away.
    pub fn send(&mut self, msg: impl Into<Message>) -> io::Result<()> {
        msg.into().write(&mut self.out)
    }

    /// Sends an error response whose id may be `null` (which `lsp-server` cannot express).
    ///
    /// # Errors
    /// When the client has gone away.
    pub fn send_error(&mut self, id: &Value, code: ErrorCode, message: &str) -> io::Result<()> {
        let body = serde_json::json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": { "code": code as i32, "message": message },
        })
        .to_string();
        write!(self.out, "Content-Length: {}\r\n\r\n{body}", body.len())?;
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &str) -> Vec<String> {
        let mut r = io::Cursor::new(input.as_bytes().to_vec());
        let mut out = Vec::new();
        while let Some(i) = read(&mut r).expect("in-memory read") {
            out.push(match i {
                Incoming::Message(Message::Request(r)) => format!("request {}", r.method),
                Incoming::Message(Message::Notification(n)) => format!("notification {}", n.method),
                Incoming::Message(Message::Response(_)) => "response".to_owned(),
                Incoming::Malformed { id, code, .. } => format!("malformed {} {id}", code as i32),
            });
        }
        out
    }

    fn frame(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn resynchronizes_after_garbage() {
        let input = format!(
            "garbage line\r\n\r\n{}{}{}{}",
            frame("{not json"),
            frame(r#"{"jsonrpc":"2.0","id":7,"method":5}"#),
            frame(r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#),
            frame(r#"{"jsonrpc":"2.0","method":"exit"}"#),
        );
        assert_eq!(
            frames(&input),
            [
                "malformed -32700 null",
                "malformed -32700 null",
                "malformed -32600 7",
                "request shutdown",
                "notification exit"
            ]
        );
    }

    #[test]
    fn bad_lengths() {
        assert_eq!(frames("Content-Length: x\r\n\r\n"), ["malformed -32700 null"]);
        assert_eq!(frames("Content-Length: 99\r\n\r\n{}"), ["malformed -32700 null"]);
        assert_eq!(frames("Content-Type: y\r\n\r\n"), ["malformed -32700 null"]);
        assert_eq!(frames("\r\n\r\n"), Vec::<String>::new());
    }
}
