# longsd build. One command builds (`make`), one tests (`make test`).
#   make SAN=1 ...   builds into build-san/ with ASan+UBSan (used by .ci/run)
#   make fuzz        builds libFuzzer targets with clang into build-fuzz/
#   make bench       builds the benchmarks
#   make mutate      mutation check of the suite (tests/mutations/, ONLY=pool for a subset)
#   make install     build/longsd to $(DESTDIR)$(PREFIX)/bin (PREFIX default /usr/local)
CC      ?= cc
SAN     ?= 0
PKGS    := jansson yajl libzip libcurl libpng openblas zlib hunspell yaml-0.1 libcrypto libmicrohttpd
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

ifeq ($(SAN),1)
BUILD   ?= build-san
OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
LDSAN   := -fsanitize=address,undefined
else
BUILD   ?= build
OPT     := -O2 -g
LDSAN   :=
endif

VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
CFLAGS  += -std=c17 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-unused-parameter \
           $(OPT) -pthread -Iinclude -Isrc/base -Isrc/lib -Isrc/engine $(PKG_CFLAGS) \
           -DLONGSD_VERSION='"$(VERSION)"'
# WordNet (wordnet-dev) has no pkg-config file
LDLIBS  += $(PKG_LIBS) -lwordnet -lm -pthread
LDFLAGS += $(LDSAN)

LIB_SRC    := $(sort $(wildcard src/base/*.c) $(wildcard src/lib/*.c) $(wildcard src/engine/*.c))
CLI_SRC    := $(sort $(wildcard src/cli/*.c))
TEST_SRC   := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC   := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRC  := $(sort $(wildcard bench/bench_*.c))

LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ    := $(CLI_SRC:%.c=$(BUILD)/%.o)
LIB        := $(BUILD)/liblongsd.a
BIN        := $(BUILD)/longsd
TEST_BINS  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BINS:= $(FUZZ_SRC:fuzz/%.c=$(BUILD)/fuzz/replay_%)
BENCH_BINS := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

.PHONY: all test check bench fuzz clean quickstart mutate install uninstall
all: $(BIN) $(TEST_BINS) $(REPLAY_BINS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c $< -o $@

# The tool is built against the public header only: a CLI file that reaches
# for a library header fails to compile instead of growing a hidden coupling.
CLI_CFLAGS = $(filter-out -Isrc/base -Isrc/lib -Isrc/engine,$(CFLAGS)) -Isrc/cli
$(BUILD)/src/cli/%.o: src/cli/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CLI_CFLAGS) -MMD -MP -c $< -o $@

# Layers: src/base/ (allocation, errors, files, UTF-8) is used by both the
# engine and the library; the engine sees base and itself only, so it can
# never grow a dependency on the library above it (a stray include of a
# src/lib/ header fails to compile), and src/base/ sees nothing above it.
ENGINE_CFLAGS = $(filter-out -Isrc/lib,$(CFLAGS))
$(BUILD)/src/engine/%.o: src/engine/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ENGINE_CFLAGS) -MMD -MP -c $< -o $@
BASE_CFLAGS = $(filter-out -Isrc/lib -Isrc/engine,$(CFLAGS))
$(BUILD)/src/base/%.o: src/base/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -MMD -MP -c $< -o $@

# the CLIP vocabulary is .incbin'ed (src/engine/clip_vocab.c)
$(BUILD)/src/engine/clip_vocab.o: data/clip/bpe_simple_vocab_16e6.txt.gz
# so is the page of `longsd serve` (src/lib/serve_assets.c)
$(BUILD)/src/lib/serve_assets.o: data/web/index.html data/web/app.css data/web/app.js

$(LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(LDFLAGS) $(CLI_OBJ) $(LIB) $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c tests/unit/t.h $(wildcard tests/unit/t_*.h) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests/unit $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

# Fuzz targets double as corpus replayers (fuzz/replay.c supplies main) so the
# stored corpora run under the sanitizers in every test run, without libFuzzer.
$(BUILD)/fuzz/replay_%: fuzz/%.c fuzz/replay.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< fuzz/replay.c $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

$(BUILD)/bench/%: bench/%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $< $(LIB) $(LDFLAGS) $(LDLIBS) -o $@

test: all
	BUILD=$(BUILD) sh tests/run.sh

check: test

# Not part of `make test`: applies each mutant in tests/mutations/*.mut to a
# scratch copy in build-mutate/ and runs the tests the entry lists.
PYTHON ?= $(firstword $(wildcard /usr/bin/python3) python3)
mutate:
	$(PYTHON) tests/mutate.py $(if $(ONLY),--only $(ONLY))

# bench/sdcpp.sh's converter: the same random weights as single files
# for stable-diffusion.cpp
bench: $(BIN) $(BENCH_BINS) $(BUILD)/bench/sdcpp_convert

fuzz:
	$(MAKE) BUILD=build-fuzz CC=clang \
	  OPT='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' LDSAN='-fsanitize=address,undefined' \
	  build-fuzz/liblongsd.a
	@mkdir -p build-fuzz/fuzz
	for f in $(FUZZ_SRC); do n=$$(basename $$f .c); \
	  clang $(CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined $$f build-fuzz/liblongsd.a $(LDLIBS) -o build-fuzz/fuzz/$$n || exit 1; done

# make install [PREFIX=/usr/local] [DESTDIR=staging root]: the one binary
# (it needs no data files at run time: the CLIP vocabulary is built in).
PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
install: $(BIN)
	install -d '$(DESTDIR)$(BINDIR)'
	install -m 0755 $(BIN) '$(DESTDIR)$(BINDIR)/longsd'

uninstall:
	rm -f '$(DESTDIR)$(BINDIR)/longsd'

quickstart: $(BIN)
	$(BIN) -C examples run tom-sawyer-fence

clean:
	rm -rf build build-san build-fuzz build-mutate

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
