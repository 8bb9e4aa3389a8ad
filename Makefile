# SPDX-License-Identifier: GPL-2.0
# cgfence front door: build the module and the tool, run every test, show the demo.

TOP := $(CURDIR)
BUILD := $(TOP)/build
# make and make install build for the running kernel; KDIR=/lib/modules/<ver>/build for another.
# The tests build for the kernels they boot instead (test-modules, from tests/deps.sh).
KDIR ?= /lib/modules/$(shell uname -r)/build

CC ?= gcc
TOOL_CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	-Wmissing-prototypes -D_GNU_SOURCE -I$(TOP)/module/uapi -I$(TOP)/userspace \
	$(shell pkg-config --cflags libnl-genl-3.0 2>/dev/null)
TOOL_LIBS := $(shell pkg-config --libs libnl-genl-3.0 2>/dev/null)
TOOL_SRCS := $(wildcard $(TOP)/userspace/*.c)
TOOL_HDRS := $(wildcard $(TOP)/userspace/*.h) $(TOP)/module/uapi/cgfence.h $(TOP)/module/ops_defs.h
TOOL_LIB_SRCS := $(filter-out $(TOP)/userspace/main.c,$(TOOL_SRCS))

.PHONY: all module test-modules tool deps check harness unit kunit fuzz stress e2e e2e-system demo \
	install install-module install-tool clean checkpatch deb package-test

all: module tool

deps:
	@bash $(TOP)/tests/deps.sh

$(BUILD)/kernel.env:
	@bash $(TOP)/tests/deps.sh --check

# Warnings are errors: W=1 must stay clean for the module.
module:
	@[ -f $(KDIR)/Makefile ] || { echo "cgfence: no kernel headers in $(KDIR):" \
		"apt-get install linux-headers-$$(uname -r), or make KDIR=<headers of another kernel>" >&2; \
		exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) W=1 modules

# The module for every kernel the tests boot (build/kernels/*.env, from tests/deps.sh), W=1
# each, into build/ko/<KVER>/: kbuild writes objects next to the sources, so each kernel gets
# a tree of links to them (remade every time: a source added or removed is seen).
test-modules: $(BUILD)/kernel.env
	@set -e; for env in $(BUILD)/kernels/*.env; do \
		. $$env; out=$(BUILD)/ko/$$KVER; \
		mkdir -p $$out/module; \
		find $$out/module -maxdepth 1 -type l -delete; \
		ln -s $(TOP)/module/*.[ch] $(TOP)/module/uapi $$out/module/; \
		ln -sfn $(TOP)/Kbuild $$out/Kbuild; \
		echo "  MODULE  for $$KNAME ($$KVER)"; \
		$(MAKE) --no-print-directory -C $$KDIR M=$$out W=1 modules; \
	done

tool: $(BUILD)/cgfence $(BUILD)/cgfence-static

$(BUILD)/cgfence: $(TOOL_SRCS) $(TOOL_HDRS)
	@pkg-config --exists libnl-genl-3.0 || { echo "cgfence: libnl-genl-3.0 not found:" \
		"apt-get install libnl-genl-3-dev pkg-config" >&2; exit 1; }
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -o $@ $(TOOL_SRCS) $(TOOL_LIBS)

# The VM has no shared libraries: it gets a static build of the same sources.
$(BUILD)/cgfence-static: $(TOOL_SRCS) $(TOOL_HDRS)
	@mkdir -p $(BUILD)
	$(CC) $(TOOL_CFLAGS) -static -o $@ $(TOOL_SRCS) $(TOOL_LIBS) -lpthread -lm

harness:
	@bash $(TOP)/tests/harness/selftest.sh

unit:
	@bash $(TOP)/tests/unit/run.sh

kunit:
	@bash $(TOP)/tests/kunit/run.sh

# libFuzzer on the engine (against the reference matcher) and the tool's decoders, FUZZ_SECONDS
# (default 60) each; make check runs them for a few seconds each.
fuzz:
	@bash $(TOP)/tests/fuzz/run.sh

# The e2e suite on Debian's 6.1 built with KASAN, lockdep and kmemleak (cached in build/).
stress: tool
	@bash $(TOP)/tests/stress/run.sh

e2e: tool test-modules
	@bash $(TOP)/tests/e2e/run.sh

# A Debian 12 image with systemd, podman and Docker, booted in QEMU (tests/system/run.sh).
e2e-system: tool test-modules deb
	@bash $(TOP)/tests/system/run.sh

# Every suite runs even when an earlier one fails; each runner's exit status is kept next to
# its results, and the summary counts a non-zero one as a failure of its own.
check: deps
	@rm -rf $(BUILD)/results && mkdir -p $(BUILD)/results
	@$(MAKE) --no-print-directory tool test-modules || touch $(BUILD)/results/build.failed
	@$(MAKE) --no-print-directory harness; echo $$? > $(BUILD)/results/harness.rc
	@$(MAKE) --no-print-directory unit; echo $$? > $(BUILD)/results/unit.rc
	@$(MAKE) --no-print-directory kunit; echo $$? > $(BUILD)/results/kunit.rc
	@bash $(TOP)/tests/fuzz/run.sh --short; echo $$? > $(BUILD)/results/fuzz.rc
	@if [ ! -e $(BUILD)/results/build.failed ]; then \
		bash $(TOP)/tests/e2e/run.sh; echo $$? > $(BUILD)/results/e2e.rc; fi
	@# The package suite makes the .debs that the system suite installs into its image.
	@bash $(TOP)/tests/package/run.sh; echo $$? > $(BUILD)/results/package.rc
	@if [ ! -e $(BUILD)/results/build.failed ]; then \
		bash $(TOP)/tests/system/run.sh; echo $$? > $(BUILD)/results/system.rc; fi
	@bash $(TOP)/tests/summary.sh $(BUILD)/results

# deps first, then a new make: the kernels it sets up are read when test-modules starts.
demo: deps
	@$(MAKE) --no-print-directory tool test-modules
	@bash $(TOP)/tests/e2e/demo.sh

# Overhead numbers (not part of check): engine alone, then QEMU boots; docs/benchmarks.md.
.PHONY: bench
# KERNEL=6.12 make bench: another kernel of tests/deps.sh's.
bench: tool test-modules
	@bash $(TOP)/tests/bench/run.sh

install: install-module install-tool

# depmod only on the live system: a staged DESTDIR is the packager's business.
install-module: module
	$(MAKE) -C $(KDIR) M=$(TOP) modules_install INSTALL_MOD_PATH=$(DESTDIR)
	@if [ -z "$(DESTDIR)" ]; then depmod -a "$$(modinfo -F vermagic $(TOP)/cgfence.ko | cut -d" " -f1)"; fi

# The runtimes whose systemd units wait for the boot policy.
CGF_RUNTIMES := containerd docker podman crio

install-tool: $(BUILD)/cgfence
	install -D -m 0755 $(BUILD)/cgfence $(DESTDIR)/usr/sbin/cgfence
	install -d $(DESTDIR)/usr/share/cgfence/policy
	install -m 0644 $(TOP)/policy/*.cgf $(DESTDIR)/usr/share/cgfence/policy/
	install -D -m 0755 $(TOP)/userspace/oci/cgfence-runc $(DESTDIR)/usr/sbin/cgfence-runc
	install -D -m 0644 $(TOP)/userspace/oci/hooks.d/cgfence.json \
		$(DESTDIR)/usr/share/containers/oci/hooks.d/cgfence.json
	install -D -m 0644 $(TOP)/userspace/man/cgfence.8 $(DESTDIR)/usr/share/man/man8/cgfence.8
	install -D -m 0644 $(TOP)/userspace/man/cgfence-runc.8 \
		$(DESTDIR)/usr/share/man/man8/cgfence-runc.8
	install -D -m 0644 $(TOP)/userspace/man/cgfence.cgf.5 \
		$(DESTDIR)/usr/share/man/man5/cgfence.cgf.5
	install -D -m 0644 $(TOP)/userspace/systemd/cgfence.service \
		$(DESTDIR)/usr/lib/systemd/system/cgfence.service
	@# Each container runtime waits for the boot policy (fail closed); see the drop-in.
	for r in $(CGF_RUNTIMES); do \
		install -D -m 0644 $(TOP)/userspace/systemd/runtime-cgfence.conf \
			$(DESTDIR)/usr/lib/systemd/system/$$r.service.d/cgfence.conf || exit 1; \
	done
	install -d $(DESTDIR)/etc/cgfence/profiles
	@# A configuration file the host may have edited is never overwritten.
	@if [ ! -e $(DESTDIR)/etc/cgfence/oci.conf ]; then \
		install -D -m 0644 $(TOP)/userspace/oci/oci.conf $(DESTDIR)/etc/cgfence/oci.conf; fi
	@if [ ! -e $(DESTDIR)/etc/cgfence/cgfence.conf ]; then \
		install -D -m 0644 $(TOP)/userspace/systemd/cgfence.conf \
			$(DESTDIR)/etc/cgfence/cgfence.conf; fi

# cgfence and cgfence-dkms .debs into build/deb/, with Debian's tools (debian/), built in a copy
# of the tree under build/deb/src: dpkg-buildpackage writes next to debian/ and into its parent.
deb:
	@for t in dpkg-buildpackage dh dh_dkms; do command -v $$t >/dev/null || { \
		echo "cgfence: $$t not found: apt-get install dpkg-dev debhelper dh-dkms" >&2; exit 1; }; done
	rm -rf $(BUILD)/deb && mkdir -p $(BUILD)/deb/src
	tar -C $(TOP) --exclude=./build --exclude=./.git -cf - . | tar -C $(BUILD)/deb/src -xf -
	cd $(BUILD)/deb/src && dpkg-buildpackage -us -uc -b
	@ls $(BUILD)/deb/*.deb

# make deb, then each package's files and a DKMS build of the module against Debian's headers.
package-test:
	@bash $(TOP)/tests/package/run.sh

checkpatch:
	@bash $(TOP)/tests/checkpatch.sh

clean:
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	rm -rf $(BUILD)/cgfence $(BUILD)/cgfence-static $(BUILD)/results $(BUILD)/e2e $(BUILD)/unit \
		$(BUILD)/ko $(BUILD)/deb $(BUILD)/package
