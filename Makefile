# make demo | make test | make bench | make install | make format
# Every target installs what is missing (scripts/install-deps), configures and builds first.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps configure build test unit demo demo-patroni bench install format format-check clean

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

# A real PostgreSQL failover: Patroni + etcd in the emulated VPC, the VIP following the leader (needs root).
demo-patroni:
	@CLOUDVIP_BUILD=$(abspath $(BUILD)) lab/demo-patroni

bench: build
	python3 bench/failover_bench.py --sim $(BUILD)/cloudvip-sim --cloudvip $(BUILD)/cloudvip

install: build
	install -D -m 0755 $(BUILD)/cloudvip $(DESTDIR)/usr/local/bin/cloudvip

format:
	find src sim bench tests -name '*.cc' -o -name '*.h' 2>/dev/null | xargs -r clang-format -i

format-check: deps
	@files=$$(find src sim bench tests \( -name '*.cc' -o -name '*.h' \) 2>/dev/null); \
	if [ -n "$$files" ]; then clang-format --dry-run -Werror $$files; fi

clean:
	rm -rf $(BUILD)
