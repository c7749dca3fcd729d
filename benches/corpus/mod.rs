//! A deterministic corpus of environment files in the `lync-2013` vocabulary.
//!
//! It mirrors the organizations of `benches/peers/gen.py` (the JSON corpus cfn-guard is
//! measured on): one organization per file, datacenters in one or several countries,
//! management, voice, media, chat, applications, collaboration and federation needs. Half of
//! the files need on premises (one to three error rules fire); the other half are
//! near-misses that must stay quiet: `regional-servers` with datacenters in one country,
//! several countries without it, `policies "basic"`, `reports "usage"`, meetings of 250,
//! client-side applications, archiving to Exchange Online, `#false` needs.
//!
//! Most files are 1 to 4 KB, like real environment files and like the JSON corpus. File
//! `i` is padded with offices and client applications to about 10 KB when `i % 100 == 77`,
//! 100 KB when `i % 1000 == 777` and 1 MB when `i % 10000 == 7777`, so corpora of 100,
//! 1,000 and 10,000 files contain files of every size from 1 KB to 1 MB.

use std::fmt::Write as _;

/// One generated environment file.
pub struct Env {
    /// The file name, `org-NNNNN.lync.kdl`.
    pub name: String,
    pub text: String,
    /// The expected verdict: `true` for `online-ruled-out`.
    pub ruled_out: bool,
}

pub mod rng;
use rng::Rng;

const COUNTRIES: &[(&str, &str, &[&str])] = &[
    ("US", "north-america", &["Seattle", "Redmond", "Chicago", "Dallas", "Boston", "Atlanta"]),
    ("CA", "north-america", &["Toronto", "Vancouver", "Montreal"]),
    ("GB", "europe", &["London", "Manchester", "Edinburgh"]),
    ("DE", "europe", &["Frankfurt", "Berlin", "Munich"]),
    ("FR", "europe", &["Paris", "Lyon"]),
    ("NL", "europe", &["Amsterdam", "Rotterdam"]),
    ("JP", "asia-pacific", &["Tokyo", "Osaka"]),
    ("SG", "asia-pacific", &["Singapore"]),
    ("AU", "asia-pacific", &["Sydney", "Melbourne"]),
    ("IN", "asia-pacific", &["Mumbai", "Bangalore", "Hyderabad"]),
    ("BR", "latin-america", &["Sao Paulo", "Rio de Janeiro"]),
    ("MX", "latin-america", &["Mexico City", "Monterrey"]),
];
const WORDS_A: &[&str] = &[
    "Contoso",
    "Fabrikam",
    "Litware",
    "Northwind",
    "Tailspin",
    "Wingtip",
    "Adatum",
    "Proseware",
    "Woodgrove",
    "Fourth Coffee",
    "Alpine Ski",
    "Blue Yonder",
    "Coho",
    "Humongous",
    "Lucerne",
    "Margie",
    "Trey",
    "Wide World",
];
const WORDS_B: &[&str] =
    &["Holdings", "Industries", "Bank", "Airlines", "Insurance", "Pharma", "Logistics", "Energy", "Retail", "Group"];
const CARRIERS: &[&str] = &["AT&T", "BT", "Verizon", "Orange", "Deutsche Telekom", "NTT", "Telstra", "Colt"];
const PBXES: &[&str] = &["Avaya Aura", "Cisco CUCM", "Mitel MiVoice", "Siemens OpenScape", "Nortel CS1000"];
const APPS: &[&str] = &[
    "IVR Gateway",
    "Call Recorder",
    "Helpdesk Bot",
    "Attendant Console",
    "Presence Sync",
    "Compliance Archiver",
    "Paging Bridge",
    "CRM Connector",
    "Queue Monitor",
    "Conference Scheduler",
];

/// The needs that rule Lync Online out (each fires an error rule), as `gen.py`'s 8 rules.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Trigger {
    Pbx,
    ResponseGroups,
    CallPark,
    Media,
    PersistentChat,
    TrustedUcma,
    MultiRegional,
    Control,
}

const TRIGGERS: &[Trigger] = &[
    Trigger::Pbx,
    Trigger::ResponseGroups,
    Trigger::CallPark,
    Trigger::Media,
    Trigger::PersistentChat,
    Trigger::TrustedUcma,
    Trigger::MultiRegional,
    Trigger::Control,
];

/// The size file `i` is padded to, in bytes (0: not padded).
#[must_use]
pub fn padded_size(i: usize) -> usize {
    if i % 10_000 == 7_777 {
        1 << 20
    } else if i % 1_000 == 777 {
        100 << 10
    } else if i % 100 == 77 {
        10 << 10
    } else {
        0
    }
}

/// Environment file number `i` (0-based), always the same for the same `i`.
#[must_use]
pub fn environment(i: usize) -> Env {
    environment_of_size(i, padded_size(i))
}

/// Environment file number `i`, padded with offices to about `size` bytes.
#[must_use]
pub fn environment_of_size(i: usize, size: usize) -> Env {
    let mut rng = Rng(0x2013_0000_0000 ^ (i as u64).wrapping_mul(0x9E37_79B9));
    let org = format!("{} {} {:05}", rng.pick(WORDS_A), rng.pick(WORDS_B), i + 1);
    let ruled_out = i % 2 == 1;
    let mut forced: Vec<Trigger> = Vec::new();
    if ruled_out {
        for _ in 0..=rng.below(3) {
            let t = TRIGGERS[rng.below(TRIGGERS.len())];
            if !forced.contains(&t) {
                forced.push(t);
            }
        }
    }
    let has = |t: Trigger| forced.contains(&t);
    let mut out = String::with_capacity(size.max(4096));
    let _ = writeln!(out, "// {org}: Lync 2013 needs (generated for benchmarks, file {i})");
    let _ = writeln!(out, "// Expected verdict: {}\n", if ruled_out { "online-ruled-out" } else { "online-viable" });
    let users = [50, 120, 500, 1500, 5000, 12000, 40000][rng.below(7)] + rng.below(50);
    let _ = writeln!(out, "organization \"{org}\" users={users}\n");
    let spread = sites(&mut rng, &mut out, has(Trigger::MultiRegional), users);
    // Near-miss: regional servers with datacenters in one country, or several countries
    // without regional servers; never both unless the rule is meant to fire.
    let regional = has(Trigger::MultiRegional) || (!spread && rng.chance(40));
    management(&mut rng, &mut out, regional, has(Trigger::Control));
    voice(&mut rng, &mut out, &forced);
    if has(Trigger::Media) || rng.chance(30) {
        let (cac, qos) = if has(Trigger::Media) {
            [(true, false), (false, true), (true, true)][rng.below(3)]
        } else {
            (false, false)
        };
        let _ = writeln!(out, "media-quality {{\n    call-admission-control #{cac}\n    qos #{qos}\n}}\n");
    }
    if has(Trigger::PersistentChat) || rng.chance(25) {
        let _ = writeln!(
            out,
            "chat {{\n    persistent #{}    // topic-based chat rooms\n}}\n",
            has(Trigger::PersistentChat)
        );
    }
    applications(&mut rng, &mut out, has(Trigger::TrustedUcma));
    collaboration(&mut rng, &mut out);
    if rng.chance(40) {
        out.push_str("federation {\n    lync-partners #true\n    skype-consumer #true\n}\n\n");
    }
    if rng.chance(20) {
        out.push_str("compliance {\n    archiving \"im\" \"meetings\"\n    archive-store \"exchange-online\"\n}\n\n");
    }
    if rng.chance(30) {
        let target = if ruled_out && rng.chance(50) { "on-premises" } else { "online" };
        let _ = writeln!(out, "deployment {{\n    target \"{target}\"\n}}");
    }
    pad(&mut rng, &mut out, size);
    Env { name: format!("org-{:05}.lync.kdl", i + 1), text: out, ruled_out }
}

/// Writes the sites; returns whether the datacenters are in several countries.
fn sites(rng: &mut Rng, out: &mut String, multi: bool, users: usize) -> bool {
    let n = [1, 1, 2, 2, 3, 4, 5][rng.below(7)].max(if multi { 2 } else { 1 });
    let first = rng.below(COUNTRIES.len());
    // Near-miss: without the trigger, datacenters are all in one country half of the time.
    let spread = multi || rng.chance(50);
    for k in 0..n {
        let (cc, region, cities) = COUNTRIES[if spread { (first + k * 5) % COUNTRIES.len() } else { first }];
        let city = rng.pick(cities);
        let _ = writeln!(
            out,
            "site \"dc{}-{}\" country=\"{cc}\" region=\"{region}\" datacenter=#true users={}",
            k + 1,
            city.to_lowercase().replace(' ', "-"),
            users / n
        );
    }
    for k in 0..rng.below(4) {
        let (cc, region, cities) = COUNTRIES[rng.below(COUNTRIES.len())];
        // Offices (no `datacenter=`) never count for the multi-regional rule.
        let _ = writeln!(
            out,
            "site \"{} office {}\" country=\"{cc}\" region=\"{region}\" users={}",
            rng.pick(cities),
            k + 1,
            10 + rng.below(400)
        );
    }
    out.push('\n');
    spread && n > 1
}

fn management(rng: &mut Rng, out: &mut String, regional: bool, control: bool) {
    out.push_str("management {\n");
    let _ = writeln!(out, "    regional-servers #{regional}");
    let mut c = [false; 4];
    if control {
        c[rng.below(4)] = true;
        c[rng.below(4)] = true;
    }
    let _ = writeln!(out, "    policies \"{}\"", if c[0] { "full" } else { "basic" });
    let _ = writeln!(
        out,
        "    reports \"{}\"              // CDR and QoE, or usage only",
        if c[1] { "call-quality" } else { "usage" }
    );
    let _ = writeln!(out, "    upgrade-timing \"{}\"", if c[2] { "customer" } else { "provider" });
    let _ = writeln!(out, "    client-version-control #{}\n}}\n", c[3]);
}

fn voice(rng: &mut Rng, out: &mut String, forced: &[Trigger]) {
    let pbx = forced.contains(&Trigger::Pbx);
    let rgs = forced.contains(&Trigger::ResponseGroups);
    let park = forced.contains(&Trigger::CallPark);
    if !(pbx || rgs || park || rng.chance(40)) {
        return;
    }
    out.push_str("voice {\n");
    if pbx {
        match rng.below(3) {
            0 => out.push_str("    pbx-replacement #true             // retire the PBX\n"),
            1 => {
                let _ = writeln!(out, "    pbx-integration \"{}\" method=\"direct-sip\"", rng.pick(PBXES));
            }
            _ => {
                for t in 0..=rng.below(4) {
                    let _ = writeln!(out, "    sip-trunk \"{} trunk {}\"", rng.pick(CARRIERS), t + 1);
                }
            }
        }
    } else {
        out.push_str("    pbx-replacement #false\n");
    }
    let _ = writeln!(out, "    response-groups #{rgs}\n    call-park #{park}");
    let _ = writeln!(out, "    dial-plans \"default\"\n    voicemail #false\n}}\n");
}

fn applications(rng: &mut Rng, out: &mut String, ucma: bool) {
    let n = [0, 0, 1, 2, 3][rng.below(5)] + usize::from(ucma);
    if n == 0 && rng.chance(50) {
        return;
    }
    out.push_str("applications {\n");
    // Near-miss: every application but the UCMA one runs next to the client, which Lync
    // Online allows (any server-side application would rule it out).
    for k in 0..n {
        if ucma && k == 0 {
            let _ = writeln!(out, "    server-app \"{}\" api=\"ucma\"", rng.pick(APPS));
        } else {
            let _ = writeln!(out, "    client-app \"{}\"", rng.pick(APPS));
        }
    }
    let _ = writeln!(out, "    client-app \"{}\"", rng.pick(APPS));
    out.push_str("}\n\n");
}

fn collaboration(rng: &mut Rng, out: &mut String) {
    out.push_str("collaboration {\n    im-presence #true\n");
    for need in ["peer-audio-video", "mobile-clients", "outlook-integration", "sharepoint-presence"] {
        if rng.chance(75) {
            let _ = writeln!(out, "    {need} #true");
        }
    }
    let _ = writeln!(
        out,
        "    meetings max-participants={}    // at most 250: fine online",
        [50, 100, 200, 250][rng.below(4)]
    );
    if rng.chance(30) {
        out.push_str("    dial-in-conferencing \"acp\"\n");
    }
    let _ = writeln!(out, "    contact-list-max {}\n}}\n", [100, 200, 250][rng.below(3)]);
}

/// Appends offices (which never fire a rule) until the file is about `size` bytes.
fn pad(rng: &mut Rng, out: &mut String, size: usize) {
    if out.len() >= size {
        return;
    }
    out.push_str("\n// Branch offices (no servers)\n");
    let mut k = 0;
    while out.len() < size {
        let (cc, region, cities) = COUNTRIES[rng.below(COUNTRIES.len())];
        k += 1;
        let _ = writeln!(
            out,
            "site \"{} branch {k:05}\" country=\"{cc}\" region=\"{region}\" users={}",
            rng.pick(cities),
            5 + rng.below(500)
        );
    }
}
