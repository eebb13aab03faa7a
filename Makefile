# greenslot - plan batch computing for less carbon.
#
#   make            build build/greenslot
#   make demo       install missing packages, build, run the quickstart pipeline
#   make check      build and run every test (unit + end to end)
#   make bench      run the benchmarks (writes build/bench/*.txt)
#   make fuzz       libFuzzer harnesses, FUZZ_SECONDS (10) each (build-fuzz/)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean
# Knobs: SAN=1 (AddressSanitizer + UBSan), VALGRIND=1 (check under
#        valgrind), TESTS="t03 test-core" (check: only the tests whose
#        names hold one of the words), JOBS=N (check: N tests at once;
#        default nproc), V=1 (show commands),
#        WERROR=1 (warnings are errors; CI sets it), CC=clang.

# The one list of Debian packages: what building and running greenslot
# needs, and what the tests add (headless Chromium renders the report).
# `make deps` (run by demo and check) installs what is missing as root, or
# prints the one command to run.
DEBIAN_PKGS := make gcc pkg-config libc6-dev \
	libsqlite3-dev libcurl4-openssl-dev libcairo2-dev libxml2-dev \
	libjansson-dev libglpk-dev libgsl-dev libxgboost-dev zlib1g-dev \
	python3 ca-certificates
DEBIAN_TEST_PKGS := libcmocka-dev sqlite3 chromium stress-ng python3-yaml openssl \
	glpk-utils time valgrind clang libclang-rt-14-dev

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
BUILD ?= build
# one spelling per build dir (tests pass it absolute): the .d files name
# their targets as $(OUT) spells them, and make tells the spellings apart
OUT := $(patsubst $(CURDIR)/%,%,$(BUILD))

CC ?= cc
PKGS := sqlite3 libcurl cairo libxml-2.0 jansson
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARNINGS := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wpointer-arith -Wformat=2 -Wvla -Wundef -Wcast-align \
	-Wnull-dereference -Wdouble-promotion -Wno-unused-parameter
ifeq ($(WERROR),1)
WARNINGS += -Werror
endif

OPT ?= -O2 -g
CFLAGS ?= $(OPT)
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	$(WARNINGS) -I. -MMD -MP $(PKG_CFLAGS) $(CFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LIBS = $(PKG_LIBS) -lglpk -lgsl -lgslcblas -ldl -lz -lm

ifeq ($(SAN),1)
OUT := $(patsubst $(CURDIR)/%,%,$(BUILD))-san
ALL_CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
ALL_LDFLAGS += -fsanitize=address,undefined
endif

# FUZZ=1 (set by `make fuzz`): clang, libFuzzer coverage and sanitizers.
ifeq ($(FUZZ),1)
CC := clang
OUT := build-fuzz
ALL_CFLAGS += -O1 -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_LDFLAGS := -fsanitize=fuzzer,address,undefined
FUZZ_MAIN :=
else
FUZZ_MAIN := tests/fuzz/replay.c
endif
FUZZ_SECONDS ?= 10

ifeq ($(V),1)
Q :=
else
Q := @
endif

MODULES := core ingest forecast solver report
LIB_SRC := $(sort $(wildcard $(addsuffix /*.c,$(MODULES))))
LIB_OBJ := $(LIB_SRC:%.c=$(OUT)/%.o)
MAIN_OBJ := $(OUT)/main.o
BIN := $(OUT)/greenslot

UNIT_SRC := $(sort $(wildcard tests/unit/test-*.c))
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(OUT)/tests/%)
TOOL_SRC := $(sort $(wildcard tests/tools/*.c))
TOOL_BIN := $(TOOL_SRC:tests/tools/%.c=$(OUT)/tests/%)
# Each fuzz harness is also built with a replay main() (tests/fuzz/replay.c)
# in the regular build, so that make check replays seeds and regressions.
FUZZ_SRC := $(sort $(wildcard tests/fuzz/fuzz-*.c))
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=$(OUT)/tests/%)

.PHONY: all deps test-deps demo check unit e2e bench install clean man print-deps \
	fuzz fuzz-build
.DELETE_ON_ERROR:

all: $(BIN) $(OUT)/greenslot.1 $(OUT)/man/stamp $(OUT)/greenslot.bash

$(BIN): $(MAIN_OBJ) $(LIB_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $^ $(ALL_LDFLAGS) $(LIBS)

$(OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(OUT)/tests/test-%: tests/unit/test-%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TEST    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(LIBS) -lcmocka

$(OUT)/tests/%: tests/tools/%.c $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  TOOL    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJ) $(ALL_LDFLAGS) $(LIBS)

$(OUT)/tests/fuzz-%: tests/fuzz/fuzz-%.c $(FUZZ_MAIN) $(LIB_OBJ)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $<"
	$(Q)$(CC) $(ALL_CFLAGS) -DGS_REPO_ROOT='"$(CURDIR)"' -o $@ $< \
		$(FUZZ_MAIN) $(LIB_OBJ) $(ALL_LDFLAGS) $(FUZZ_LDFLAGS) $(LIBS)

# The man page is generated from the same table as --help.
$(OUT)/greenslot.1: $(BIN)
	$(Q)$(BIN) man > $@.tmp && mv $@.tmp $@

# greenslot-COMMAND.1 for every command of the table, and bash completion.
$(OUT)/man/stamp: $(BIN)
	@mkdir -p $(OUT)/man
	$(Q)rm -f $(OUT)/man/*.1 && for c in $$($(BIN) man --list); do \
		$(BIN) man $$c > $(OUT)/man/greenslot-$$c.1 || exit 1; done
	$(Q)touch $@

$(OUT)/greenslot.bash: $(BIN)
	$(Q)$(BIN) completion bash > $@.tmp && mv $@.tmp $@

man: $(OUT)/greenslot.1 $(OUT)/man/stamp

deps:
	@sh tests/deps.sh $(DEBIAN_PKGS)

test-deps:
	@sh tests/deps.sh $(DEBIAN_PKGS) $(DEBIAN_TEST_PKGS)

demo: deps
	@$(MAKE) --no-print-directory all
	@sh examples/quickstart/run.sh $(BIN)

check: test-deps
	@$(MAKE) --no-print-directory all $(UNIT_BIN) $(TOOL_BIN) $(FUZZ_BIN)
	@VALGRIND=$(VALGRIND) sh tests/run.sh $(OUT) all "$(TESTS)"

unit: $(UNIT_BIN)
	@VALGRIND=$(VALGRIND) sh tests/run.sh $(OUT) unit

# libFuzzer: every harness for FUZZ_SECONDS, seeded from the repository's
# real files; prints each harness's executions (tests/fuzz/run.sh).
fuzz: test-deps
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-build
	@sh tests/fuzz/run.sh build-fuzz $(FUZZ_SECONDS)

fuzz-build: $(FUZZ_BIN)

e2e: all $(TOOL_BIN) $(FUZZ_BIN)
	@VALGRIND=$(VALGRIND) sh tests/run.sh $(OUT) e2e

bench: all
	@if [ -f tests/bench.sh ]; then sh tests/bench.sh $(OUT); \
	else echo "no benchmarks yet"; fi

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/greenslot
	install -m 644 $(OUT)/greenslot.1 $(OUT)/man/greenslot-*.1 \
		$(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(OUT)/greenslot.bash \
		$(DESTDIR)$(BASHCOMPDIR)/greenslot

clean:
	rm -rf build build-san build-fuzz build-clang $(BUILD) $(BUILD)-san

-include $(wildcard $(OUT)/*.d $(OUT)/*/*.d $(OUT)/tests/*.d)

print-deps:
	@echo $(DEBIAN_PKGS) $(DEBIAN_TEST_PKGS)
