//! Answering requests: `initialize`, `shutdown`, hover, completion and code actions (and
//! dispatching document symbols, definition and code lenses to their modules), with the
//! proper JSON-RPC error for everything else.

use std::io::{self, Write};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

use lsp_server::{ErrorCode, Request, Response};
use lsp_types::{CodeActionKind, CompletionParams, HoverParams, MarkupContent, MarkupKind};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::convert::{self, Encoding, Lines};
use super::workspace::Workspace;
use super::{Doc, Server, State};

/// A failed request: the JSON-RPC error code and message.
pub(super) type Failure = (ErrorCode, String);

impl<W: Write> Server<W> {
    pub(super) fn on_request(&mut self, req: Request) -> io::Result<()> {
        let id = req.id.clone();
        let result = match (self.state, req.method.as_str()) {
            (State::Uninitialized, "initialize") => Ok(self.initialize(&req.params)),
            (State::Uninitialized, _) => {
                Err((ErrorCode::ServerNotInitialized, "the server is not initialized".to_owned()))
            }
            (_, "initialize") => Err((ErrorCode::InvalidRequest, "the server is already initialized".to_owned())),
            (State::ShutDown, _) => Err((ErrorCode::InvalidRequest, "the server is shutting down".to_owned())),
            (State::Running, "shutdown") => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            (State::Running, method) => {
                let method = method.to_owned();
                catch_unwind(AssertUnwindSafe(|| self.dispatch(&method, req.params))).unwrap_or_else(|_| {
                    Err((ErrorCode::InternalError, format!("internal error while answering `{method}`")))
                })
            }
        };
        let response = match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        self.out.send(response)
    }

    fn dispatch(&self, method: &str, params: Value) -> Result<Value, Failure> {
        match method {
            "textDocument/hover" => self.hover(&parse(params)?),
            "textDocument/completion" => self.completion(&parse(params)?),
            "textDocument/codeAction" => self.code_action(&parse(params)?),
            "textDocument/documentSymbol" => self.document_symbols(&parse(params)?),
            "textDocument/definition" => self.definition(&parse(params)?),
            "textDocument/codeLens" => self.code_lens(&parse(params)?),
            _ => Err((ErrorCode::MethodNotFound, format!("method `{method}` is not supported"))),
        }
    }

    /// Negotiates the position encoding, finds the workspace root and loads the setup.
    fn initialize(&mut self, params: &Value) -> Value {
        let offered = params.pointer("/capabilities/general/positionEncodings").and_then(Value::as_array);
        if offered.is_some_and(|encodings| encodings.iter().any(|e| e == "utf-8")) {
            self.encoding = Encoding::Utf8;
        }
        self.watch =
            params.pointer("/capabilities/workspace/didChangeWatchedFiles/dynamicRegistration") == Some(&json!(true));
        let root_uri =
            params.pointer("/workspaceFolders/0/uri").or_else(|| params.get("rootUri")).and_then(Value::as_str);
        let root = root_uri
            .and_then(convert::uri_to_path)
            .or_else(|| params.get("rootPath").and_then(Value::as_str).map(PathBuf::from));
        if let Some(root) = root {
            self.root = root;
        }
        self.ws = Workspace::load(&self.flags, &self.root, &|_| None);
        self.state = State::Running;
        json!({
            "capabilities": {
                "positionEncoding": if self.encoding == Encoding::Utf8 { "utf-8" } else { "utf-16" },
                "textDocumentSync": { "openClose": true, "change": 1, "save": { "includeText": false } },
                "hoverProvider": true,
                "completionProvider": { "triggerCharacters": ["=", "\""] },
                "codeActionProvider": { "codeActionKinds": [CodeActionKind::QUICKFIX, CodeActionKind::SOURCE_FIX_ALL, super::actions::FIX_ALL] },
                "documentSymbolProvider": true,
                "definitionProvider": true,
                "codeLensProvider": { "resolveProvider": false },
            },
            "serverInfo": { "name": "lync-lint", "version": env!("CARGO_PKG_VERSION") },
        })
    }

    pub(super) fn doc(&self, uri: &lsp_types::Uri) -> Result<&Doc, Failure> {
        self.docs
            .get(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("document `{}` is not open", uri.as_str())))
    }

    fn hover(&self, p: &HoverParams) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document_position_params.text_document.uri)?;
        let lines = Lines::new(&doc.text, self.encoding);
        let offset = lines.offset(p.text_document_position_params.position);
        let findings = if doc.checked == Some(doc.version) { &doc.diagnostics[..] } else { &[] };
        let Some((markdown, (start, end))) = super::hover::hover(&self.ws.packs, &doc.text, findings, offset) else {
            return Ok(Value::Null);
        };
        let contents = MarkupContent { kind: MarkupKind::Markdown, value: markdown };
        Ok(json!({ "contents": contents, "range": lines.range(lync_lint_core::doc::Span::new(start, end)) }))
    }

    fn completion(&self, p: &CompletionParams) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document_position.text_document.uri)?;
        let lines = Lines::new(&doc.text, self.encoding);
        let offset = lines.offset(p.text_document_position.position);
        let items = super::completion::complete(&self.ws.packs.vocab, &doc.text, offset, &lines);
        to_value(&items)
    }

    /// Quick fixes, and the `source.fixAll` action of an environment file, from the
    /// diagnostics of the current version only (spans of an older version would edit the
    /// wrong text; the client asks again after the next publish). `context.only` filters by
    /// kind, hierarchically (`source` includes `source.fixAll.lync-lint`). The client's
    /// `context.diagnostics` are not needed, so they are not parsed.
    fn code_action(&self, p: &CodeActionRequest) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        let only = p.context.as_ref().and_then(|c| c.only.as_ref());
        let wanted = |kind: &str| {
            only.is_none_or(|only| {
                only.iter().any(|k| {
                    k.is_empty() || kind == k || kind.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with('.'))
                })
            })
        };
        if doc.checked != Some(doc.version) {
            return Ok(json!([]));
        }
        let lines = Lines::new(&doc.text, self.encoding);
        let uri = p.text_document.uri.as_str();
        let mut actions = Vec::new();
        if wanted(CodeActionKind::QUICKFIX.as_str()) {
            let range = lines.span(p.range);
            actions = super::actions::actions(&self.ws.packs, uri, &doc.text, &doc.diagnostics, range, &lines);
        }
        if wanted(super::actions::FIX_ALL) && doc.kind == super::workspace::Kind::Environment {
            let name = doc.path.as_ref().map_or_else(|| uri.to_owned(), |p| p.display().to_string());
            let check = |text: &str| {
                let file = lync_lint_core::diag::SourceFile::new(name.clone(), text);
                lync_lint_core::engine::check(file, &self.ws.packs, &self.ws.options).diagnostics
            };
            actions.extend(super::actions::fix_all(uri, &doc.text, &doc.diagnostics, &lines, check));
        }
        to_value(&actions)
    }
}

/// `CodeActionParams` without the parts the server does not use.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct CodeActionRequest {
    text_document: lsp_types::TextDocumentIdentifier,
    range: lsp_types::Range,
    context: Option<CodeActionOnly>,
}

#[derive(serde::Deserialize)]
struct CodeActionOnly {
    only: Option<Vec<String>>,
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, Failure> {
    serde_json::from_value(params).map_err(|e| (ErrorCode::InvalidParams, format!("invalid parameters: {e}")))
}

pub(super) fn to_value(v: &impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}
