//! The whole system with the rust-hdl core as the distributor (a small
//! case): clients, `hdl::flowdist_core` in rust-hdl simulation, TMMs that
//! translate per FIGURE 9 (`model::snat`), servers that answer. Every
//! answer must reach the TMM owning its connection, and every decision of
//! the core must equal the model's.
//!
//! The core is simulated at a few hundred cycles per second here, so each
//! distinct frame goes through it once and repeats of a frame are answered
//! from a cache: the distributor keeps no per-flow state, so a repeated
//! frame gets the same decision (the core's own tests send frames back to
//! back and in any order).

use std::collections::HashMap;

use hdl::flowdist_core::{CoreSimDefault, InFrame, Traffic};
use model::snat::Translation;
use model::system_sim::{conversations_random, Distribute, SimOptions, System};
use model::{Config, Decision, Distributor};

/// The core, one frame at a time, checked against the model.
struct Core {
    sim: CoreSimDefault,
    model: Distributor,
    seen: HashMap<(Vec<u8>, u8), Decision>,
    asked: usize,
}

impl Distribute for &mut Core {
    fn decide(&mut self, frame: &[u8], ingress: u8) -> Decision {
        self.asked += 1;
        if let Some(d) = self.seen.get(&(frame.to_vec(), ingress)) {
            return d.clone();
        }
        let input = InFrame { data: frame.to_vec(), ingress, mac_error: false };
        let out = self.sim.run(&[input], &Traffic::BACK_TO_BACK, 10_000).expect("the frame leaves the core");
        assert_eq!(out.len(), 1);
        let got = out[0].decision();
        let mut want = self.model.classify(frame, ingress);
        want.key = None; // not on the core's wires
        assert_eq!(got, want, "frame {:02x?}", &frame[..frame.len().min(64)]);
        self.seen.insert((frame.to_vec(), ingress), got.clone());
        got
    }
}

#[test]
fn system_core_every_answer_reaches_the_owner() {
    let config = Config::builtin();
    let mut core =
        Core { sim: CoreSimDefault::new(&config).expect("core"), model: Distributor::new(&config), seen: HashMap::new(), asked: 0 };
    // Destination only (client ports kept or replaced) and both translated
    // (source ports from the pool): FIGURE 9's two choosing branches.
    for translation in [Translation::Destination, Translation::Both] {
        let (asked, distinct) = (core.asked, core.seen.len());
        let options = SimOptions { translation, seed: 21, ..SimOptions::default() };
        let mut system = System::with_distributor(&config, options, &mut core);
        system.run(&conversations_random(21, 6));
        let s = system.stats().clone();
        assert_eq!((s.connections, s.refused), (6, 0), "{translation:?}");
        assert!(s.to_client >= 6 && s.to_server >= 6, "{translation:?}: {s:?}");
        assert_eq!(s.to_server_on_owner, s.to_server, "{translation:?}: client packets off their owner");
        assert_eq!(s.to_client_on_owner, s.to_client, "{translation:?}: answers off their owner");
        assert_eq!((core.asked - asked) as u64, s.packets() + s.connections, "{translation:?}: every frame through the distributor");
        // Each connection's answer frame is new to the core (the answers
        // differ between the two translations; the client frames are the
        // same conversations').
        assert!(core.seen.len() - distinct >= 6, "{translation:?}: too few frames through the core");
    }
    assert!(core.seen.len() >= 6 + 12, "client and answer frames: {}", core.seen.len());
}
