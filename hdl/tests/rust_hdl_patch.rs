//! The patched rust-hdl-core (vendor/README.md), which every block's
//! simulation rests on, held to what 0.46.0 computed:
//! - `Bits` of up to 32 bits shift in a u64 instead of a BigUint: the
//!   value shifted in unbounded arithmetic, cut to the width;
//! - an `In` reads what its driver assigned in the same pass: flip-flops
//!   at every depth of the hierarchy still sample together, each stage of
//!   a pipeline that runs down and up the hierarchy adds one clock.

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

/// One flip-flop stage, a level below its parent.
#[derive(LogicBlock, Default)]
struct Stage {
    clock: Signal<In, Clock>,
    d: Signal<In, Bits<8>>,
    q: Signal<Out, Bits<8>>,
    r: DFF<Bits<8>>,
}

impl Logic for Stage {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r);
        self.r.d.next = self.d.val();
        self.q.next = self.r.q.val();
    }
}

/// A stage nested one level deeper, then a stage of its own.
#[derive(LogicBlock, Default)]
struct Nest {
    clock: Signal<In, Clock>,
    d: Signal<In, Bits<8>>,
    q: Signal<Out, Bits<8>>,
    inner: Stage,
    r: DFF<Bits<8>>,
}

impl Logic for Nest {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r);
        self.inner.clock.next = self.clock.val();
        self.inner.d.next = self.d.val();
        self.r.d.next = self.inner.q.val();
        self.q.next = self.r.q.val();
    }
}

/// Flip-flops at depths 1, 3, 2, 3, 2 and 1 in a row, the value running
/// down and up the hierarchy: `q` must be `d` delayed by six clocks.
#[derive(LogicBlock, Default)]
struct Chain {
    clock: Signal<In, Clock>,
    d: Signal<In, Bits<8>>,
    q: Signal<Out, Bits<8>>,
    first: DFF<Bits<8>>,
    a: Nest,
    b: Nest,
    last: DFF<Bits<8>>,
}

impl Logic for Chain {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, first, last);
        self.a.clock.next = self.clock.val();
        self.b.clock.next = self.clock.val();
        self.first.d.next = self.d.val();
        self.a.d.next = self.first.q.val();
        self.b.d.next = self.a.q.val();
        self.last.d.next = self.b.q.val();
        self.q.next = self.last.q.val();
    }
}

#[test]
fn rust_hdl_patch_flip_flops_sample_together_at_every_depth() {
    let mut uut = Chain::default();
    uut.connect_all();
    check_all(&uut).unwrap();
    let mut seen = Vec::new();
    for t in 0u64..40 {
        uut.d.next = (t + 1).into();
        uut.clock.next = Clock { clk: false };
        assert!(simulate(&mut uut, 50), "the chain does not settle");
        seen.push(uut.q.val().to_u64());
        uut.clock.next = Clock { clk: true };
        assert!(simulate(&mut uut, 50), "the chain does not settle");
    }
    // Sampled before clock t: the value driven at clock t - 6.
    let want: Vec<u64> = (0u64..40).map(|t| t.saturating_sub(5)).collect();
    assert_eq!(seen, want);
}
