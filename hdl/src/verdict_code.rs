//! How a verdict travels on the wires: 3 bits, in `model::Verdict` order.
//!
//! | code | verdict   |   | code | verdict |
//! |------|-----------|---|------|---------|
//! | 0    | bridge    |   | 4    | fixed   |
//! | 1    | control   |   | 5    | l4      |
//! | 2    | malformed |   | 6    | l3      |
//! | 3    | fragment  |   | 7    | bypass  |

use model::Verdict;

pub const VERDICT_BITS: usize = 3;

pub const BRIDGE: u64 = 0;
pub const CONTROL: u64 = 1;
pub const MALFORMED: u64 = 2;
pub const FRAGMENT: u64 = 3;
pub const FIXED: u64 = 4;
pub const L4: u64 = 5;
pub const L3: u64 = 6;
pub const BYPASS: u64 = 7;

pub fn verdict_code(v: Verdict) -> u64 {
    Verdict::ALL.iter().position(|&x| x == v).expect("every verdict is listed") as u64
}

pub fn verdict_from_code(code: u64) -> Verdict {
    Verdict::ALL[(code & 7) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_code_round_trips_in_model_order() {
        let named = [BRIDGE, CONTROL, MALFORMED, FRAGMENT, FIXED, L4, L3, BYPASS];
        for (i, v) in Verdict::ALL.into_iter().enumerate() {
            assert_eq!(verdict_code(v), named[i]);
            assert_eq!(verdict_from_code(named[i]), v);
        }
    }
}
