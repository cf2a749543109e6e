//! `EthMacTx` against the software model: frames go in as 64-bit beats, the
//! GMII side must carry preamble, SFD, the frame padded to 60 bytes, the
//! FCS computed here, and at least 12 idle cycles between frames; plus a
//! loopback through `EthMacRx`.

mod eth_mac_wire;

use eth_mac_wire::*;
use hdl::eth_mac_rx::EthMacRx;
use hdl::eth_mac_tx::{EthMacTx, IFG};
use hdl::stream::frame_beats;
use model::frame_build::Rng;
use rust_hdl::prelude::*;

/// A frame offered to the MAC: bytes, tuser on the last beat, and a stall
/// (cycles with tvalid low) before beat `stall.0`.
#[derive(Clone)]
struct Offer {
    frame: Vec<u8>,
    user: bool,
    stall: Option<(usize, usize)>,
}

fn offer(frame: Vec<u8>) -> Offer {
    Offer { frame, user: false, stall: None }
}

/// Drives the offers back to back (tvalid high whenever a beat is due) and
/// records `cycles` GMII cycles; `rx` also runs them through an `EthMacRx`
/// and returns its frames.
fn transmit(offers: &[Offer], cycles: usize, rx: bool) -> (Vec<GmiiByte>, Vec<(Vec<u8>, bool)>) {
    let mut tx = EthMacTx::default();
    tx.connect_all();
    check_all(&tx).unwrap();
    let mut mac_rx = EthMacRx::default();
    mac_rx.connect_all();
    let mut sink = StreamSink::default();
    // (data, keep, last, user, stall cycles before it)
    let mut beats = std::collections::VecDeque::new();
    for o in offers {
        let b = frame_beats(&o.frame);
        let n = b.len();
        for (i, (d, k, l)) in b.into_iter().enumerate() {
            let stall = o.stall.filter(|s| s.0 == i).map_or(0, |s| s.1);
            beats.push_back((d, k, l, o.user && i + 1 == n, stall));
        }
    }
    let mut wire_out = Vec::new();
    for _ in 0..cycles {
        let head = beats.front().copied();
        let valid = matches!(head, Some((.., 0)));
        let (d, k, l, u, _) = head.unwrap_or_default();
        let mut taken = false;
        let mut g = (0u8, false, false);
        cycle(
            &mut tx,
            |m, c| m.clock.next = c.into(),
            |m| {
                m.s_tdata.next = d.to_bits();
                m.s_tkeep.next = k.to_bits();
                m.s_tvalid.next = valid;
                m.s_tlast.next = l;
                m.s_tuser.next = u;
            },
            |m| {
                taken = m.s_tready.val() && valid;
                g = (m.gmii_txd.val().to_u8(), m.gmii_tx_en.val(), m.gmii_tx_er.val());
            },
        );
        if taken {
            beats.pop_front();
        } else if let Some(h) = beats.front_mut() {
            h.4 = h.4.saturating_sub(1);
        }
        wire_out.push(g);
        if rx {
            cycle(
                &mut mac_rx,
                |m, c| m.clock.next = c.into(),
                |m| {
                    m.gmii_rxd.next = g.0.to_bits();
                    m.gmii_rx_dv.next = g.1;
                    m.gmii_rx_er.next = g.2;
                    m.m_tready.next = true;
                },
                |m| {
                    if m.m_tvalid.val() {
                        sink.beat(m.m_tdata.val().to_u64(), m.m_tkeep.val().to_u8(), m.m_tlast.val(), m.m_tuser.val());
                    }
                },
            );
        }
    }
    assert!(beats.is_empty(), "{} beats not taken", beats.len());
    (wire_out, sink.frames)
}

/// Cycles enough for the offers.
fn budget(offers: &[Offer]) -> usize {
    offers.iter().map(|o| o.frame.len().max(60) + 8 + 4 + IFG as usize + 4 + o.stall.map_or(0, |s| s.1)).sum::<usize>() + 20
}

fn check_bursts(offers: &[Offer], wire_out: &[GmiiByte]) {
    let got = bursts(wire_out);
    assert_eq!(got.len(), offers.len(), "one burst per frame");
    for (i, (o, (bytes, er, _))) in offers.iter().zip(&got).enumerate() {
        assert_eq!(bytes, &wire(&padded(&o.frame)), "frame {i}: wire image");
        assert!(!er, "frame {i}: tx_er");
    }
    // Back to back: exactly the inter-frame gap between bursts.
    for w in got.windows(2) {
        let end = w[0].2 + w[0].0.len();
        assert_eq!(w[1].2 - end, IFG as usize, "inter-frame gap");
    }
}

#[test]
fn eth_mac_tx_capture_frames() {
    let offers: Vec<Offer> = test_frames().into_iter().map(offer).collect();
    let (wire_out, _) = transmit(&offers, budget(&offers), false);
    check_bursts(&offers, &wire_out);
}

#[test]
fn eth_mac_tx_every_length_padding() {
    let mut rng = Rng::new(11);
    let offers: Vec<Offer> = (1..=72).map(|n| offer(random_frame(&mut rng, n))).collect();
    let (wire_out, _) = transmit(&offers, budget(&offers), false);
    check_bursts(&offers, &wire_out);
}

#[test]
fn eth_mac_tx_error_and_underrun() {
    let mut rng = Rng::new(13);
    let a = random_frame(&mut rng, 100);
    let offers = vec![
        Offer { frame: a.clone(), user: true, stall: None },
        Offer { frame: a.clone(), user: false, stall: Some((5, 20)) },
        offer(a.clone()),
    ];
    let (wire_out, frames) = transmit(&offers, budget(&offers), true);
    let got = bursts(&wire_out);
    assert_eq!(got.len(), 3);
    // tuser: the frame goes out whole, the FCS bytes with tx_er.
    assert_eq!(got[0].0, wire(&a));
    assert!(got[0].1);
    assert!(wire_out[got[0].2..got[0].2 + 8 + 100].iter().all(|c| !c.2), "tx_er before the FCS");
    // Underrun: the burst ends early with tx_er.
    assert!(got[1].1);
    assert!(got[1].0.len() < 8 + 100);
    // The frame after it is intact; the receiver drops neither silently.
    assert_eq!(got[2].0, wire(&a));
    assert!(!got[2].1);
    assert_eq!(frames.len(), 3);
    assert!(frames[0].1 && frames[1].1 && !frames[2].1);
    assert_eq!(frames[2].0, a);
}

#[test]
fn eth_mac_tx_rx_loopback() {
    let frames: Vec<Vec<u8>> = test_frames().into_iter().take(20).collect();
    let offers: Vec<Offer> = frames.iter().cloned().map(offer).collect();
    let (_, got) = transmit(&offers, budget(&offers), true);
    let want: Vec<(Vec<u8>, bool)> = frames.iter().map(|f| (padded(f), false)).collect();
    assert!(got == want, "loopback: {} frames back, {} sent", got.len(), want.len());
}
