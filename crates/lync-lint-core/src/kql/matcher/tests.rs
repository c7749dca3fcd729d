//! The exact comparison of integers with floats at the edges of `i128`, where rounding would
//! lie, and which children lists the index groups. (Selection itself is tested in
//! `kql/test_select.rs`.)

use std::cmp::Ordering;

use super::{Index, SCAN_CHILDREN, Scalar, cmp_int_float, compare, equal};
use crate::kql::Op;

/// 2^127, the first float beyond `i128::MAX`; `-2^127` is `i128::MIN` exactly.
const TWO_127: f64 = 170_141_183_460_469_231_731_687_303_715_884_105_728.0;

#[test]
fn integers_compare_exactly_with_floats_at_the_ends_of_the_range() {
    assert_eq!(cmp_int_float(i128::MIN, -TWO_127), Some(Ordering::Equal), "-2^127 is an i128");
    assert_eq!(cmp_int_float(i128::MIN + 1, -TWO_127), Some(Ordering::Greater));
    assert_eq!(cmp_int_float(i128::MIN, -TWO_127 * 2.0), Some(Ordering::Greater));
    assert_eq!(cmp_int_float(i128::MIN, f64::NEG_INFINITY), Some(Ordering::Greater));
    assert_eq!(cmp_int_float(i128::MAX, TWO_127), Some(Ordering::Less), "2^127 is beyond every i128");
    assert_eq!(cmp_int_float(i128::MAX, f64::INFINITY), Some(Ordering::Less));
    assert_eq!(cmp_int_float(0, f64::NAN), None);
}

#[test]
fn fractions_order_integers_between_them() {
    assert_eq!(cmp_int_float(2, 2.5), Some(Ordering::Less));
    assert_eq!(cmp_int_float(3, 2.5), Some(Ordering::Greater));
    assert_eq!(cmp_int_float(-2, -2.5), Some(Ordering::Greater));
    assert_eq!(cmp_int_float(-3, -2.5), Some(Ordering::Less));
    assert_eq!(cmp_int_float(2, 2.0), Some(Ordering::Equal));
    assert_eq!(cmp_int_float(0, -0.0), Some(Ordering::Equal));
}

#[test]
fn nan_equals_nothing_and_differs_from_everything() {
    let nan = Scalar::Float(f64::NAN);
    for other in [Scalar::Float(f64::NAN), Scalar::Float(1.0), Scalar::Int(1), Scalar::Str("x"), Scalar::Null] {
        assert!(!compare(nan, Op::Eq, other) && !compare(other, Op::Eq, nan));
        assert!(compare(nan, Op::Ne, other) && compare(other, Op::Ne, nan));
        assert!(!compare(nan, Op::Ge, other) && !compare(other, Op::Le, nan));
    }
    assert_eq!(equal(nan, Scalar::Int(1)), Some(false));
    assert_eq!(equal(Scalar::Int(1), nan), Some(false));
}

#[test]
fn only_long_child_lists_are_grouped() {
    let query = crate::kql::Query::parse("top() > a > b").expect("a query");
    for (n, grouped) in [(SCAN_CHILDREN, false), (SCAN_CHILDREN + 1, true)] {
        let doc = crate::parse::parse(&format!("a {{ {} }}\n", "b; ".repeat(n))).expect("parses");
        let index = Index::new(&doc);
        assert_eq!(query.select_in(&index).len(), n, "{n} children");
        assert_eq!(index.children.borrow().is_empty(), !grouped, "{n} children");
    }
}
