"""An independent reading of SPEC.md (the distributor contract), written from
SPEC.md alone, to check the Rust model's command line frame by frame
(run.py drives it; tests/spec_ref.rs runs run.py).  Standard library only;
Python 3.11 or later for tomllib.

The allocation table's layout is the implementation's, not the contract's,
so it is taken from `flowdist table --config C --format csv`
(columns group,index,tmm).
"""
import struct
import sys

try:
    import tomllib
except ImportError:
    sys.exit("tests/spec_ref needs python3 >= 3.11 (for tomllib); this is Python %d.%d: "
             "apt-get install python3" % sys.version_info[:2])

WINDOW = 128
DEFAULT_KEY = bytes.fromhex(
    "6d5a56da255b0ec24167253d43a38fb0d0ca2bcbae7b30b477cb2da38030f20c6a42b73bbeac01fa")
ICMP4_ERR = (3, 4, 5, 11, 12)
ICMP6_ERR = (1, 2, 3, 4)
EXT_SKIP = (0, 43, 60)
PORT_PROTOS = (6, 17, 132)


def toeplitz(key: bytes, data: bytes) -> int:
    kint = int.from_bytes(key, "big")
    klen = len(key) * 8
    result = 0
    nbits = len(data) * 8
    dint = int.from_bytes(data, "big")
    for i in range(nbits):
        if (dint >> (nbits - 1 - i)) & 1:
            # window = key bits [i, i+32)
            result ^= (kint >> (klen - 32 - i)) & 0xFFFFFFFF
    return result


class Config:
    def __init__(self, path, table_csv):
        with open(path, "rb") as f:
            c = tomllib.load(f)
        gm = c.get("group_mac")
        self.group_mac = bytes.fromhex(gm.replace(":", "").replace("-", "")) if gm else None
        rk = c.get("rss_key")
        self.rss_key = bytes.fromhex(rk) if rk else DEFAULT_KEY
        self.bridge_port = c["bridge_port"]
        self.control_port = c["control_port"]
        self.fragment_port = c["fragment_port"]
        self.malformed_port = c["malformed_port"]
        self.tmm_port = {t["id"]: t["port"] for t in c.get("tmm", [])}
        self.groups = c.get("group", [])
        self.rules = [(r["port"], r["group"]) for r in c.get("rule", [])]
        self.ingress = {i["port"]: i["forward_to"] for i in c.get("ingress", [])}
        self.table = {}
        lines = table_csv.split("\n")
        assert lines[0].strip() == "group,index,tmm", lines[0]
        for ln in lines[1:]:
            if not ln.strip():
                continue
            g, i, t = (int(x) for x in ln.split(","))
            self.table.setdefault(g, {})[i] = t


def v4_16(b: bytes) -> bytes:
    return b"\x00" * 10 + b"\xff\xff" + b


def be16(f, o):
    return (f[o] << 8) | f[o + 1]


class Row:
    __slots__ = ("verdict", "inner", "group", "key", "hash", "index", "tmm", "port", "why")

    def __init__(self, verdict, port, inner=0, group=None, key=None, h=None, index=None, tmm=None):
        self.verdict, self.port, self.inner, self.group = verdict, port, inner, group
        self.key, self.hash, self.index, self.tmm = key, h, index, tmm
        self.why = ""

    def csv(self, n):
        e = lambda v: "" if v is None else str(v)
        return ",".join([str(n), self.verdict, str(self.inner), e(self.group),
                         "" if self.key is None else self.key.hex(),
                         "" if self.hash is None else "%08x" % self.hash,
                         e(self.index), e(self.tmm), str(self.port)])


def lookup(cfg, verdict, group, key, inner):
    h = toeplitz(cfg.rss_key, key)
    idx = h & 0xFFF
    tmm = cfg.table[group][idx]
    return Row(verdict, cfg.tmm_port[tmm], inner, group, key, h, idx, tmm)


def decide_ports(cfg, f, src16, dst16, p, inner):
    """Step 7 after the bounds checks: ports at p..p+4 are known to be readable."""
    sport, dport = be16(f, p), be16(f, p + 2)
    group = 0
    for rport, rgroup in cfg.rules:
        if rport == sport or rport == dport:
            group = rgroup
            break
    if sport == dport:
        tmm = cfg.groups[group]["fixed_tmm"]
        return Row("fixed", cfg.tmm_port[tmm], inner, group, tmm=tmm)
    if sport > dport:
        key = src16 + struct.pack(">H", sport)
    else:
        key = dst16 + struct.pack(">H", dport)
    return lookup(cfg, "l4", group, key, inner)


def decide_l3(cfg, src16, dst16, proto, inner):
    key = bytes(a ^ b for a, b in zip(src16, dst16)) + struct.pack(">H", proto)
    return lookup(cfg, "l3", 0, key, inner)


def try_inner(cfg, f, lim, h, family):
    """Step 6: h = start of the ICMP header. Returns a Row or None (decide on outer)."""
    if h + 8 > lim:
        return None
    i = h + 8
    if i + 1 > lim:
        return None
    ver = f[i] >> 4
    if ver != family:
        return None
    if family == 4:
        ihl = f[i] & 0xF
        if ihl < 5 or i + 4 * ihl > lim:
            return None
        if be16(f, i + 6) & 0x1FFF:
            return None
        proto = f[i + 9]
        src16, dst16 = v4_16(f[i + 12:i + 16]), v4_16(f[i + 16:i + 20])
        l4 = i + 4 * ihl
    else:
        if i + 40 > lim:
            return None
        proto = f[i + 6]
        if proto in (0, 43, 44, 60):
            return None
        src16, dst16 = bytes(f[i + 8:i + 24]), bytes(f[i + 24:i + 40])
        l4 = i + 40
    if proto in PORT_PROTOS:
        if l4 + 4 > lim:
            return None
        return decide_ports(cfg, f, src16, dst16, l4, 1)
    return decide_l3(cfg, src16, dst16, proto, 1)


def classify(cfg, f: bytes, ingress_port=0) -> Row:
    if ingress_port in cfg.ingress:
        return Row("bypass", cfg.ingress[ingress_port])
    n = len(f)
    def M(why):
        r = Row("malformed", cfg.malformed_port)
        r.why = why
        return r

    def C(why):
        r = Row("control", cfg.control_port)
        r.why = why
        return r
    # 1. destination MAC
    if n < 14:
        return M('if n < 14')
    if cfg.group_mac is not None and bytes(f[0:6]) != cfg.group_mac:
        return Row("bridge", cfg.bridge_port)
    # 2. VLAN tags
    off = 12
    et = be16(f, off)
    tags = 0
    while et in (0x8100, 0x88A8) and tags < 2:
        if off + 6 > n:
            return M('if off + 6 > n')
        off += 4
        et = be16(f, off)
        tags += 1
    o = off + 2
    # 3. IP?
    if et not in (0x0800, 0x86DD):
        return C('if et not in (0x0800, 0x86DD)')
    # 4. IP header sanity
    if o + 1 > n:
        return M('if o + 1 > n')
    if et == 0x0800:
        if f[o] >> 4 != 4:
            return M('if f[o] >> 4 != 4')
        ihl = f[o] & 0xF
        if ihl < 5:
            return M('if ihl < 5')
        if o + 4 > n:
            return M('if o + 4 > n')
        tl = be16(f, o + 2)
        if tl < 4 * ihl:
            return M('if tl < 4 * ihl')
        if o + 4 * ihl > n:
            return M('if o + 4 * ihl > n')
        if o + 4 * ihl > WINDOW:
            return C('if o + 4 * ihl > WINDOW')
        # 5. fragments
        fo = be16(f, o + 6)
        if fo & 0x2000 or fo & 0x1FFF:
            return Row("fragment", cfg.fragment_port)
        proto = f[o + 9]
        src16, dst16 = v4_16(bytes(f[o + 12:o + 16])), v4_16(bytes(f[o + 16:o + 20]))
        l4 = o + 4 * ihl
        ip_end = o + tl
        family = 4
    else:
        if f[o] >> 4 != 6:
            return M('if f[o] >> 4 != 6')
        if o + 40 > n:
            return M('if o + 40 > n')
        plen = be16(f, o + 4)
        nh = f[o + 6]
        h = o + 40
        cnt = 0
        while nh in EXT_SKIP:
            if cnt == 2:
                return C('if cnt == 2')
            if h + 2 > n:
                return M('if h + 2 > n')
            hl = 8 + 8 * f[h + 1]
            if h + hl > n:
                return M('if h + hl > n')
            if h + hl > WINDOW:
                return C('if h + hl > WINDOW')
            nh = f[h]
            h += hl
            cnt += 1
        # 5. fragments
        if nh == 44:
            return Row("fragment", cfg.fragment_port)
        proto = nh
        src16, dst16 = bytes(f[o + 8:o + 24]), bytes(f[o + 24:o + 40])
        l4 = h
        ip_end = o + 40 + plen
        family = 6
    lim = min(n, WINDOW)
    # 6. ICMP errors
    if family == 4 and proto == 1 and l4 + 8 <= lim and f[l4] in ICMP4_ERR:
        r = try_inner(cfg, f, lim, l4, 4)
        if r is not None:
            return r
    if family == 6 and proto == 58 and l4 + 8 <= lim and f[l4] in ICMP6_ERR:
        r = try_inner(cfg, f, lim, l4, 6)
        if r is not None:
            return r
    # 7. transport with ports
    if proto in PORT_PROTOS:
        if l4 + 4 > n or l4 + 4 > ip_end:
            return M('if l4 + 4 > n or l4 + 4 > ip_end')
        if l4 + 4 > WINDOW:
            return C('if l4 + 4 > WINDOW')
        return decide_ports(cfg, f, src16, dst16, l4, 0)
    # 8. anything else on IP
    return decide_l3(cfg, src16, dst16, proto, 0)


# ---------------------------------------------------------------- captures
class CaptureError(Exception):
    def __init__(self, msg, code=1):
        super().__init__(msg)
        self.code = code


def read_frames(data: bytes):
    """Yield frames; raise CaptureError at a problem (after yielding the good ones)."""
    if len(data) < 4:
        raise CaptureError("file too short")
    m_le = struct.unpack("<I", data[:4])[0]
    if m_le in (0xA1B2C3D4, 0xA1B23C4D):
        yield from _read_pcap(data, "<")
    elif m_le in (0xD4C3B2A1, 0x4D3CB2A1):
        yield from _read_pcap(data, ">")
    elif m_le == 0x0A0D0D0A:
        yield from _read_pcapng(data)
    else:
        raise CaptureError("not a pcap/pcapng file")


def _read_pcap(data, e):
    if len(data) < 24:
        raise CaptureError("truncated pcap header")
    lt = struct.unpack(e + "I", data[20:24])[0] & 0x03FFFFFF
    if lt != 1:
        raise CaptureError("link type %d is not Ethernet" % lt)
    pos = 24
    nframes = 0
    while pos < len(data):
        if pos + 16 > len(data):
            raise CaptureError("truncated record header", 2 if nframes else 1)
        caplen = struct.unpack(e + "I", data[pos + 8:pos + 12])[0]
        if pos + 16 + caplen > len(data):
            raise CaptureError("truncated record", 2 if nframes else 1)
        yield data[pos + 16:pos + 16 + caplen]
        nframes += 1
        pos += 16 + caplen


def _read_pcapng(data):
    pos = 0
    e = "<"
    ifaces = []
    nframes = 0
    while pos < len(data):
        code = 2 if nframes else 1
        if pos + 12 > len(data):
            raise CaptureError("truncated block", code)
        btype_raw = data[pos:pos + 4]
        if btype_raw == b"\x0a\x0d\x0d\x0a":
            bom = data[pos + 8:pos + 12]
            if bom == b"\x4d\x3c\x2b\x1a":
                e = "<"
            elif bom == b"\x1a\x2b\x3c\x4d":
                e = ">"
            else:
                raise CaptureError("bad byte-order magic", code)
            ifaces = []
        btype, blen = struct.unpack(e + "II", data[pos:pos + 8])
        if blen < 12 or blen % 4 or pos + blen > len(data):
            raise CaptureError("truncated/bad block", code)
        body = data[pos + 8:pos + blen - 4]
        if btype == 1:
            lt, _res, snap = struct.unpack(e + "HHI", body[:8])
            if lt != 1:
                raise CaptureError("interface link type %d is not Ethernet" % lt, code)
            ifaces.append(snap)
        elif btype in (6, 2):
            # An Enhanced Packet Block, or the obsolete Packet Block, read
            # alike but for its 16-bit interface id.
            fields = struct.unpack(e + ("IIIII" if btype == 6 else "HHIIII"), body[:20])
            ifid, caplen = fields[0], fields[-2]
            if ifid >= len(ifaces):
                raise CaptureError("packet block for unknown interface", code)
            if 20 + caplen > len(body):
                raise CaptureError("packet block caplen beyond block", code)
            yield body[20:20 + caplen]
            nframes += 1
        elif btype == 3:
            if not ifaces:
                raise CaptureError("SPB without interface", code)
            olen = struct.unpack(e + "I", body[:4])[0]
            cap = min(olen, len(body) - 4)
            if ifaces[0]:
                cap = min(cap, ifaces[0])
            yield body[4:4 + cap]
            nframes += 1
        pos += blen

