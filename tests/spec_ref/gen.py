"""Random valid and adversarial Ethernet frames (seeded: the same seed gives
the same frames), and a pcap writer, for run.py."""
import random
import struct

# test.toml's group_mac, so that most frames pass step 1 under test.toml too;
# the rule ports of the configs, so that rules match often.
GROUP_MAC = bytes.fromhex("020000000002")
RULE_PORTS = [443, 53]

V4POOL = [bytes([10, 0, 0, i]) for i in range(1, 5)] + [bytes([192, 168, 1, 1]), bytes([8, 8, 8, 8])]
V6POOL = [bytes.fromhex("20010db8000000000000000000000001"), bytes.fromhex("20010db8000000000000000000000002"),
          bytes.fromhex("fe800000000000000000000000000001"), bytes(15) + b"\x01"]


class G:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def rb(self, n):
        return bytes(self.r.getrandbits(8) for _ in range(n))

    # 1.0 while a frame is adversarial, 0.0 while it is meant to be valid
    # (set per frame by frame()).
    a = 1.0

    def chance(self, p):
        return self.r.random() < p

    def adv(self, p):
        return self.r.random() < p * self.a

    def v4addr(self):
        return self.r.choice(V4POOL) if self.chance(0.6) else self.rb(4)

    def v6addr(self):
        return self.r.choice(V6POOL) if self.chance(0.6) else self.rb(16)

    def port(self):
        r = self.r.random()
        if r < 0.15:
            return self.r.choice(RULE_PORTS)
        if r < 0.3:
            return self.r.choice([0, 1, 80, 1024, 65535, 444, 52, 54, 442])
        return self.r.getrandbits(16)

    def ports(self):
        a = self.port()
        r = self.r.random()
        if r < 0.12:
            b = a
        else:
            b = self.port()
        return struct.pack(">HH", a, b)

    # ---------------------------------------------------------- L4 payloads
    def l4(self, proto):
        r = self.r
        if proto in (6, 17, 132):
            return self.ports() + self.rb(r.choice([0, 0, 4, 16, 30, 60]))
        if proto in (1, 58):
            return bytes([r.choice([0, 8, 128, 129, 135, 3, 11, 1, 2]), 0]) + self.rb(r.choice([2, 6, 30]))
        return self.rb(r.choice([0, 4, 8, 20, 40]))

    def pick_proto(self):
        return self.r.choice([6, 6, 17, 17, 132, 1, 58, 47, 50, 51, 2, 41, 0, 89, 253, self.r.getrandbits(8)])

    # ---------------------------------------------------------- IPv4
    def ipv4(self, proto=None, payload=None, depth=0):
        r = self.r
        if proto is None:
            proto = self.pick_proto()
            if proto == 1 and depth == 0 and self.chance(0.7):
                return self.icmp_err(4)
        if payload is None:
            payload = self.l4(proto)
        ihl = 5
        if self.chance(0.3):
            ihl = r.randint(5, 15)
        if self.adv(0.03):
            ihl = r.randint(0, 4)
        ver = 4
        if self.adv(0.03):
            ver = r.choice([0, 6, 5, 15])
        opts = self.rb(max(0, 4 * ihl - 20))
        tl = 4 * max(ihl, 5) + len(payload)
        x = r.random() / self.a if self.a else 1.0
        if x < 0.06:
            tl = r.randint(0, 4 * max(ihl, 5) + 6)
        elif x < 0.12:
            tl = r.getrandbits(16)
        elif x < 0.18:
            tl = 4 * max(ihl, 5) + r.randint(0, 5)
        flags_off = 0
        x = r.random() / self.a if self.a else 1.0
        if x < 0.06:
            flags_off = 0x2000
        elif x < 0.1:
            flags_off = r.randint(1, 0x1FFF) | (0x2000 if self.chance(0.5) else 0)
        elif x < 0.13:
            flags_off = 0x4000  # DF
        elif x < 0.15:
            flags_off = 0x8000 | r.randint(0, 1)  # reserved bit / offset 1
        src, dst = self.v4addr(), self.v4addr()
        if self.chance(0.1):
            dst = src
        hdr = struct.pack(">BBHHHBBH4s4s", (ver << 4) | ihl, 0, tl & 0xFFFF, r.getrandbits(16),
                          flags_off, 64, proto, 0, src, dst) + opts
        return hdr + payload

    # ---------------------------------------------------------- IPv6
    def ext_chain(self):
        r = self.r
        n = r.choice([0, 0, 1, 1, 2, 2, 3]) if self.a else r.choice([0, 0, 0, 1, 2])
        return [(r.choice([0, 43, 60]), r.choice([0, 0, 0, 1, 2, 3, 5, 8, 10])) for _ in range(n)]

    def ipv6(self, proto=None, payload=None, depth=0, chain=None):
        r = self.r
        if chain is None:
            chain = self.ext_chain()
        if proto is None:
            proto = self.pick_proto()
            if self.chance(0.1):
                proto = 44
            if proto == 58 and depth == 0 and self.chance(0.7):
                return self.icmp_err(6, chain=chain)
        if payload is None:
            if proto == 44:
                payload = bytes([r.choice([6, 17, 58, 0])]) + b"\x00" + struct.pack(">HI", r.choice([0, 0, 1, 8, 0x10]), r.getrandbits(32)) + self.l4(6)
                if self.chance(0.3):
                    payload = payload[:r.randint(0, 8)]
            else:
                payload = self.l4(proto)
        body = b""
        types = [t for t, _ in chain] + [proto]
        for i, (t, ln) in enumerate(chain):
            body += bytes([types[i + 1], ln]) + self.rb(6 + 8 * ln)
        body += payload
        ver = 6
        if self.adv(0.03):
            ver = r.choice([4, 0, 7])
        plen = len(body)
        x = r.random() / self.a if self.a else 1.0
        if x < 0.06:
            plen = 0
        elif x < 0.12:
            plen = r.randint(0, len(body) + 4)
        elif x < 0.15:
            plen = r.getrandbits(16)
        nh0 = types[0]
        src, dst = self.v6addr(), self.v6addr()
        if self.chance(0.1):
            dst = src
        hdr = struct.pack(">IHBB16s16s", (ver << 28) | r.getrandbits(20), plen, nh0, 64, src, dst)
        return hdr + body

    # ---------------------------------------------------------- ICMP errors
    def icmp_err(self, fam, chain=None):
        r = self.r
        if fam == 4:
            typ = r.choice([3, 4, 5, 11, 12, 3, 11, 0, 8, 13, 1, 2])
        else:
            typ = r.choice([1, 2, 3, 4, 1, 3, 128, 129, 0, 5, 135])
        ih = bytes([typ, r.randint(0, 3)]) + self.rb(6)
        # inner packet
        ifam = fam if not self.adv(0.1) else (6 if fam == 4 else 4)
        iproto = r.choice([6, 17, 132, 6, 17, 1, 58, 47, 51, 50, 0, 43, 44, 60])
        if ifam == 4:
            inner = self.ipv4(proto=iproto, depth=1)
        else:
            ch = [] if self.chance(0.8) else self.ext_chain()
            inner = self.ipv6(proto=iproto, depth=1, chain=ch)
        if self.adv(0.5):
            inner = inner[:r.randint(0, len(inner))]
        payload = ih + inner
        if fam == 4:
            return self.ipv4(proto=1, payload=payload, depth=1)
        return self.ipv6(proto=58, payload=payload, depth=1, chain=chain)

    # ---------------------------------------------------------- Ethernet
    def frame(self):
        r = self.r
        self.a = 1.0 if self.chance(0.5) else 0.0
        x = r.random()
        if x < 0.02:
            return self.rb(r.randint(0, 13))
        dst = GROUP_MAC if self.chance(0.85) else r.choice([self.rb(6), GROUP_MAC[:5] + b"\x03", b"\xff" * 6])
        src = self.rb(6)
        ntags = r.choice([0, 0, 0, 1, 1, 2, 2, 3]) if self.a else r.choice([0, 0, 1, 2])
        tags = b""
        for _ in range(ntags):
            tpid = r.choice([0x8100, 0x88A8, 0x8100, 0x88A8, 0x9100]) if self.a else r.choice([0x8100, 0x88A8])
            tags += struct.pack(">HH", tpid, r.getrandbits(16))
        y = r.random() if self.a else r.random() * 0.8
        if y < 0.1:
            et, pl = 0x0800, self.icmp_err(4)
        elif y < 0.2:
            et, pl = 0x86DD, self.icmp_err(6, chain=self.ext_chain())
        elif y < 0.4:
            et, pl = 0x0800, self.ipv4()
        elif y < 0.8:
            et, pl = 0x86DD, self.ipv6()
        elif y < 0.85:
            et, pl = 0x0806, self.rb(28)
        elif y < 0.88:
            et, pl = r.getrandbits(16), self.rb(r.randint(0, 60))
        elif y < 0.9:
            et, pl = r.randint(0, 0x5FF), self.rb(r.randint(0, 60))
        elif y < 0.93:
            et, pl = r.choice([0x0800, 0x86DD]), self.rb(r.randint(0, 80))
        else:
            et, pl = r.choice([0x8100, 0x88A8, 0x9100]), self.rb(r.randint(0, 80))
        f = dst + src + tags + struct.pack(">H", et) + pl
        z = r.random() if self.a else 1.0
        if z < 0.1:
            f = f[:max(0, len(f) - r.randint(1, 12))]
        elif z < 0.25:
            f = f[:r.randint(0, len(f))]
        elif z < 0.35:
            # cut near the 128-byte window / near the end
            f = f[:max(0, min(len(f), r.randint(120, 136)))]
        elif z < 0.45:
            f = f + self.rb(r.randint(1, 80))  # trailer
        elif z < 0.5:
            # random byte mutation inside the window
            b = bytearray(f)
            for _ in range(r.randint(1, 3)):
                if b:
                    b[r.randrange(min(len(b), 128))] = r.getrandbits(8)
            f = bytes(b)
        return f


# ---------------------------------------------------------- writers
def pcap(frames):
    """A classic little-endian pcap, Ethernet link type."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1)]
    for i, f in enumerate(frames):
        out.append(struct.pack("<IIII", 1700000000 + i, i % 1000000, len(f), len(f) + (i % 3)) + f)
    return b"".join(out)
