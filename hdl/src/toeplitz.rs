//! `Toeplitz`: the RSS hash of the 144-bit flow key (SPEC "Toeplitz"), one
//! hash per clock, with a key that software loads at run time.
//!
//! Ports
//! - in  `clock`, `strobe_in`, `key: Bits<144>` (flow-key byte 0 in [143:136]).
//! - in  `key_write`, `key_word: Bits<3>`, `key_data: Bits<32>`: RSS key bytes
//!   4w..4w+3 (big-endian, byte 4w in [31:24]) into word w of the *shadow*
//!   key, w = 0..5 (word 5 carries bytes 20 and 21 in [31:16]; the 22 bytes
//!   are all a 144-bit input can use). Other `key_word` values are ignored.
//! - in  `commit`: the shadow key becomes the active key. A hash whose
//!   `strobe_in` is in the commit cycle or earlier uses the old key, every
//!   later one the new key (a key word written in the commit cycle is part of
//!   the new key). Nothing in flight ever mixes two keys: the key is used in
//!   one stage only.
//! - out `strobe_out`, `hash: Bits<32>`, `TOEPLITZ_LATENCY` clocks after
//!   `strobe_in`. Throughput: one hash per clock.
//!
//! How: the hash is linear: input bit i (MSB first) contributes the 32 key
//! bits i..i+31, so the hash is the XOR of those 32-bit key windows over
//! the input bits that are set. Every stage is at most two LUT4 levels deep,
//! since routing, not logic, dominates on ECP5: stage 0 registers the input
//! (it arrives from another block's routing); stage 1 XORs, per input byte
//! c, the windows of its set bits (each output bit a 16-input AND-XOR: 4
//! LUTs, one per pair of input bits, + 1 XOR4); stage 2 XORs those 18
//! partial hashes in groups of four (5 left); stage 3 XORs the five. The windows of byte c are the active
//! key bits 8c..8c+39, wires in hardware; written as selected XORs of
//! shifted words, a cycle costs a simulator a few hundred word operations,
//! where a bit-by-bit parity form cost it several thousand. Everything is
//! held in bytes and 32-bit words: rust-hdl simulates wider `Bits` as bool
//! arrays, many times slower.

use model::toeplitz::{KeyTooShort, KEY_BYTES};
use rust_hdl::prelude::*;

/// Clocks from `strobe_in` to `strobe_out`.
pub const TOEPLITZ_LATENCY: usize = 4;
/// RSS key bytes the unit holds: 18 input bytes + 4.
pub const KEY_LEN: usize = KEY_BYTES + 4;
/// 32-bit key words written through `key_word`/`key_data`.
pub const KEY_WORDS: usize = 6;

#[derive(LogicBlock)]
pub struct Toeplitz {
    pub clock: Signal<In, Clock>,
    pub strobe_in: Signal<In, Bit>,
    pub key: Signal<In, Bits<144>>,
    pub key_write: Signal<In, Bit>,
    pub key_word: Signal<In, Bits<3>>,
    pub key_data: Signal<In, Bits<32>>,
    pub commit: Signal<In, Bit>,
    pub strobe_out: Signal<Out, Bit>,
    pub hash: Signal<Out, Bits<32>>,
    shadow: [DFFWithInit<Bits<32>>; KEY_WORDS],
    /// The active key, RSS key byte q in `active[q]`.
    active: [DFFWithInit<Bits<8>>; KEY_LEN],
    /// Active key bytes c..c+3, byte c on top, and byte c+4 in `tail[c]`:
    /// the 32-bit key window of input bit 8c + b (MSB first) is
    /// `span << b | tail >> (8 − b)`.
    span: [Signal<Local, Bits<32>>; KEY_BYTES],
    tail: [Signal<Local, Bits<32>>; KEY_BYTES],
    // Stage 0: flow-key byte c in `key_reg[c]`.
    key_reg: [DFF<Bits<8>>; KEY_BYTES],
    strobe0: DFF<Bit>,
    commit0: DFF<Bit>,
    // Stage 1: partial hash per input byte c.
    part: [DFF<Bits<32>>; KEY_BYTES],
    /// Partial hash of input bits 8c + 2j and 8c + 2j + 1 in `pair[4c + j]`.
    pair: [Signal<Local, Bits<32>>; 4 * KEY_BYTES],
    strobe1: DFF<Bit>,
    // Stage 2: XOR of parts 4g..4g+3.
    group: [DFF<Bits<32>>; 5],
    strobe2: DFF<Bit>,
    // Stage 3.
    hash_reg: DFF<Bits<32>>,
    strobe3: DFF<Bit>,
}

/// Word w of the key as `key_data` carries it.
fn key_word_value(rss_key: &[u8], w: usize) -> u32 {
    let mut word = [0u8; 4];
    for (i, slot) in word.iter_mut().enumerate() {
        *slot = rss_key.get(4 * w + i).copied().filter(|_| 4 * w + i < KEY_LEN).unwrap_or(0);
    }
    u32::from_be_bytes(word)
}

/// The six `key_data` words that load `rss_key` (bytes past 22 are not used).
pub fn key_words(rss_key: &[u8]) -> Result<[u32; KEY_WORDS], KeyTooShort> {
    if rss_key.len() < KEY_LEN {
        return Err(KeyTooShort { key_len: rss_key.len(), input_len: KEY_BYTES });
    }
    Ok(std::array::from_fn(|w| key_word_value(rss_key, w)))
}

impl Toeplitz {
    /// A unit whose active and shadow keys are `rss_key` (at least 22 bytes,
    /// as the model requires for an 18-byte input; longer keys are cut).
    pub fn new(rss_key: &[u8]) -> Result<Self, KeyTooShort> {
        let words = key_words(rss_key)?;
        Ok(Self {
            clock: Default::default(),
            strobe_in: Default::default(),
            key: Default::default(),
            key_write: Default::default(),
            key_word: Default::default(),
            key_data: Default::default(),
            commit: Default::default(),
            strobe_out: Default::default(),
            hash: Default::default(),
            shadow: words.map(|w| DFFWithInit::new(w.to_bits())),
            active: std::array::from_fn(|q| DFFWithInit::new(rss_key[q].to_bits())),
            span: Default::default(),
            tail: Default::default(),
            key_reg: Default::default(),
            strobe0: Default::default(),
            commit0: Default::default(),
            part: Default::default(),
            pair: std::array::from_fn(|_| Default::default()),
            strobe1: Default::default(),
            group: Default::default(),
            strobe2: Default::default(),
            hash_reg: Default::default(),
            strobe3: Default::default(),
        })
    }
}

impl Logic for Toeplitz {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, strobe0, commit0, strobe1, strobe2, hash_reg, strobe3);
        for c in 0..KEY_BYTES {
            self.key_reg[c].clock.next = self.clock.val();
            self.part[c].clock.next = self.clock.val();
        }
        for g in 0..5 {
            self.group[g].clock.next = self.clock.val();
        }
        for w in 0..KEY_WORDS {
            self.shadow[w].clock.next = self.clock.val();
            self.shadow[w].d.next = self.shadow[w].q.val();
            if self.key_write.val() & (self.key_word.val().index() == w) {
                self.shadow[w].d.next = self.key_data.val();
            }
        }
        // The commit is delayed with the input so that it lands between the
        // hash strobed with it and the next one.
        for w in 0..5 {
            for i in 0..4 {
                self.active[4 * w + i].clock.next = self.clock.val();
                self.active[4 * w + i].d.next = self.active[4 * w + i].q.val();
                if self.commit0.q.val() {
                    self.active[4 * w + i].d.next = self.shadow[w].q.val().get_bits::<8>(24 - 8 * i);
                }
            }
        }
        for i in 0..2 {
            self.active[20 + i].clock.next = self.clock.val();
            self.active[20 + i].d.next = self.active[20 + i].q.val();
            if self.commit0.q.val() {
                self.active[20 + i].d.next = self.shadow[5].q.val().get_bits::<8>(24 - 8 * i);
            }
        }
        // `index().to_bits()` widens a byte (`bit_cast` cannot take a loop
        // index in hdl_gen); in Verilog the 32-bit assignment widens it.
        for c in 0..KEY_BYTES {
            self.span[c].next = (self.active[c].q.val().index().to_bits::<32>() << 24)
                | (self.active[c + 1].q.val().index().to_bits::<32>() << 16)
                | (self.active[c + 2].q.val().index().to_bits::<32>() << 8)
                | self.active[c + 3].q.val().index().to_bits::<32>();
            self.tail[c].next = self.active[c + 4].q.val().index().to_bits::<32>();
        }
        // Stage 0.
        for c in 0..KEY_BYTES {
            self.key_reg[c].d.next = self.key.val().get_bits::<8>(136 - 8 * c);
        }
        self.strobe0.d.next = self.strobe_in.val();
        self.commit0.d.next = self.commit.val();
        // Stage 1: input bit 8c + b (byte c's bit 7−b) adds its window; the
        // bits are taken in pairs, one LUT4 per output bit each, and the
        // four pairs XORed: the AND-XOR tree written out for synthesis.
        for c in 0..KEY_BYTES {
            for j in 0..4 {
                self.pair[4 * c + j].next = 0.into();
                if self.key_reg[c].q.val().get_bit(7 - 2 * j) {
                    self.pair[4 * c + j].next = (self.span[c].val() << (2 * j).to_bits::<4>())
                        ^ (self.tail[c].val() >> (8 - 2 * j).to_bits::<4>());
                }
                if self.key_reg[c].q.val().get_bit(6 - 2 * j) {
                    self.pair[4 * c + j].next = self.pair[4 * c + j].val()
                        ^ (self.span[c].val() << (2 * j + 1).to_bits::<4>())
                        ^ (self.tail[c].val() >> (7 - 2 * j).to_bits::<4>());
                }
            }
            self.part[c].d.next = (self.pair[4 * c].val() ^ self.pair[4 * c + 1].val())
                ^ (self.pair[4 * c + 2].val() ^ self.pair[4 * c + 3].val());
        }
        self.strobe1.d.next = self.strobe0.q.val();
        // Stage 2.
        for g in 0..4 {
            self.group[g].d.next = self.part[4 * g].q.val()
                ^ self.part[4 * g + 1].q.val()
                ^ self.part[4 * g + 2].q.val()
                ^ self.part[4 * g + 3].q.val();
        }
        self.group[4].d.next = self.part[16].q.val() ^ self.part[17].q.val();
        self.strobe2.d.next = self.strobe1.q.val();
        // Stage 3.
        self.hash_reg.d.next = self.group[0].q.val()
            ^ self.group[1].q.val()
            ^ self.group[2].q.val()
            ^ self.group[3].q.val()
            ^ self.group[4].q.val();
        self.strobe3.d.next = self.strobe2.q.val();
        self.hash.next = self.hash_reg.q.val();
        self.strobe_out.next = self.strobe3.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::toeplitz::{toeplitz_serial, Toeplitz as ModelToeplitz, DEFAULT_RSS_KEY};
    use proptest::prelude::*;
    use proptest::strategy::ValueTree;
    use crate::tool_run::{run_tool, scratch_dir, StimBench};

    /// What the test drives in one clock cycle.
    #[derive(Clone, Debug, Default)]
    struct Cycle {
        flow_key: Option<[u8; KEY_BYTES]>,
        write: Option<(u8, u32)>,
        commit: bool,
    }

    fn flow_key_bits(key: &[u8; KEY_BYTES]) -> Bits<144> {
        key.iter().fold(Bits::<144>::default(), |acc, &b| (acc << 8) | bit_cast::<144, 8>(b.to_bits()))
    }

    /// Runs `cycles` (then idle ones to drain the pipeline); returns the
    /// cycle and value of every `strobe_out`.
    fn run(uut: &mut Toeplitz, cycles: &[Cycle]) -> Vec<(usize, u32)> {
        let idle = vec![Cycle::default(); TOEPLITZ_LATENCY + 1];
        let mut out = Vec::new();
        for (t, c) in cycles.iter().chain(idle.iter()).enumerate() {
            uut.strobe_in.next = c.flow_key.is_some();
            uut.key.next = flow_key_bits(&c.flow_key.unwrap_or([0; KEY_BYTES]));
            uut.key_write.next = c.write.is_some();
            uut.key_word.next = u64::from(c.write.map_or(0, |w| w.0)).into();
            uut.key_data.next = c.write.map_or(0, |w| w.1).to_bits();
            uut.commit.next = c.commit;
            uut.clock.next = false.into();
            assert!(simulate(uut, 50), "the circuit does not settle");
            if uut.strobe_out.val() {
                out.push((t, uut.hash.val().to_u32()));
            }
            uut.clock.next = true.into();
            assert!(simulate(uut, 50), "the circuit does not settle");
        }
        out
    }

    /// The expected `strobe_out`s: SPEC's bit-serial hash with the key that
    /// was active when the flow key was strobed in.
    fn expected(rss_key: &[u8], cycles: &[Cycle]) -> Vec<(usize, u32)> {
        let mut shadow = key_words(rss_key).unwrap();
        let mut active = rss_key[..KEY_LEN].to_vec();
        let mut out = Vec::new();
        for (t, c) in cycles.iter().enumerate() {
            if let Some(k) = c.flow_key {
                out.push((t + TOEPLITZ_LATENCY, toeplitz_serial(&active, &k).unwrap()));
            }
            if let Some((w, d)) = c.write {
                if usize::from(w) < KEY_WORDS {
                    shadow[usize::from(w)] = d;
                }
            }
            if c.commit {
                active = shadow.iter().flat_map(|w| w.to_be_bytes()).take(KEY_LEN).collect();
            }
        }
        out
    }

    fn new_unit(rss_key: &[u8]) -> Toeplitz {
        let mut uut = Toeplitz::new(rss_key).unwrap();
        uut.connect_all();
        check_all(&uut).unwrap();
        uut
    }

    fn ipv4_mapped(a: [u8; 4]) -> [u8; 16] {
        let mut x = [0u8; 16];
        x[10] = 0xff;
        x[11] = 0xff;
        x[12..].copy_from_slice(&a);
        x
    }

    /// Microsoft's RSS verification vectors (IPv4 source, destination,
    /// source port, destination port; hash over the addresses, and over
    /// addresses + ports). Zero padding to 18 bytes keeps the hash.
    /// (source, destination, source port, destination port, hash of the
    /// addresses, hash of addresses and ports).
    type Vector = ([u8; 4], [u8; 4], u16, u16, u32, u32);
    const MICROSOFT: [Vector; 5] = [
        ([66, 9, 149, 187], [161, 142, 100, 80], 2794, 1766, 0x323e8fc2, 0x51ccc178),
        ([199, 92, 111, 2], [65, 69, 140, 83], 14230, 4739, 0xd718262a, 0xc626b0ea),
        ([24, 19, 198, 95], [12, 22, 207, 184], 12898, 38024, 0xd2d0a5de, 0x5c2b394a),
        ([38, 27, 205, 30], [209, 142, 163, 6], 48228, 2217, 0x82989176, 0xafc7327f),
        ([153, 39, 163, 191], [202, 188, 127, 2], 44251, 1303, 0x5d1809c5, 0x10e828a2),
    ];

    #[test]
    fn toeplitz_microsoft_vectors() {
        let mut cycles = Vec::new();
        let mut want = Vec::new();
        for (src, dst, sport, dport, h_ip, h_tcp) in MICROSOFT {
            let mut ip = [0u8; KEY_BYTES];
            ip[..4].copy_from_slice(&src);
            ip[4..8].copy_from_slice(&dst);
            let mut tcp = ip;
            tcp[8..10].copy_from_slice(&sport.to_be_bytes());
            tcp[10..12].copy_from_slice(&dport.to_be_bytes());
            assert_eq!(toeplitz_serial(&DEFAULT_RSS_KEY, &ip[..8]).unwrap(), h_ip, "model, 8-byte input");
            assert_eq!(toeplitz_serial(&DEFAULT_RSS_KEY, &tcp[..12]).unwrap(), h_tcp, "model, 12-byte input");
            cycles.push(Cycle { flow_key: Some(ip), ..Default::default() });
            cycles.push(Cycle { flow_key: Some(tcp), ..Default::default() });
            want.extend([h_ip, h_tcp]);
        }
        let got = run(&mut new_unit(&DEFAULT_RSS_KEY), &cycles);
        let starts: Vec<usize> = got.iter().map(|g| g.0).collect();
        assert_eq!(starts, (TOEPLITZ_LATENCY..TOEPLITZ_LATENCY + want.len()).collect::<Vec<_>>());
        assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), want);
    }

    #[test]
    fn toeplitz_key_load_and_commit_mid_stream() {
        // Hashes every cycle while the key is rewritten word by word; the
        // commit lands between two back-to-back hashes.
        let new_key: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(97).wrapping_add(13)).collect();
        let words = key_words(&new_key).unwrap();
        let flow = |i: u8| -> [u8; KEY_BYTES] { std::array::from_fn(|j| (j as u8).wrapping_mul(31) ^ i) };
        let mut cycles: Vec<Cycle> = (0..16).map(|i| Cycle { flow_key: Some(flow(i)), ..Default::default() }).collect();
        for (w, &d) in words.iter().enumerate() {
            cycles[2 + w].write = Some((w as u8, d));
        }
        cycles[7].commit = true;
        // A write after the commit stays in the shadow key.
        cycles[9].write = Some((0, 0xdead_beef));
        let got = run(&mut new_unit(&DEFAULT_RSS_KEY), &cycles);
        assert_eq!(got, expected(&DEFAULT_RSS_KEY, &cycles));
        let model_new = ModelToeplitz::new(&new_key).unwrap();
        let model_old = ModelToeplitz::new(&DEFAULT_RSS_KEY).unwrap();
        assert_eq!(got[7].1, model_old.hash(&flow(7)), "strobed with the commit: old key");
        assert_eq!(got[8].1, model_new.hash(&flow(8)), "strobed after the commit: new key");
        assert_eq!(got[15].1, model_new.hash(&flow(15)));
    }

    #[test]
    fn toeplitz_flow_keys_from_the_model() {
        // The two kinds of key the classifier builds: an endpoint
        // (IPv4-mapped address + port) and an L3 XOR key.
        let a = ipv4_mapped([10, 1, 2, 3]);
        let b = ipv4_mapped([192, 168, 7, 9]);
        let mut endpoint = [0u8; KEY_BYTES];
        endpoint[..16].copy_from_slice(&a);
        endpoint[16..].copy_from_slice(&443u16.to_be_bytes());
        let mut l3 = [0u8; KEY_BYTES];
        for i in 0..16 {
            l3[i] = a[i] ^ b[i];
        }
        l3[17] = 47;
        let cycles: Vec<Cycle> = [endpoint, l3].map(|k| Cycle { flow_key: Some(k), ..Default::default() }).to_vec();
        let got = run(&mut new_unit(&DEFAULT_RSS_KEY), &cycles);
        let model = ModelToeplitz::new(&DEFAULT_RSS_KEY).unwrap();
        assert_eq!(got.iter().map(|g| g.1).collect::<Vec<_>>(), vec![model.hash(&endpoint), model.hash(&l3)]);
    }

    #[test]
    fn toeplitz_rejects_a_short_key() {
        assert!(Toeplitz::new(&DEFAULT_RSS_KEY[..KEY_LEN - 1]).is_err());
        assert!(Toeplitz::new(&DEFAULT_RSS_KEY[..KEY_LEN]).is_ok());
    }

    fn arb_cycle() -> impl Strategy<Value = Cycle> {
        (
            proptest::option::weighted(0.8, any::<[u8; KEY_BYTES]>()),
            proptest::option::weighted(0.2, (0u8..8, any::<u32>())),
            proptest::bool::weighted(0.1),
        )
            .prop_map(|(flow_key, write, commit)| Cycle { flow_key, write, commit })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        #[test]
        fn toeplitz_matches_the_model(
            rss_key in proptest::collection::vec(any::<u8>(), KEY_LEN..48),
            cycles in proptest::collection::vec(arb_cycle(), 1..40),
        ) {
            let got = run(&mut new_unit(&rss_key), &cycles);
            prop_assert_eq!(got, expected(&rss_key, &cycles));
        }
    }

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = scratch_dir(name);
        std::fs::write(dir.join("top.v"), generate_verilog(&new_unit(&DEFAULT_RSS_KEY))).unwrap();
        dir
    }

    /// The generated Verilog, run by iverilog on hashes, key writes and a
    /// commit, gives the model's hashes in the same cycles.
    #[test]
    fn toeplitz_verilog_matches_the_model() {
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let mut cycles: Vec<Cycle> = (0..60).map(|_| arb_cycle().new_tree(&mut runner).unwrap().current()).collect();
        cycles[30].commit = true;
        let want = expected(&DEFAULT_RSS_KEY, &cycles);
        assert!(want.len() > 30);
        let dir = scratch("toeplitz-iverilog");
        let stim: String = cycles
            .iter()
            .map(|c| {
                let key: String = c.flow_key.unwrap_or([0; KEY_BYTES]).iter().map(|b| format!("{b:02x}")).collect();
                let (w, d) = c.write.unwrap_or((0, 0));
                format!(
                    "{} {key} {} {w} {d:08x} {}\n",
                    u8::from(c.flow_key.is_some()),
                    u8::from(c.write.is_some()),
                    u8::from(c.commit)
                )
            })
            .collect();
        let bench = StimBench {
            decls: "reg strobe_in, key_write, commit; reg [143:0] key; reg [2:0] key_word; reg [31:0] key_data;
wire strobe_out; wire [31:0] hash;
top dut(.clock(clock), .strobe_in(strobe_in), .key(key), .key_write(key_write), .key_word(key_word),
        .key_data(key_data), .commit(commit), .strobe_out(strobe_out), .hash(hash));",
            scan_format: "%d %h %d %d %h %d",
            scan_args: "strobe_in, key, key_write, key_word, key_data, commit",
            idle: "strobe_in = 0; key_write = 0; commit = 0;",
            sample: r#"if (strobe_out) $fdisplay(g, "%0d %08x", t, hash);"#,
        };
        let got: Vec<(usize, u32)> = bench
            .run(&dir, &stim, cycles.len() + TOEPLITZ_LATENCY + 1)
            .iter()
            .map(|l| {
                let (t, h) = l.split_once(' ').unwrap();
                (t.parse().unwrap(), u32::from_str_radix(h, 16).unwrap())
            })
            .collect();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(got, want);
    }

    /// Yosys (Debian package `yosys`) elaborates the generated Verilog
    /// cleanly; `make synth-block BLOCK=toeplitz` maps and places it.
    #[test]
    fn toeplitz_synthesis_check() {
        let dir = scratch("toeplitz-yosys");
        run_tool(&dir, "yosys", &["-q", "-p", "read_verilog top.v; hierarchy -check -top top; proc; opt; check -assert"], "yosys");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
