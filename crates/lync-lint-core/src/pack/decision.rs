//! What a pack's verdict decides, in the pack's own words (`decision` in `pack.kdl`): the
//! engine knows no product, so the option findings can rule out, the verdict names, where a
//! file declares its choice and the texts of target semantics all come from here.
//!
//! ```kdl
//! decision {
//!     option "online" name="Lync Online"        // findings with `rules-out "online"` rule it out
//!     alternative name="Lync Server 2013"       // where the needs that rule it out are served
//!     verdicts ruled-out="online-ruled-out" viable="online-viable"
//!     target "deployment" "target"              // the node that declares a file's choice
//!     viable-warning message="..." label="..." help="..."
//! }
//! ```

use crate::doc::{Node, Span};
use crate::read::Reader;
use crate::strings::Text;

/// A pack's decision.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Decision {
    /// The value of `rules-out` that rules the option out (`online`); also the target choice
    /// that takes the option.
    pub option: Text,
    /// The option as people name it (`Lync Online`).
    pub option_name: Text,
    /// What serves the needs that rule the option out (`Lync Server 2013`).
    pub alternative_name: Text,
    /// The verdict when an unwaived error finding rules the option out.
    pub ruled_out: Text,
    /// The verdict otherwise.
    pub viable: Text,
    /// The path of the node whose first argument is a file's chosen target (empty: files
    /// declare no target).
    pub target: Vec<Text>,
    /// The warning when the option is viable but another target is chosen.
    pub viable_message: Text,
    /// Its label, on the target node.
    pub viable_label: Text,
    /// Its help.
    pub viable_help: Text,
}

const FIELDS: &[&str] = &["option", "alternative", "verdicts", "target", "viable-warning"];

/// Decodes a `decision` block; `None` (with diagnostics) when it names no `option`.
pub(super) fn decode(node: &Node, r: &mut Reader) -> Option<Decision> {
    r.allow_props(node, &[]);
    let mut seen: Vec<(&str, Span)> = Vec::new();
    let mut option: Option<String> = None;
    let mut d = Decision {
        option: Text::default(),
        option_name: Text::default(),
        alternative_name: Text::default(),
        ruled_out: Text::default(),
        viable: Text::default(),
        target: Vec::new(),
        viable_message: Text::default(),
        viable_label: Text::default(),
        viable_help: Text::default(),
    };
    for f in node.children() {
        let key = f.name.value.as_str();
        if !FIELDS.contains(&key) {
            r.unknown_child(f, "decision", FIELDS);
            continue;
        }
        if let Some((_, at)) = seen.iter().find(|(k, _)| *k == key) {
            r.duplicate(f, *at);
            continue;
        }
        seen.push((key, f.name.span));
        let prop = |name: &str| f.prop(name).and_then(|e| e.value.as_str()).map(Text::from);
        match key {
            "option" => {
                r.allow_props(f, &["name"]);
                option = r.string_arg(f, "the value of `rules-out` that rules the option out").map(|(v, _)| v);
                d.option_name = prop("name").unwrap_or_default();
            }
            "alternative" => {
                r.allow_props(f, &["name"]);
                d.alternative_name = prop("name").unwrap_or_default();
            }
            "verdicts" => {
                r.allow_props(f, &["ruled-out", "viable"]);
                d.ruled_out = prop("ruled-out").unwrap_or_default();
                d.viable = prop("viable").unwrap_or_default();
            }
            "target" => {
                r.allow_props(f, &[]);
                d.target = f.args().filter_map(|e| r.expect_string(e, "a node name")).map(Text::from).collect();
            }
            _ => {
                r.allow_props(f, &["message", "label", "help"]);
                d.viable_message = prop("message").unwrap_or_default();
                d.viable_label = prop("label").unwrap_or_default();
                d.viable_help = prop("help").unwrap_or_default();
            }
        }
    }
    let Some(option) = option else {
        r.error("missing-field", "the decision names no `option`", node.name.span, "add `option \"VALUE\"`");
        return None;
    };
    let or = |s: Text, default: String| if s.is_empty() { default.into() } else { s };
    d.option_name = or(std::mem::take(&mut d.option_name), format!("`{option}`"));
    d.alternative_name = or(std::mem::take(&mut d.alternative_name), format!("what `{option}` is not"));
    d.ruled_out = or(std::mem::take(&mut d.ruled_out), format!("{option}-ruled-out"));
    d.viable = or(std::mem::take(&mut d.viable), format!("{option}-viable"));
    d.viable_message =
        or(std::mem::take(&mut d.viable_message), format!("nothing in this environment rules {} out", d.option_name));
    d.viable_label = or(std::mem::take(&mut d.viable_label), "another choice is made here".to_owned());
    d.option = option.into();
    Some(d)
}
