# rudder — build, test, check, fuzz, bench, demo.
#
#   make          build ./rudder
#   make demo     install what is missing, build, start the demo on :8080
#   make test     install what is missing, build, run every test
#   make check    the test suite under AddressSanitizer + UBSan
#   make fuzz     each libFuzzer harness for a bounded time
#   make bench    wrk against rudder and nginx in one run
#
# Build variants live in their own directories: build/ (default),
# build/asan (make check), build/fuzz (clang, libFuzzer).

BUILD    ?= build
CC       ?= cc
SAN      ?=
JOBS     ?= 2
FUZZTIME ?= 20

PKGS := libmicrohttpd sqlite3 libpq libsodium jansson libcmark libcurl \
        libqrencode liboath inih
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread

WARN   := -Wall -Wextra -Wpedantic -Werror -Wshadow -Wstrict-prototypes \
          -Wmissing-prototypes -Wno-unused-parameter -Wformat=2 \
          -Wno-format-nonliteral -Wvla
CFLAGS ?= -O2 -g
ifeq ($(SAN),1)
CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined \
          -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc \
              -I$(BUILD)/gen $(PKG_CFLAGS) -MMD -MP

SRC_ALL  := $(shell find src -name '*.c' | sort)
SRC_MAIN := src/main.c
SRC_LIB  := $(filter-out $(SRC_MAIN),$(SRC_ALL))
OBJ_LIB  := $(SRC_LIB:%.c=$(BUILD)/%.o) $(BUILD)/gen/assets.o

TEMPLATES := $(shell find src -path '*/templates/*.html' | sort)
STATIC    := $(shell find src -path '*/static/*' -type f | sort)
MIGRATIONS:= $(shell find src -path '*/sql/*.sql' | sort)
LANGS     := ru kk
PO        := $(LANGS:%=src/platform/i18n/po/%.po)
MO        := $(LANGS:%=$(BUILD)/gen/%.mo)

UNIT_SRC  := $(shell find tests/platform -name '*.c' 2>/dev/null | sort) \
             $(shell find tests -mindepth 2 -path 'tests/*/unit_*.c' 2>/dev/null | sort)
HTTP_SRC  := $(shell find tests/http -name '*.c' 2>/dev/null | sort) \
             $(shell find tests -mindepth 2 -path 'tests/*/http_*.c' 2>/dev/null | sort)
MULTI_SRC := $(shell find tests/multi -name '*.c' 2>/dev/null | sort) tests/http/harness.c

.PHONY: all deps demo test test-sqlite test-pg test-unit test-http test-browser test-api test-i18n test-fuzz-replay \
        check fuzz bench pot clean format

all: rudder

rudder: $(BUILD)/rudder
	@if [ "$(BUILD)" = build ]; then cp $< $@.tmp && mv -f $@.tmp $@; fi

$(BUILD)/rudder: $(BUILD)/src/main.o $(BUILD)/librudder.a
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/librudder.a: $(OBJ_LIB)
	@rm -f $@
	@echo "  AR      $@"
	@ar rcs $@ $^

$(BUILD)/%.o: %.c | $(BUILD)/gen/assets.c
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/gen/assets.o: $(BUILD)/gen/assets.c
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Wno-overlength-strings -c -o $@ $<

$(BUILD)/tools/embed: tools/embed.c
	@mkdir -p $(dir $@)
	cc -O1 -o $@ $<

$(BUILD)/gen/%.mo: src/platform/i18n/po/%.po
	@mkdir -p $(dir $@)
	@msgfmt --check -o $@ $<

$(BUILD)/gen/assets.c: $(BUILD)/tools/embed $(TEMPLATES) $(STATIC) $(MIGRATIONS) $(MO)
	@mkdir -p $(dir $@)
	@echo "  EMBED   $(words $(TEMPLATES) $(STATIC) $(MIGRATIONS) $(MO)) files"
	@$(BUILD)/tools/embed $@ $(TEMPLATES) $(STATIC) $(MIGRATIONS) $(MO)

$(BUILD)/tools/tmpl-pot: tools/tmpl-pot.c $(BUILD)/librudder.a
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.a,$^) $(PKG_LIBS)

# ---- set-up ----

deps:
	@scripts/install-deps

demo: deps
	@$(MAKE) --no-print-directory all
	./rudder demo --data $(or $(DATA),demo-data) --listen 127.0.0.1:8080

# ---- tests ----

CRITERION_LIBS := -lcriterion

$(BUILD)/bin/unit-tests: $(UNIT_SRC:%.c=$(BUILD)/%.o) $(BUILD)/librudder.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CRITERION_LIBS)

$(BUILD)/bin/http-tests: $(HTTP_SRC:%.c=$(BUILD)/%.o) $(BUILD)/librudder.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CRITERION_LIBS)

$(BUILD)/bin/multi-tests: $(MULTI_SRC:%.c=$(BUILD)/%.o) $(BUILD)/librudder.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CRITERION_LIBS)

# everything, on SQLite and then on PostgreSQL
test: deps
	@$(MAKE) --no-print-directory test-sqlite test-pg

# the quicker run: SQLite only
test-sqlite:
	@$(MAKE) --no-print-directory test-unit test-fuzz-replay test-i18n test-api test-http test-browser

test-pg: $(BUILD)/rudder $(BUILD)/bin/unit-tests $(BUILD)/bin/http-tests $(BUILD)/bin/multi-tests
	tests/pg/run $(BUILD)

test-unit: $(BUILD)/bin/unit-tests
	$(BUILD)/bin/unit-tests --jobs $(JOBS) --filter '!(pg/*)'


# every JSON answer under /api/v1/ is recorded, then checked against the
# description (tests/api/responses)
test-http: $(BUILD)/rudder $(BUILD)/bin/http-tests
	rm -f $(BUILD)/api-answers.jsonl
	RUDDER_BIN=$(abspath $(BUILD)/rudder) \
	  RUDDER_API_RECORD=$(abspath $(BUILD)/api-answers.jsonl) \
	  $(BUILD)/bin/http-tests --jobs $(JOBS)
	tests/api/responses $(BUILD)/api-answers.jsonl

test-browser: $(BUILD)/rudder
	RUDDER_BIN=$(abspath $(BUILD)/rudder) tests/browser/run

# docs/api/openapi.yaml through swagger-parser and Redocly's lint
test-api:
	tests/api/lint

test-i18n: $(BUILD)/tools/tmpl-pot
	tests/i18n/check-catalogs $(BUILD)

check: deps
	@LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	  $(MAKE) --no-print-directory BUILD=build/asan SAN=1 test-unit test-fuzz-replay test-http test-pg

# ---- fuzzing (clang + libFuzzer) ----

FUZZ_SRC := $(shell find tests/fuzz -name 'fuzz_*.c' 2>/dev/null | sort)
FUZZ_NAMES := $(FUZZ_SRC:tests/fuzz/%.c=%)
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/bin/replay-%)

$(BUILD)/bin/replay-%: $(BUILD)/tests/fuzz/%.o $(BUILD)/tests/fuzz/replay.o $(BUILD)/librudder.a
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# every harness over its kept corpus, without libFuzzer
test-fuzz-replay: $(REPLAY_BIN)
	@for n in $(FUZZ_NAMES); do printf '%s: ' $$n; \
	  $(BUILD)/bin/replay-$$n tests/fuzz/corpus/$$n || exit 1; done
FUZZ_BIN := $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/bin/%)

fuzz: deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang \
	  CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" \
	  build/fuzz/librudder.a
	@$(MAKE) --no-print-directory fuzz-bins
	tests/fuzz/run $(FUZZTIME) $(FUZZ_BIN)

.PHONY: fuzz-bins
fuzz-bins: $(FUZZ_BIN)

build/fuzz/bin/%: tests/fuzz/%.c build/fuzz/librudder.a
	@mkdir -p $(dir $@)
	clang -std=c11 -D_GNU_SOURCE -O1 -g -Isrc -Ibuild/fuzz/gen $(PKG_CFLAGS) \
	  -fsanitize=fuzzer,address,undefined -o $@ $< build/fuzz/librudder.a \
	  $(PKG_LIBS)

# ---- benchmarks ----

bench: deps all
	bench/run

# ---- catalogs ----

pot:
	tests/i18n/check-catalogs $(BUILD) --update

format:
	clang-format -i $(SRC_ALL) $(shell find tests -name '*.c')

clean:
	rm -rf build rudder

# objects made through pattern chains are kept, not rebuilt every time
.SECONDARY:

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
