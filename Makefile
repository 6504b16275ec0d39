# make demo | make test | make bench | make install | make format
# Every target installs what is missing (scripts/install-deps), configures and builds first.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

FUZZ_SECONDS ?= 600
SOAK_ROUNDS ?= 1000

.PHONY: all deps configure build test unit demo bench install format format-check clean soak fuzz fuzz-ci \
	test-sanitize

all: build

deps:
	@scripts/install-deps --quiet

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 120

test: format-check unit

# The VIP failover in an emulated VPC made of network namespaces (needs root; lab/demo builds first).
demo:
	@CLOUDVIP_BUILD=$(abspath $(BUILD)) lab/demo

bench: build
	python3 bench/failover_bench.py --sim $(BUILD)/cloudvip-sim --cloudvip $(BUILD)/cloudvip

# The fault campaign, long (tests/faults/campaign.py; `make test` runs 100 rounds as the fault_campaign test).
soak: build
	python3 tests/faults/campaign.py --sim $(BUILD)/cloudvip-sim --cloudvip $(BUILD)/cloudvip \
		--rounds $(SOAK_ROUNDS) --crash-rounds 10 --table --json $(BUILD)/soak.json

# libFuzzer (clang-16, build-fuzz/): every target FUZZ_SECONDS; fuzz-ci about 20 s each over the corpus.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) scripts/fuzz

fuzz-ci: deps
	JOBS=$(JOBS) scripts/fuzz --ci

# The unit, integration and CLI tests under ASan+UBSan (build-asan/), the threaded tests under TSan
# (build-tsan/).
test-sanitize: deps
	JOBS=$(JOBS) scripts/sanitize

install: build
	install -D -m 0755 $(BUILD)/cloudvip $(DESTDIR)/usr/local/bin/cloudvip

format:
	find src sim bench tests fuzz -name '*.cc' -o -name '*.h' 2>/dev/null | xargs -r clang-format -i

format-check: deps
	@files=$$(find src sim bench tests fuzz \( -name '*.cc' -o -name '*.h' \) 2>/dev/null); \
	if [ -n "$$files" ]; then clang-format --dry-run -Werror $$files; fi

clean:
	rm -rf $(BUILD) build-fuzz build-asan build-tsan
