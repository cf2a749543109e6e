//! Classify throughput on frames already in memory, one core: the fast
//! table-driven Toeplitz beside the bit-serial reference, on a real capture
//! (../shared/pcaps/ndpi-gnutella.pcap, when present) and on a synthetic
//! many-flow set. Run: `cargo bench -p flowdist-model --bench classify`.

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use model::frame_build::{random_flow, Rng};
use model::{toeplitz_serial, Config, Distributor};

/// Frames per second of `f` over `frames`, repeated for about `budget`.
fn rate(frames: &[Vec<u8>], budget: Duration, mut f: impl FnMut(&[u8]) -> u32) -> f64 {
    let mut done = 0u64;
    let mut sink = 0u32;
    let start = Instant::now();
    while start.elapsed() < budget {
        for fr in frames {
            sink ^= f(black_box(fr));
        }
        done += frames.len() as u64;
    }
    black_box(sink);
    done as f64 / start.elapsed().as_secs_f64()
}

fn bench_set(name: &str, frames: &[Vec<u8>], dist: &Distributor) {
    let key = dist.config().rss_key.clone();
    let fast = rate(frames, Duration::from_secs(2), |f| {
        let d = dist.classify(f, 0);
        u32::from(d.port) ^ d.hash.unwrap_or(0)
    });
    let serial = rate(frames, Duration::from_secs(2), |f| {
        let d = dist.classify_with(f, 0, |k| toeplitz_serial(&key, k).expect("key validated"));
        u32::from(d.port) ^ d.hash.unwrap_or(0)
    });
    println!(
        "{name:<34} {:>7} frames  table-driven {:>7.2} Mframes/s ({:>5.1} ns/frame)   bit-serial {:>6.2} Mframes/s ({:>6.1} ns/frame)",
        frames.len(),
        fast / 1e6,
        1e9 / fast,
        serial / 1e6,
        1e9 / serial
    );
}

fn main() {
    let dist = Distributor::new(&Config::builtin());
    println!("classify (parse + hash + table lookup + egress port), one core, frames in memory");
    let gnutella = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/pcaps/ndpi-gnutella.pcap"));
    match model::capture::read_all(gnutella) {
        Ok(frames) => {
            let frames: Vec<Vec<u8>> = frames.into_iter().map(|f| f.data).collect();
            bench_set("ndpi-gnutella.pcap", &frames, &dist);
        }
        Err(e) => println!("(skipping the real capture: {e})"),
    }
    // 100k distinct flows, one frame each way, 64-byte-ish frames.
    let mut rng = Rng::new(42);
    let mut frames = Vec::new();
    for _ in 0..50_000 {
        let flow = random_flow(&mut rng);
        frames.push(flow.frame(&[], &[], &[0; 8]));
        frames.push(flow.reversed().frame(&[], &[], &[0; 8]));
    }
    bench_set("synthetic 50k connections x2", &frames, &dist);
    let hashes = {
        let t = dist.toeplitz();
        let keys: Vec<[u8; 18]> = (0..4096).map(|_| std::array::from_fn(|_| rng.next_u64() as u8)).collect();
        let start = Instant::now();
        let mut n = 0u64;
        let mut sink = 0;
        while start.elapsed() < Duration::from_secs(1) {
            for k in &keys {
                sink ^= t.hash(black_box(k));
            }
            n += keys.len() as u64;
        }
        black_box(sink);
        n as f64 / start.elapsed().as_secs_f64()
    };
    println!("Toeplitz alone (18-byte key, table-driven): {:.1} Mhash/s ({:.1} ns/hash)", hashes / 1e6, 1e9 / hashes);
}
