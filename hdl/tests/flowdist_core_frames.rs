//! The whole core (rust-hdl simulation) against the model: crafted frames
//! for every verdict, back to back, idle gaps, backpressure.

use hdl::flowdist_core::{CoreSimDefault, InFrame, OutFrame, Traffic};
use model::frame_build::{demo_traffic, Flow};
use model::{Config, Distributor};

fn check(config: &Config, frames: &[InFrame], traffic: &Traffic) -> Vec<OutFrame> {
    let dist = Distributor::new(config);
    let mut sim = CoreSimDefault::new(config).unwrap();
    let out = sim.run(frames, traffic, 10_000_000).unwrap();
    assert_eq!(out.len(), frames.len(), "every frame out once");
    for (n, (o, f)) in out.iter().zip(frames).enumerate() {
        assert_eq!(o.seq, n);
        let mut want = dist.classify_rx(&f.data, f.ingress, f.mac_error);
        let bytes = dist.egress().egress_frame(&f.data, &want).into_owned();
        want.key = None;
        assert_eq!(o.decision(), want, "frame {n}: {:02x?}", &f.data[..f.data.len().min(64)]);
        assert_eq!(o.data, bytes, "frame {n} bytes");
    }
    out
}

fn plain(data: Vec<u8>) -> InFrame {
    InFrame { data, ingress: 0, mac_error: false }
}

#[test]
fn flowdist_core_one_frame() {
    let config = Config::builtin();
    let frames: Vec<InFrame> = demo_traffic(1, 2).into_iter().take(3).map(plain).collect();
    let out = check(&config, &frames, &Traffic::BACK_TO_BACK);
    for o in &out {
        eprintln!("{:?} latency {} beats {}", o.verdict, o.latency(), o.data.len().div_ceil(8));
    }
}
