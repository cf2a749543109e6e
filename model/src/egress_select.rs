//! Egress port selector: verdict and TMM to port, destination-MAC rewrite,
//! bypass for TMM-side ingress ports.

use std::borrow::Cow;

use crate::config::{Config, Mac};
use crate::eth_parse::DST_MAC;
use crate::verdict::{Decision, Verdict};

#[derive(Clone, Debug)]
pub struct EgressSelect {
    bridge_port: u8,
    control_port: u8,
    fragment_port: u8,
    malformed_port: u8,
    tmm_port: [u8; 256],
    tmm_mac: [Option<Mac>; 256],
    /// Ingress port → forward_to, for TMM-side ports.
    bypass: [Option<u8>; 256],
}

impl EgressSelect {
    pub fn new(config: &Config) -> Self {
        let mut tmm_port = [0u8; 256];
        let mut tmm_mac = [None; 256];
        for t in &config.tmms {
            tmm_port[t.id as usize] = t.port;
            tmm_mac[t.id as usize] = t.mac;
        }
        let mut bypass = [None; 256];
        for i in &config.ingress {
            bypass[i.port as usize] = Some(i.forward_to);
        }
        EgressSelect {
            bridge_port: config.bridge_port,
            control_port: config.control_port,
            fragment_port: config.fragment_port,
            malformed_port: config.malformed_port,
            tmm_port,
            tmm_mac,
            bypass,
        }
    }

    /// Where a frame arriving on `ingress` goes without classification.
    #[inline]
    pub fn bypass(&self, ingress: u8) -> Option<u8> {
        self.bypass[ingress as usize]
    }

    /// The port of a verdict that names no TMM.
    #[inline]
    pub fn special_port(&self, verdict: Verdict) -> u8 {
        match verdict {
            Verdict::Bridge => self.bridge_port,
            Verdict::Fragment => self.fragment_port,
            Verdict::Malformed => self.malformed_port,
            _ => self.control_port,
        }
    }

    #[inline]
    pub fn tmm_port(&self, tmm: u8) -> u8 {
        self.tmm_port[tmm as usize]
    }

    pub fn tmm_mac(&self, tmm: u8) -> Option<Mac> {
        self.tmm_mac[tmm as usize]
    }

    /// The frame as it leaves: the TMM's MAC as destination when it has one.
    pub fn egress_frame<'a>(&self, frame: &'a [u8], decision: &Decision) -> Cow<'a, [u8]> {
        match decision.tmm.and_then(|t| self.tmm_mac(t)) {
            Some(mac) if decision.verdict.to_tmm() && frame.len() >= DST_MAC.end => {
                let mut out = frame.to_vec();
                out[DST_MAC].copy_from_slice(&mac);
                Cow::Owned(out)
            }
            _ => Cow::Borrowed(frame),
        }
    }
}
