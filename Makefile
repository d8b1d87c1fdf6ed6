# milvus-l7 - build, test, install.
#
#   make                  libml7.a, bin/kubectl-milvus_l7, bin/helm-milvus-l7
#   make test             installs what the tests need, then runs every test twice:
#                         plain and under AddressSanitizer + UndefinedBehaviorSanitizer
#   make demo             the whole procedure on the local sandbox
#   make install PREFIX=/usr/local
#   make dist             static release archives (linux/amd64, linux/arm64), .sha256 files,
#                         the Krew manifest and the Helm plugin tarballs in dist/
#   make SAN=1 BUILD=build/asan BINDIR=build/asan/bin   a sanitizer build

VERSION := $(shell cat VERSION)
GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)

BUILD ?= build
BINDIR ?= bin
PREFIX ?= /usr/local
CC ?= cc
PKGS := libcurl openssl yaml-0.1 libcjson libnghttp2

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
ML7_CFLAGS = $(CFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -Wformat=2 -Wno-format-truncation -Iinclude $(PKG_CFLAGS) -MMD -MP
ML7_CFLAGS += $(EXTRA_CFLAGS)
LDLIBS := $(PKG_LIBS)
ifeq ($(SAN),1)
ML7_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
endif

LIB_SRC := $(wildcard common/*.c common/util/*.c)
CLI_SRC := $(wildcard common/cli/*.c)
KUBECTL_SRC := $(wildcard kubectl-milvus-l7/*.c)
HELM_SRC := $(wildcard helm-plugin/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB := $(BUILD)/libml7.a
CLILIB := $(BUILD)/libml7cli.a
KUBECTL := $(BINDIR)/kubectl-milvus_l7
HELM := $(BINDIR)/helm-milvus-l7
UNITS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

.PHONY: all units test demo sandbox-up sandbox-down install uninstall clean deps dist man
all: $(LIB) $(KUBECTL) $(HELM)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ML7_CFLAGS) -c -o $@ $<

# the version is compiled into one object; the commit stamp changes only when HEAD does
$(BUILD)/commit.stamp: FORCE
	@mkdir -p $(BUILD)
	@echo '$(VERSION) $(GIT_COMMIT)' | cmp -s - $@ || echo '$(VERSION) $(GIT_COMMIT)' > $@
$(BUILD)/obj/common/version.o: $(BUILD)/commit.stamp
$(BUILD)/obj/common/version.o: ML7_CFLAGS += -DML7_VERSION='"$(VERSION)"' -DML7_GIT_COMMIT='"$(GIT_COMMIT)"'
FORCE:

$(LIB): $(call obj,$(LIB_SRC))
	@rm -f $@
	$(AR) rcs $@ $^
$(CLILIB): $(call obj,$(CLI_SRC))
	@rm -f $@
	$(AR) rcs $@ $^

$(KUBECTL): $(call obj,$(KUBECTL_SRC)) $(CLILIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)
$(HELM): $(call obj,$(HELM_SRC)) $(CLILIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

units: $(UNITS)
$(BUILD)/tests/%: $(BUILD)/obj/tests/unit/%.o $(CLILIB) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

deps:
	@tests/deps.sh build

test:
	@tests/deps.sh test
	@tests/run.sh

demo:
	@tests/deps.sh demo
	@$(MAKE) --no-print-directory all
	@tests/sandbox/demo.sh

sandbox-up:
	@tests/deps.sh demo
	@$(MAKE) --no-print-directory all
	@tests/sandbox/up.sh

sandbox-down:
	@tests/sandbox/down.sh

# the manual pages, from the command tables (`kubectl milvus-l7 man`)
MANPAGES := $(BUILD)/man/kubectl-milvus-l7.1 $(BUILD)/man/helm-milvus-l7.1
man: $(MANPAGES)
$(BUILD)/man/kubectl-milvus-l7.1: $(KUBECTL)
	@mkdir -p $(dir $@)
	$(KUBECTL) man > $@
$(BUILD)/man/helm-milvus-l7.1: $(HELM)
	@mkdir -p $(dir $@)
	$(HELM) man > $@

DISTDIR ?= dist
dist:
	@DISTDIR=$(DISTDIR) packaging/dist.sh

install: $(KUBECTL) $(HELM) $(MANPAGES)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/milvus-l7/helm-plugin/bin
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(KUBECTL) $(DESTDIR)$(PREFIX)/bin/kubectl-milvus_l7
	ln -sf kubectl-milvus_l7 $(DESTDIR)$(PREFIX)/bin/kubectl_complete-milvus_l7
	install -m 644 $(MANPAGES) $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 helm-plugin/plugin.yaml $(DESTDIR)$(PREFIX)/share/milvus-l7/helm-plugin/plugin.yaml
	install -m 755 $(HELM) $(DESTDIR)$(PREFIX)/share/milvus-l7/helm-plugin/bin/helm-milvus-l7
	install -m 755 packaging/plugin.complete $(DESTDIR)$(PREFIX)/share/milvus-l7/helm-plugin/plugin.complete
	@echo "installed; add the Helm plugin with: helm plugin install $(PREFIX)/share/milvus-l7/helm-plugin"

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/kubectl-milvus_l7 $(DESTDIR)$(PREFIX)/bin/kubectl_complete-milvus_l7
	rm -f $(DESTDIR)$(PREFIX)/share/man/man1/kubectl-milvus-l7.1 $(DESTDIR)$(PREFIX)/share/man/man1/helm-milvus-l7.1
	rm -rf $(DESTDIR)$(PREFIX)/share/milvus-l7

clean:
	rm -rf build bin dist krew/milvus-l7.yaml

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
