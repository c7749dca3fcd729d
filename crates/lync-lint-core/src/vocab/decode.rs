//! Decoding a `vocabulary.kdl` document into [`Vocabulary`] data.
//!
//! Every mistake is a `vocabulary::*` diagnostic with a span into the file, with a
//! did-you-mean for misspelled field, property and type names; decoding goes on after a
//! mistake so one run reports them all.

use crate::diag::did_you_mean;
use crate::doc::{Document, Node, Span};
use crate::read::Reader;
use crate::strings::Text;

use super::{Choice, NodeDecl, Role, ValueDecl, ValueType, Vocabulary};

/// Decodes a `vocabulary.kdl` document.
pub fn load(doc: &Document, r: &mut Reader) -> Vocabulary {
    let mut nodes = Vec::new();
    for top in &doc.nodes {
        if top.name.value != "vocabulary" {
            r.unknown_child(top, "the vocabulary file", &["vocabulary"]);
            continue;
        }
        r.allow_props(top, &[]);
        r.string_arg(top, "the vocabulary's name");
        for child in top.children().iter().filter(|c| c.name.value != "node") {
            r.unknown_child(child, "vocabulary", &["node"]);
        }
        nodes.extend(node_decls(top.children().iter().filter(|c| c.name.value == "node"), r));
    }
    Vocabulary { nodes }
}

/// Sibling `node` declarations, each name declared once.
fn node_decls<'a>(siblings: impl Iterator<Item = &'a Node>, r: &mut Reader) -> Vec<NodeDecl> {
    let mut out: Vec<NodeDecl> = Vec::new();
    let mut names: Vec<(Text, Span)> = Vec::new();
    for child in siblings {
        let Some((decl, span)) = node_decl(child, r) else { continue };
        if let Some((_, first)) = names.iter().find(|(n, _)| *n == decl.name) {
            duplicate(r, &format!("node `{}`", decl.name), span, *first);
            continue;
        }
        names.push((decl.name.clone(), span));
        out.push(decl);
    }
    out
}

/// `AREA::duplicate` with a label on both declarations.
fn duplicate(r: &mut Reader, what: &str, again: Span, first: Span) {
    r.error_help("duplicate", format!("{what} is declared twice"), again, "declared again here", None);
    if let Some(d) = r.diagnostics.last_mut() {
        d.labels.push(crate::diag::Label::new(first, "first declared here"));
    }
}

const NODE_FIELDS: &[&str] = &["description", "arg", "prop", "node"];

/// One `node "NAME" { ... }` declaration, and the span of its name.
fn node_decl(node: &Node, r: &mut Reader) -> Option<(NodeDecl, Span)> {
    r.allow_props(node, &["repeat", "workload"]);
    let (name, name_span) = r.string_arg(node, "a node name")?;
    let mut decl = NodeDecl {
        name: name.into(),
        description: Text::default(),
        repeat: node.prop("repeat").and_then(|e| r.expect_bool(e, "`repeat`")).unwrap_or(false),
        workload: node.prop("workload").and_then(|e| r.expect_string(e, "`workload`")).map(Text::from),
        args: Vec::new(),
        props: Vec::new(),
        children: Vec::new(),
        span: node.span,
    };
    let mut description: Option<Span> = None;
    let mut values: Vec<(Text, Span)> = Vec::new();
    for child in node.children() {
        match child.name.value.as_str() {
            "description" => {
                if let Some(first) = description {
                    r.duplicate(child, first);
                    continue;
                }
                description = Some(child.name.span);
                r.allow_props(child, &[]);
                if let Some((d, _)) = r.string_arg(child, "a description") {
                    decl.description = d.into();
                }
            }
            "arg" | "prop" => add_value(child, &mut decl, &mut values, r),
            "node" => {}
            _ => r.unknown_child(child, "node", NODE_FIELDS),
        }
    }
    decl.children = node_decls(node.children().iter().filter(|c| c.name.value == "node"), r);
    if decl.description.is_empty() && description.is_none() {
        r.error(
            "missing-field",
            format!("node `{}` has no description", decl.name),
            node.name.span,
            "add `description \"...\"`",
        );
    }
    Some((decl, name_span))
}

/// Decodes an `arg` or `prop` declaration into `decl`, once per name.
fn add_value(child: &Node, decl: &mut NodeDecl, values: &mut Vec<(Text, Span)>, r: &mut Reader) {
    let is_arg = child.name.value == "arg";
    let Some((v, span)) = value_decl(child, r, is_arg) else { return };
    if let Some((_, first)) = values.iter().find(|(n, _)| *n == v.name) {
        duplicate(r, &format!("`{}`", v.name), span, *first);
        return;
    }
    values.push((v.name.clone(), span));
    if is_arg {
        check_arg_order(&decl.args, &v, span, r);
        decl.args.push(v);
    } else {
        decl.props.push(v);
    }
}

/// A repeated argument must be the last one, and required arguments come before optional ones.
fn check_arg_order(before: &[ValueDecl], v: &ValueDecl, span: Span, r: &mut Reader) {
    if let Some(prev) = before.last() {
        if prev.repeat {
            r.error("arity", format!("`{}` follows `{}`, which repeats", v.name, prev.name), span, "never reached");
        } else if v.required && !prev.required {
            r.error(
                "arity",
                format!("required `{}` follows optional `{}`", v.name, prev.name),
                span,
                "move it before the optional argument",
            );
        }
    }
}

/// One `arg` or `prop` declaration, and the span of its name.
fn value_decl(node: &Node, r: &mut Reader, is_arg: bool) -> Option<(ValueDecl, Span)> {
    let allowed: &[&str] = if is_arg {
        &["type", "description", "optional", "repeat", "min", "max"]
    } else {
        &["type", "description", "required", "min", "max", "role"]
    };
    r.allow_props(node, allowed);
    let (name, name_span) = r.string_arg(node, "a name")?;
    let Some(type_entry) = node.prop("type") else {
        r.error("missing-field", format!("`{name}` has no `type=`"), node.name.span, "add `type=\"...\"`");
        return None;
    };
    let s = r.expect_string(type_entry, "`type`")?;
    let Some(ty) = ValueType::parse(&s) else {
        let help = did_you_mean(&s, ValueType::NAMES.iter().copied()).map_or_else(
            || "types: `string`, `integer`, `float`, `boolean`, `country`, `date`".to_owned(),
            |t| format!("did you mean `{t}`?"),
        );
        r.error_help("type", format!("unknown value type `{s}`"), type_entry.value_span(), "unknown type", Some(help));
        return None;
    };
    let flag = |r: &mut Reader, key: &str| node.prop(key).and_then(|e| r.expect_bool(e, key)).unwrap_or(false);
    let required = if is_arg { !flag(r, "optional") } else { flag(r, "required") };
    let repeat = is_arg && flag(r, "repeat");
    let mut int = |key: &str| {
        let e = node.prop(key)?;
        if !matches!(ty, ValueType::Integer | ValueType::Float) {
            r.error(
                "type",
                format!("`{key}=` applies to numbers only"),
                e.span(),
                format!("`{name}` is {}", ty.as_str()),
            );
            return None;
        }
        r.expect_int(e, key)
    };
    let (min, max) = (int("min"), int("max"));
    let role = node.prop("role").and_then(|e| {
        let s = r.expect_string(e, "`role`")?;
        let role = Role::parse(&s);
        if role.is_none() {
            let help = did_you_mean(&s, Role::NAMES.iter().copied())
                .map_or_else(|| "roles: `need-users`, `total-users`".to_owned(), |t| format!("did you mean `{t}`?"));
            r.error_help("value", format!("unknown role `{s}`"), e.value_span(), "unknown role", Some(help));
        } else if ty != ValueType::Integer {
            r.error("type", "a property with a role counts users: it must be an integer", e.span(), "not an integer");
            return None;
        }
        role
    });
    let decl = ValueDecl {
        role,
        description: node
            .prop("description")
            .and_then(|e| r.expect_string(e, "`description`"))
            .unwrap_or_default()
            .into(),
        min,
        max,
        choices: choices(node, &name, ty, r),
        name: name.into(),
        ty,
        required,
        repeat,
    };
    Some((decl, name_span))
}

/// The allowed values (`value "X"` children) of a string.
fn choices(node: &Node, name: &str, ty: ValueType, r: &mut Reader) -> Vec<Choice> {
    let mut out: Vec<(Choice, Span)> = Vec::new();
    for c in node.children() {
        if c.name.value != "value" {
            r.unknown_child(c, name, &["value"]);
            continue;
        }
        if !matches!(ty, ValueType::String | ValueType::Country) {
            r.error(
                "type",
                format!("`{name}` is {}: only strings have allowed values", ty.as_str()),
                c.name.span,
                "not a string",
            );
            continue;
        }
        r.allow_props(c, &["description", "workload"]);
        let description = c.prop("description").and_then(|e| r.expect_string(e, "`description`")).unwrap_or_default();
        let workload = c.prop("workload").and_then(|e| r.expect_string(e, "`workload`"));
        if let Some((value, span)) = r.string_arg(c, "an allowed value") {
            if let Some((_, first)) = out.iter().find(|(o, _)| o.value == value) {
                duplicate(r, &format!("value `\"{value}\"`"), span, *first);
                continue;
            }
            out.push((
                Choice { value: value.into(), description: description.into(), workload: workload.map(Text::from) },
                span,
            ));
        }
    }
    out.into_iter().map(|(c, _)| c).collect()
}

#[cfg(test)]
mod tests {
    use crate::diag::SourceFile;
    use crate::engine::{CheckOptions, Verdict, check};
    use crate::pack::{PackSet, PackSource};

    const VOCABULARY: &str = r#"vocabulary "t" {
    node "collaboration" {
        description "needs"
        node "im-presence" workload="instant messaging" {
            description "IM"
            arg "enabled" type="boolean"
        }
        node "dial-in-conferencing" {
            description "dial-in"
            arg "provider" type="string" {
                value "acp" description="a provider" workload="dial-in through a provider"
                value "own-bridge" description="our own bridge"
            }
        }
    }
}
"#;

    fn pack(vocabulary: &str, policies: &str) -> (PackSet, usize) {
        let files = vec![
            (
                "t/pack.kdl".to_owned(),
                "pack \"t\" {\n    version \"1.0.0\"\n    decision {\n        option \"online\"\n    }\n}\n".to_owned(),
            ),
            ("t/vocabulary.kdl".to_owned(), vocabulary.to_owned()),
            ("t/rules.kdl".to_owned(), policies.to_owned()),
        ];
        let (set, errors) = PackSet::decode(&[PackSource::new("test".to_owned(), files)], crate::parse::first_error);
        (set, errors.iter().map(|f| f.diagnostics.len()).sum())
    }

    fn workloads(set: &PackSet, text: &str) -> Vec<String> {
        let r = check(SourceFile::new("e.lync.kdl", text), set, &CheckOptions::default());
        assert_eq!(r.verdict, Some(Verdict::Viable), "{:?}", r.diagnostics);
        r.workloads
    }

    #[test]
    fn a_choice_may_name_the_workload_that_serves_it() {
        let (set, errors) = pack(VOCABULARY, "");
        assert_eq!(errors, 0);
        let acp = "collaboration {\n    im-presence #true\n    dial-in-conferencing \"acp\"\n}\n";
        assert_eq!(workloads(&set, acp), ["instant messaging", "dial-in through a provider"]);
        let own = "collaboration {\n    im-presence #true\n    dial-in-conferencing \"own-bridge\"\n}\n";
        assert_eq!(workloads(&set, own), ["instant messaging"], "no workload serves the organization's own bridge");
    }

    #[test]
    fn a_choice_takes_no_other_property() {
        let (_, errors) = pack(&VOCABULARY.replace("workload=\"dial-in", "served-by=\"dial-in"), "");
        assert_eq!(errors, 1);
    }

    #[test]
    fn distinct_names_known_keys_once_each() {
        let vocabulary = r#"vocabulary "t" {
    node "site" repeat=#true {
        description "a site"
        arg "name" type="string"
        prop "country" type="country"
        prop "region" type="string"
    }
}
"#;
        let policy = |distinct: &str| {
            format!(
                "policy \"t/p\" {{\n    title \"t\"\n    severity \"error\"\n    when {{\n        count \"top() > site\" distinct=\"{distinct}\" min=2\n    }}\n    message \"m\"\n}}\n"
            )
        };
        for (distinct, mistakes) in [
            ("country,region", 0),
            (" country , region ", 0),
            ("val(),country", 0),
            ("country,regoin", 1),
            ("country,,region", 1),
            ("country,country", 1),
        ] {
            assert_eq!(pack(vocabulary, &policy(distinct)).1, mistakes, "distinct=\"{distinct}\"");
        }
    }
}
