//! Source-NAT port choice and whole-system simulation speed.
//!
//! `cargo bench -p flowdist-model --bench snat` prints: port choices per
//! second with the port table and with the iterative search (hash every
//! candidate), stateless and through an allocator filling an address, and
//! simulated packets per second of the whole system per NAT mode.

use std::hint::black_box;
use std::time::Instant;

use model::flow_key::{addr16, Addr16};
use model::frame_build::Rng;
use model::snat::{PortAllocator, PortRange, SnatPorts, Translation};
use model::system_sim::{conversations_random, SimOptions, System};
use model::Config;

fn addresses(n: usize) -> Vec<Addr16> {
    let mut rng = Rng::new(9);
    (0..n).map(|_| addr16(std::net::IpAddr::from((rng.next_u64() as u32).to_be_bytes()))).collect()
}

/// Runs `f` (which reports how many choices it made) for about `secs`,
/// reading the clock once per call; returns (choices, seconds).
fn timed(secs: f64, mut f: impl FnMut() -> u64) -> (u64, f64) {
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed().as_secs_f64() < secs {
        n += f();
    }
    (n, start.elapsed().as_secs_f64())
}

fn rate(name: &str, (n, s): (u64, f64), unit: &str) -> f64 {
    let r = n as f64 / s;
    println!("{name:<58} {r:>14.0} {unit}/s  ({n} in {s:.2} s)");
    r
}

fn main() {
    let config = Config::builtin();
    let snat = SnatPorts::new(&config);
    let addrs = addresses(4096);
    let range = PortRange::DEFAULT;

    // Stateless: the lowest fitting port above server port 80 on a fresh
    // address (about N = 4 candidates per answer).
    // One call per address (4096 choices), so the clock is read rarely.
    let table = rate(
        "first port, port table",
        timed(1.0, || {
            for (i, a) in addrs.iter().enumerate() {
                black_box(snat.fitting_ports(a, (i % 4) as u8, 80, range).next());
            }
            addrs.len() as u64
        }),
        "choices",
    );
    let search = rate(
        "first port, iterative search (hash each candidate)",
        timed(1.0, || {
            for (i, a) in addrs.iter().enumerate() {
                black_box(snat.fitting_ports_by_search(a, (i % 4) as u8, 80, range).next());
            }
            addrs.len() as u64
        }),
        "choices",
    );
    println!("  table / search: {:.2}x", table / search);

    // Allocators: fill 90% of one TMM's ports on an address, then free them
    // all; both paths hand out the same number of ports.
    for (name, by_search) in [("allocator to 90% full, port table", false), ("allocator to 90% full, iterative search", true)] {
        let mut a = 0;
        rate(
            name,
            timed(2.0, || {
                let mut alloc = PortAllocator::new(&snat, addrs[a % addrs.len()], 1, range);
                a += 1;
                let want = (range.hi - range.lo) as u64 / 4 * 9 / 10;
                for _ in 0..want {
                    let x = if by_search { alloc.alloc_by_search(&snat, 80) } else { alloc.alloc(&snat, 80) };
                    black_box(x.expect("room left"));
                }
                want
            }),
            "choices",
        );
    }

    // The whole system: classified packets per second per NAT mode.
    let conversations = conversations_random(5, 100_000);
    for (name, translation) in
        [("none", Translation::None), ("dnat", Translation::Destination), ("snat", Translation::Source), ("full-proxy", Translation::Both)]
    {
        let start = Instant::now();
        let mut system = System::new(&config, SimOptions { translation, ..SimOptions::default() });
        system.run(&conversations);
        let s = start.elapsed().as_secs_f64();
        let stats = system.stats();
        assert_eq!(stats.to_client_on_owner, stats.to_client);
        rate(&format!("system simulation, --nat {name}, 100000 conversations"), (stats.packets(), s), "packets");
    }
}
