//! The patched rust-hdl-core (vendor/README.md), which every block's
//! simulation rests on, held to what 0.46.0 computed:
//! - `Bits` of up to 32 bits shift in a u64 instead of a BigUint: the
//!   value shifted in unbounded arithmetic, cut to the width.

use proptest::prelude::*;
use rust_hdl::prelude::*;

/// `x << k` and `x >> k` at width N, against u128 arithmetic (a shift of
/// 64 or more leaves 0 at any width up to 32).
fn check<const N: usize>(x: u64, k: u64) -> Result<(), TestCaseError> {
    let mask = (1u128 << N) - 1;
    let x = u128::from(x) & mask;
    let v: Bits<N> = (x as u64).into();
    let shl = if k < 96 { (x << k) & mask } else { 0 };
    let shr = if k < 96 { x >> k } else { 0 };
    prop_assert_eq!(u128::from((v << k).to_u64()), shl, "{}-bit {:#x} << {}", N, x, k);
    prop_assert_eq!(u128::from((v >> k).to_u64()), shr, "{}-bit {:#x} >> {}", N, x, k);
    // A shift by a `Bits` amount, as hdl_gen code writes it.
    let kb: Bits<8> = (k & 0xff).into();
    let k8 = k & 0xff;
    let shl8 = if k8 < 96 { (x << k8) & mask } else { 0 };
    prop_assert_eq!(u128::from((v << kb).to_u64()), shl8, "{}-bit {:#x} << Bits {}", N, x, k8);
    // A field select: `get_bits` is a right shift and a cut.
    if (k as usize) < N {
        let field: Bits<4> = v.get_bits::<4>(k as usize);
        prop_assert_eq!(u128::from(field.to_u64()), (x >> k) & 0xf);
    }
    Ok(())
}

proptest! {
    #[test]
    fn rust_hdl_patch_shifts_match_unbounded_arithmetic(x in any::<u64>(), k in 0u64..300) {
        check::<1>(x, k)?;
        check::<3>(x, k)?;
        check::<8>(x, k)?;
        check::<12>(x, k)?;
        check::<16>(x, k)?;
        check::<31>(x, k)?;
        check::<32>(x, k)?;
    }
}

#[test]
fn rust_hdl_patch_shift_edges() {
    let all: Bits<32> = 0xffff_ffffu64.into();
    assert_eq!((all << 31u64).to_u64(), 0x8000_0000);
    assert_eq!((all << 32u64).to_u64(), 0);
    assert_eq!((all >> 31u64).to_u64(), 1);
    assert_eq!((all >> 32u64).to_u64(), 0);
    assert_eq!((all << 63u64).to_u64(), 0);
    assert_eq!((all >> 64u64).to_u64(), 0);
    assert_eq!((all >> u64::MAX).to_u64(), 0);
    let one: Bits<1> = 1u64.into();
    assert_eq!((one << 0u64).to_u64(), 1);
    assert_eq!((one << 1u64).to_u64(), 0);
}

