//! Hybrid sizing (SPEC §4.1): how many users must be homed where the needs that rule the
//! pack's option out are served, and how many can be homed with the option.
//!
//! Each counted finding needs `u` users: the largest `users=` among its evidence nodes that
//! are needs, or the whole organization when one of them says nothing (or none is a need).
//! Users may overlap between needs, so the answer is a range: at least the largest `u`, at
//! most the sum of all `u`, capped at the organization; the option takes the rest.

/// A range of users, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    /// The fewest.
    pub min: u64,
    /// The most.
    pub max: u64,
}

/// One counted finding and the users it needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Need {
    /// The rule's id.
    pub rule: String,
    /// The users it needs (the whole organization for an organization-wide need).
    pub users: u64,
}

/// The sizing of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hybrid {
    /// The organization's size.
    pub users: u64,
    /// Users who must be homed where the needs are served (on premises, for the built-in pack).
    pub on_premises: Range,
    /// Users who can be homed with the option (Lync Online).
    pub online: Range,
    /// Every counted finding, largest first (ties in their order in the file).
    pub needs: Vec<Need>,
}

/// Sizes an organization of `users` given the counted findings: each rule with the users its
/// needs concern, `None` for the whole organization.
#[must_use]
pub fn size(users: u64, findings: &[(&str, Option<u64>)]) -> Hybrid {
    let mut needs: Vec<Need> = findings
        .iter()
        .map(|(rule, u)| Need { rule: (*rule).to_owned(), users: u.unwrap_or(users).min(users) })
        .collect();
    needs.sort_by_key(|n| std::cmp::Reverse(n.users));
    let min = needs.first().map_or(0, |n| n.users);
    let max = needs.iter().fold(0u64, |sum, n| sum.saturating_add(n.users)).min(users);
    Hybrid { users, on_premises: Range { min, max }, online: Range { min: users - max, max: users - min }, needs }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_needs_give_a_range() {
        let h = size(3000, &[("a", Some(40)), ("b", Some(120))]);
        assert_eq!(h.on_premises, Range { min: 120, max: 160 });
        assert_eq!(h.online, Range { min: 2840, max: 2880 });
        assert_eq!(h.needs.iter().map(|n| n.rule.as_str()).collect::<Vec<_>>(), ["b", "a"]);
    }

    #[test]
    fn an_organization_wide_need_takes_everyone() {
        let h = size(3000, &[("a", Some(40)), ("b", None)]);
        assert_eq!(h.on_premises, Range { min: 3000, max: 3000 });
        assert_eq!(h.online, Range { min: 0, max: 0 });
        assert_eq!(h.needs[0], Need { rule: "b".into(), users: 3000 });
    }

    #[test]
    fn the_sum_is_capped_and_ties_keep_their_order() {
        let h = size(100, &[("a", Some(60)), ("b", Some(60)), ("c", Some(60))]);
        assert_eq!(h.on_premises, Range { min: 60, max: 100 });
        assert_eq!(h.online, Range { min: 0, max: 40 });
        assert_eq!(h.needs.iter().map(|n| n.rule.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(size(10, &[("a", Some(1))]).on_premises, Range { min: 1, max: 1 });
    }

    #[test]
    fn no_counted_finding_homes_nobody_on_premises() {
        let h = size(50, &[]);
        assert_eq!((h.on_premises, h.online), (Range { min: 0, max: 0 }, Range { min: 50, max: 50 }));
    }

    /// min <= max <= users, and the online range is the complement of the on-premises range.
    #[test]
    fn the_bounds_hold_for_many_inputs() {
        const RULES: [&str; 6] = ["r0", "r1", "r2", "r3", "r4", "r5"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % m
        };
        for _ in 0..2000 {
            let users = next(5000) + 1;
            let n = usize::try_from(next(6)).expect("below 6");
            let findings: Vec<(&str, Option<u64>)> =
                RULES[..n].iter().map(|r| (*r, if next(4) == 0 { None } else { Some(next(users) + 1) })).collect();
            let h = size(users, &findings);
            assert!(h.on_premises.min <= h.on_premises.max && h.on_premises.max <= users, "{h:?}");
            assert_eq!(h.online.min + h.on_premises.max, users);
            assert_eq!(h.online.max + h.on_premises.min, users);
            assert!(h.needs.windows(2).all(|w| w[0].users >= w[1].users));
        }
    }
}
