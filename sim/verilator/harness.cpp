// flowdist Verilator harness: the Verilated `flowdist_core` behind a small
// C interface, built as a shared library and loaded by sim/src/verilator.rs.
//
// One call per clock cycle (fd_cycle): apply the inputs, evaluate with the
// clock low, sample the outputs, raise the clock and evaluate again — the
// same cycle as the rust-hdl engine (sim/src/engine.rs). FdIn and FdOut
// mirror the Rust `CoreIn`/`CoreOut` (repr(C)); fd_sizes lets the Rust side
// check the layout. A VCD is written between fd_trace_open and
// fd_trace_close when the model is built with --trace (VM_TRACE); without
// it fd_trace_open answers -2.

#include <cstdint>
#include <memory>

#include "Vflowdist_core.h"
#include "verilated.h"
#if VM_TRACE
#include "verilated_vcd_c.h"
#endif

struct FdIn {
    uint64_t s_axis_tdata;
    uint32_t ctrl_wdata;
    uint16_t ctrl_addr;
    uint8_t s_axis_tkeep, s_axis_tvalid, s_axis_tlast, s_axis_tuser, s_axis_ingress_port, m_axis_tready;
    uint8_t ctrl_write, ctrl_read;
    uint8_t pad[2];
};

struct FdOut {
    uint64_t m_axis_tdata;
    uint32_t m_axis_hash, ctrl_rdata;
    uint16_t m_axis_index;
    uint8_t s_axis_tready, m_axis_tkeep, m_axis_tvalid, m_axis_tlast, m_axis_tdest, m_axis_verdict;
    uint8_t m_axis_inner, m_axis_group, m_axis_tmm, ctrl_rvalid;
};

static_assert(sizeof(FdIn) == 24, "FdIn layout");
static_assert(sizeof(FdOut) == 32, "FdOut layout");

// Time units per clock cycle in the VCD (matches the rust-hdl engine).
static const uint64_t PERIOD = 10;

struct Fd {
    std::unique_ptr<VerilatedContext> ctx;
    std::unique_ptr<Vflowdist_core> top;
#if VM_TRACE
    std::unique_ptr<VerilatedVcdC> vcd;
#endif
    uint64_t cycle = 0;
};

extern "C" {

void fd_sizes(uint32_t* in, uint32_t* out) {
    *in = sizeof(FdIn);
    *out = sizeof(FdOut);
}

void* fd_new() {
    Fd* fd = new Fd;
    fd->ctx.reset(new VerilatedContext);
#if VM_TRACE
    fd->ctx->traceEverOn(true);
#endif
    fd->top.reset(new Vflowdist_core(fd->ctx.get(), "flowdist_core"));
    fd->top->clock = 0;
    fd->top->eval();
    return fd;
}

void fd_trace_close(void* p) {
#if VM_TRACE
    Fd* fd = static_cast<Fd*>(p);
    if (fd->vcd) {
        fd->vcd->close();
        fd->vcd.reset();
    }
#else
    (void)p;
#endif
}

void fd_free(void* p) {
    Fd* fd = static_cast<Fd*>(p);
    fd_trace_close(fd);
    fd->top->final();
    delete fd;
}

int fd_trace_open(void* p, const char* path) {
#if VM_TRACE
    Fd* fd = static_cast<Fd*>(p);
    fd_trace_close(fd);
    fd->vcd.reset(new VerilatedVcdC);
    fd->top->trace(fd->vcd.get(), 99);
    fd->vcd->open(path);
    return fd->vcd->isOpen() ? 0 : -1;
#else
    (void)p;
    (void)path;
    return -2;
#endif
}

// The VCD sample at time t, if a trace is open.
static void dump(Fd* fd, uint64_t t) {
#if VM_TRACE
    if (fd->vcd) fd->vcd->dump(t);
#else
    (void)fd;
    (void)t;
#endif
}

void fd_cycle(void* p, const FdIn* in, FdOut* out) {
    Fd* fd = static_cast<Fd*>(p);
    Vflowdist_core* t = fd->top.get();
    t->s_axis_tdata = in->s_axis_tdata;
    t->s_axis_tkeep = in->s_axis_tkeep;
    t->s_axis_tvalid = in->s_axis_tvalid;
    t->s_axis_tlast = in->s_axis_tlast;
    t->s_axis_tuser = in->s_axis_tuser;
    t->s_axis_ingress_port = in->s_axis_ingress_port;
    t->m_axis_tready = in->m_axis_tready;
    t->ctrl_addr = in->ctrl_addr;
    t->ctrl_wdata = in->ctrl_wdata;
    t->ctrl_write = in->ctrl_write;
    t->ctrl_read = in->ctrl_read;
    t->clock = 0;
    t->eval();
    dump(fd, fd->cycle * PERIOD);
    out->m_axis_tdata = t->m_axis_tdata;
    out->m_axis_hash = t->m_axis_hash;
    out->ctrl_rdata = t->ctrl_rdata;
    out->m_axis_index = t->m_axis_index;
    out->s_axis_tready = t->s_axis_tready;
    out->m_axis_tkeep = t->m_axis_tkeep;
    out->m_axis_tvalid = t->m_axis_tvalid;
    out->m_axis_tlast = t->m_axis_tlast;
    out->m_axis_tdest = t->m_axis_tdest;
    out->m_axis_verdict = t->m_axis_verdict;
    out->m_axis_inner = t->m_axis_inner;
    out->m_axis_group = t->m_axis_group;
    out->m_axis_tmm = t->m_axis_tmm;
    out->ctrl_rvalid = t->ctrl_rvalid;
    t->clock = 1;
    t->eval();
    dump(fd, fd->cycle * PERIOD + PERIOD / 2);
    fd->cycle++;
}

}  // extern "C"
