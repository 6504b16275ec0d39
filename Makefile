# make demo | make test | make bench | make install | make deb | make format
# Every target installs what is missing (scripts/install-deps), configures and builds first.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
PREFIX ?= /usr
DESTDIR ?=

FUZZ_SECONDS ?= 600
SOAK_ROUNDS ?= 1000
SOAK_DAEMON_ROUNDS ?= 200

.PHONY: all deps configure build programs test unit demo demo-patroni bench install deb deb-test format \
	format-check clean soak fuzz fuzz-ci test-sanitize

all: build

deps:
	@scripts/install-deps --quiet

$(BUILD)/build.ninja: CMakeLists.txt | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

configure: $(BUILD)/build.ninja

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 120

test: format-check unit

# Only the two programs and the man pages (no test binaries), with a short progress line per tenth of the work:
# what `make demo` and `make install` need.
programs:
	@BUILD=$(BUILD) JOBS=$(JOBS) CMAKE_FLAGS="-DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)" scripts/build-programs

# The VIP failover in an emulated VPC made of network namespaces (needs root).
demo:
	@CLOUDVIP_BUILD=$(abspath $(BUILD)) lab/demo

# A real PostgreSQL failover: Patroni + etcd in the emulated VPC, the VIP following the leader (needs root).
demo-patroni:
	@CLOUDVIP_BUILD=$(abspath $(BUILD)) lab/demo-patroni

bench: build
	python3 bench/failover_bench.py --sim $(BUILD)/cloudvip-sim --cloudvip $(BUILD)/cloudvip

# The install list is CMake's (cmake/install_rules.cmake), shared with the Debian packages.
install: programs
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

# Debian packages (debian/): cloudvip and cloudvip-sim in $(BUILD)/deb/, checked with lintian. The tests are
# not built or run in the package build (DEB_BUILD_OPTIONS=nocheck): `make test` runs them.
deb: deps
	@BUILD=$(BUILD) JOBS=$(JOBS) scripts/build-deb

# The packages end to end (root): make deb, the file lists against make install DESTDIR=..., dpkg -i, the
# installed programs, pages, unit and OCF agent, then dpkg --purge and nothing left. CI runs it after make test;
# not a ctest, because it installs to /usr and other checkouts' `make test` may run at the same time.
deb-test: configure
	@JOBS=$(JOBS) tests/packaging/deb_test.sh $(abspath $(BUILD))

# The fault campaign, long (tests/faults/campaign.py; `make test` runs 100 rounds as the fault_campaign test).
soak: build
	python3 tests/faults/campaign.py --sim $(BUILD)/cloudvip-sim --cloudvip $(BUILD)/cloudvip \
		--rounds $(SOAK_ROUNDS) --crash-rounds 10 --daemon --daemon-rounds $(SOAK_DAEMON_ROUNDS) \
		--daemon-crash-rounds 10 --table --json $(BUILD)/soak.json

# libFuzzer (clang-16, build-fuzz/): every target FUZZ_SECONDS; fuzz-ci about 20 s each over the corpus.
fuzz: deps
	FUZZ_SECONDS=$(FUZZ_SECONDS) JOBS=$(JOBS) scripts/fuzz

fuzz-ci: deps
	JOBS=$(JOBS) scripts/fuzz --ci

# The unit, integration and CLI tests under ASan+UBSan (build-asan/), the threaded tests under TSan
# (build-tsan/).
test-sanitize: deps
	JOBS=$(JOBS) scripts/sanitize

format:
	find src sim bench tests fuzz -name '*.cc' -o -name '*.h' 2>/dev/null | xargs -r clang-format -i

format-check: deps
	@files=$$(find src sim bench tests fuzz \( -name '*.cc' -o -name '*.h' \) 2>/dev/null); \
	if [ -n "$$files" ]; then clang-format --dry-run -Werror $$files; fi

clean:
	rm -rf $(BUILD) build-fuzz build-asan build-tsan
