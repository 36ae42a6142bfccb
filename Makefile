# papigw: SMS/USSD citizen-feedback gateway.
#
#   make            build papigwd and papictl into build/
#   make check      build and run every test (unit and integration)
#   make sanitize   the same tests with AddressSanitizer and UBSan
#   make run        build and run the gateway on conf/dev.conf
#   make install    PREFIX=/usr/local DESTDIR= ...
#
# Every library comes through pkg-config.  CI builds (CI=true) and WERROR=1
# turn warnings into errors.

PREFIX		?= /usr/local
BINDIR		?= $(PREFIX)/bin
SBINDIR		?= $(PREFIX)/sbin
MANDIR		?= $(PREFIX)/share/man
DATADIR		?= $(PREFIX)/share
SYSCONFDIR	?= /etc
UNITDIR		?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR	?= $(PREFIX)/lib/sysusers.d
LOCALEDIR	?= $(DATADIR)/locale
DESTDIR		?=

BUILD		?= build
CC		?= cc
PKG_CONFIG	?= pkg-config
PKGS		= libconfig sqlite3 libutf8proc jansson libmicrohttpd libcurl \
		  gammu openssl libsystemd libpq

CFLAGS		?= -O2 -g
WARN		= -Wall -Wextra -Wshadow -Wstrict-prototypes \
		  -Wmissing-prototypes -Wpointer-arith -Wformat=2
ifneq ($(filter true 1,$(CI) $(WERROR)),)
WARN		+= -Werror
endif
PKG_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS	:= $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)
ALL_CFLAGS	= -std=c11 -D_GNU_SOURCE -DSRCDIR=\"$(CURDIR)\" $(WARN) $(PKG_CFLAGS) -Isrc \
		  -MMD -MP $(CFLAGS) $(SAN_CFLAGS)
ALL_LDFLAGS	= $(LDFLAGS) $(SAN_CFLAGS)
# The dashboard's logins go through PAM (daemon/dash_auth.c).
LIBS		= $(PKG_LIBS) -lpam -lpthread -lm

# The sources live in one folder per layer (see the README's
# architecture section).  Every module but the two programs' own files
# goes into the library that papigwd and the unit tests link; papictl
# links only the layers below the store (CTL_LAYERS).
LAYERS		= base text conf domain store core chan daemon
CTL_LAYERS	= base text conf domain
MAINS		= src/daemon/papigwd.c
CTL_SRCS	= $(wildcard src/ctl/*.c)
LIB_SRCS	= $(filter-out $(MAINS),$(foreach l,$(LAYERS),$(wildcard src/$(l)/*.c)))
LIB_OBJS	= $(LIB_SRCS:src/%.c=$(BUILD)/obj/%.o)
CTL_OBJS	= $(CTL_SRCS:src/%.c=$(BUILD)/obj/%.o)
LIBPAPIGW	= $(BUILD)/libpapigw.a
CTL_LIB_OBJS	= $(filter $(foreach l,$(CTL_LAYERS),$(BUILD)/obj/$(l)/%),$(LIB_OBJS))
LIBCTL		= $(BUILD)/libpapigw-ctl.a
CTL_PKGS	= libconfig libutf8proc jansson
CTL_LIBS	:= $(shell $(PKG_CONFIG) --libs $(CTL_PKGS) 2>/dev/null) -lm
# papictl router train (src/ctl/train.c, ctl_router.c): liblinear (Debian
# liblinear-dev, no pkg-config file) and OpenSSL's SHA-256.  The lab tool
# and the unit test reuse train.o.
LINEAR_LIBS	= -llinear
TRAIN_OBJ	= $(BUILD)/obj/ctl/train.o
CTL_TRAIN_LIBS	:= $(shell $(PKG_CONFIG) --libs libcrypto 2>/dev/null) \
		  $(LINEAR_LIBS)

# The tests' builds: the modules with test hooks (fault injection in the
# store, the modem's hold points) compiled again with PAPIGW_TEST_HOOKS,
# into a library the unit tests link and a papigwd-hooks the crash tests
# run.  papigwd itself has no hooks.
HOOK_SRCS	= src/store/engine.c src/store/wal.c src/chan/modem.c \
		  src/base/clock.c src/store/fold_rows.c
HOOK_OBJS	= $(HOOK_SRCS:src/%.c=$(BUILD)/hooks/%.o)
LIBHOOKS	= $(BUILD)/libpapigw-hooks.a

UNIT_SRCS	= $(wildcard tests/unit/test_*.c)
UNIT_BINS	= $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
TOOL_SRCS	= $(wildcard tests/tools/*.c)
TOOL_BINS	= $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%) \
		  $(BUILD)/tools/failsync.so
BENCH_SRCS	= $(wildcard bench/*.c)
BENCH_BINS	= $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

PROGS		= $(BUILD)/papigwd $(BUILD)/papictl $(BUILD)/router-train

# The router's learned model, trained on the labelled corpus by the
# command "make model" runs (tools/router-train, liblinear).  The frozen
# test part (data/router/test) is never trained on.
MODEL		= $(BUILD)/router.model
CORPUS		= $(wildcard data/router/train/*.tsv)

.PHONY: all check check-pg unit sanitize run deps install uninstall clean lint \
	check-layers bench model pot update-po

# The translations: po/LANG.po, compiled into the catalogue that papictl
# and papigwd read (base/i18n.c), $(BUILD)/locale/LANG/LC_MESSAGES in the
# build tree, $(LOCALEDIR)/LANG/LC_MESSAGES once installed.  "make pot"
# extracts the messages of the sources into po/papigw.pot (xgettext), and
# "make update-po" merges it into every po/LANG.po (msgmerge).
PO_FILES	= $(wildcard po/*.po)
MO_FILES	= $(PO_FILES:po/%.po=$(BUILD)/locale/%/LC_MESSAGES/papigw.mo)
POT_SRCS	= $(sort $(wildcard src/*/*.c))
XGETTEXT_OPTS	= --from-code=UTF-8 --language=C --add-comments=TRANSLATORS \
		  --keyword=_ --keyword=N_ --keyword=C_:1c,2 \
		  --keyword=NC_:1c,2 \
		  --keyword=control_fail:3 \
		  --keyword=problem:2 --flag=problem:2:c-format \
		  --keyword=conf_error:3 --flag=conf_error:3:c-format \
		  --keyword=chk_fail:4 --flag=chk_fail:4:c-format \
		  --keyword=errorf:3 --flag=errorf:3:c-format \
		  --keyword=COUNT:2,3 \
		  --keyword=cmd_refuse:3 --flag=control_fail:3:c-format \
		  --flag=cmd_refuse:3:c-format --package-name=papigw \
		  --msgid-bugs-address="papigw developers" \
		  --sort-by-file

all: $(PROGS) $(MODEL) $(MO_FILES)

$(BUILD)/locale/%/LC_MESSAGES/papigw.mo: po/%.po
	@mkdir -p $(@D)
	msgfmt --check -o $@.tmp $< && mv $@.tmp $@

pot:
	xgettext $(XGETTEXT_OPTS) -o po/papigw.pot $(POT_SRCS)

update-po: pot
	for po in $(PO_FILES); do \
	    msgmerge --quiet --update --backup=none $$po po/papigw.pot; \
	done

# Where the catalogues are installed, for papictl and papigwd.
$(BUILD)/obj/base/i18n.o: ALL_CFLAGS += -DLOCALEDIR=\"$(LOCALEDIR)\"

# The schema migrations, src/store/sql/NNN-name.sql (one per schema
# version), become C at build time: scripts/embed-sql.sh writes them into
# $(BUILD)/gen/store_sql.c (not in git), made again when a .sql file or
# the script changes, and compiled into both libraries (LIB_OBJS is in
# libpapigw.a and libpapigw-hooks.a).
SQL_SRCS	= $(sort $(wildcard src/store/sql/*.sql))
LIB_OBJS	+= $(BUILD)/gen/store_sql.o

$(BUILD)/gen/store_sql.c: scripts/embed-sql.sh $(SQL_SRCS)
	@mkdir -p $(@D)
	sh scripts/embed-sql.sh $(SQL_SRCS) >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/store_sql.o: $(BUILD)/gen/store_sql.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The store's PostgreSQL schema (src/store/pg/schema.sql) and the steps
# that upgrade a PostgreSQL database an earlier papigw made
# (src/store/pg/steps/NNN-name.sql), the same way (scripts/embed-pg.sh,
# $(BUILD)/gen/store_pg.c).
LIB_OBJS	+= $(BUILD)/gen/store_pg.o

PG_STEPS	= $(sort $(wildcard src/store/pg/steps/*.sql))

$(BUILD)/gen/store_pg.c: scripts/embed-pg.sh src/store/pg/schema.sql $(PG_STEPS)
	@mkdir -p $(@D)
	sh scripts/embed-pg.sh src/store/pg/schema.sql $(PG_STEPS) >$@.tmp && \
	    mv $@.tmp $@

$(BUILD)/gen/store_pg.o: $(BUILD)/gen/store_pg.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

-include $(wildcard $(BUILD)/gen/*.d)

# The dashboard's style sheet and script, web/*, become C the same way
# (scripts/embed-web.sh, $(BUILD)/gen/dash_assets.c): papigwd serves them
# itself, with nothing to install.
WEB_SRCS	= $(sort $(wildcard web/*.css web/*.js web/*.svg))
LIB_OBJS	+= $(BUILD)/gen/dash_assets.o

$(BUILD)/gen/dash_assets.c: scripts/embed-web.sh $(WEB_SRCS)
	@mkdir -p $(@D)
	sh scripts/embed-web.sh $(WEB_SRCS) >$@.tmp && mv $@.tmp $@

$(BUILD)/gen/dash_assets.o: $(BUILD)/gen/dash_assets.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(LIBPAPIGW): $(LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/papigwd: $(BUILD)/obj/daemon/papigwd.o $(LIBPAPIGW)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

# The trainer is built on papictl's train.o and links liblinear.
$(BUILD)/router-train: tools/router-train.c $(TRAIN_OBJ) $(LIBCTL)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(TRAIN_OBJ) $(LIBCTL) \
	    $(CTL_LIBS) $(LINEAR_LIBS) -lm

$(MODEL): $(BUILD)/router-train $(CORPUS) conf/categories.conf \
    conf/papigw.conf
	$(BUILD)/router-train -q -c conf/papigw.conf -o $@.tmp $(CORPUS)
	mv $@.tmp $@

model: $(MODEL)

$(BUILD)/hooks/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DPAPIGW_TEST_HOOKS -c -o $@ $<

$(LIBHOOKS): $(filter-out $(HOOK_SRCS:src/%.c=$(BUILD)/obj/%.o),$(LIB_OBJS)) \
    $(HOOK_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/tests/papigwd-hooks: $(BUILD)/obj/daemon/papigwd.o $(LIBHOOKS)
	@mkdir -p $(@D)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(LIBCTL): $(CTL_LIB_OBJS)
	@rm -f $@
	$(AR) rcs $@ $^

# papictl links only the layers below the store, and their libraries.
$(BUILD)/papictl: $(CTL_OBJS) $(LIBCTL)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CTL_LIBS) $(CTL_TRAIN_LIBS)

$(BUILD)/tests/test_%: tests/unit/test_%.c $(LIBHOOKS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DPAPIGW_TEST_HOOKS $(ALL_LDFLAGS) -o $@ $< $(LIBHOOKS) \
	    $(LIBS) $(shell $(PKG_CONFIG) --libs cmocka)

# test_train tests papictl's train.c, which links liblinear.
$(BUILD)/tests/test_train: tests/unit/test_train.c $(TRAIN_OBJ) $(LIBHOOKS)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -DPAPIGW_TEST_HOOKS $(ALL_LDFLAGS) -o $@ $< \
	    $(TRAIN_OBJ) $(LIBHOOKS) $(LIBS) $(LINEAR_LIBS) \
	    $(shell $(PKG_CONFIG) --libs cmocka)

$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# Preloaded by t1002: a disk whose fdatasync() fails.  Not instrumented
# by the sanitizers (it only forwards one call).
$(BUILD)/tools/failsync.so: tests/tools/preload/failsync.c
	@mkdir -p $(@D)
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 -fPIC -shared -o $@ $< -ldl

# The outbox tests' fake SMS provider is an HTTP server.
$(BUILD)/tools/fakeprovider: tests/tools/fakeprovider.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< \
	    $(shell $(PKG_CONFIG) --libs libmicrohttpd jansson) -lpthread

$(BUILD)/bench/%: bench/%.c bench/messages.h $(LIBPAPIGW)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIBPAPIGW) $(LIBS)

# Fuzzing (fuzz/): a libFuzzer target for every parser that takes input
# from outside: form and query decoding, the providers' and USSD handlers
# (through the handler, over fake_http.c and fake_ingest.c), requests on
# the control socket, the text functions, the router, the configuration
# loader.  Each has its seed corpus in fuzz/corpus/NAME.  The tests run
# every corpus once through driver.c ($(BUILD)/fuzz/run-NAME, any
# compiler: tests/t0010-fuzz-corpus.sh); "make fuzz" builds the targets
# with clang, libFuzzer, ASan and UBSan into build-fuzz/ (the library
# too, instrumented) and runs each for FUZZ_SECONDS, one at a time, new
# inputs in build-fuzz/corpus/NAME and crashes in build-fuzz/crash/NAME.
FUZZ_NAMES	= form text router config control modem twilio africastalking \
		  vonage generic ussd dlr
FUZZ_HANDLERS	= twilio africastalking vonage generic ussd dlr
FUZZ_SECONDS	?= 60
FUZZ_BUILD	= build-fuzz
FUZZ_FLAGS	= -fsanitize=fuzzer-no-link,address,undefined \
		  -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_RUNS	= $(FUZZ_NAMES:%=$(BUILD)/fuzz/run-%)
# A target's sources: its own, what they share, the fakes of a handler.
fuzz_srcs	= fuzz/fuzz_$(1).c fuzz/common.c \
		  $(if $(filter $(1),$(FUZZ_HANDLERS)),fuzz/handler.c \
		  fuzz/fake_http.c fuzz/fake_ingest.c)
FUZZ_CFLAGS	= $(filter-out -MMD -MP,$(ALL_CFLAGS)) -Ifuzz

.PHONY: fuzz fuzz-build

.SECONDEXPANSION:
$(BUILD)/fuzz/run-%: $$(call fuzz_srcs,$$*) fuzz/driver.c fuzz/fuzz.h \
    $(LIBPAPIGW)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(ALL_LDFLAGS) -o $@ $(call fuzz_srcs,$*) \
	    fuzz/driver.c $(LIBPAPIGW) $(LIBS)

$(BUILD)/fuzz/fuzz-%: $$(call fuzz_srcs,$$*) fuzz/fuzz.h $(LIBPAPIGW)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer $(ALL_LDFLAGS) -o $@ \
	    $(call fuzz_srcs,$*) $(LIBPAPIGW) $(LIBS)

fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	    SAN_CFLAGS="$(FUZZ_FLAGS)" CFLAGS="-O1 -g" \
	    $(FUZZ_NAMES:%=$(FUZZ_BUILD)/fuzz/fuzz-%)

fuzz: fuzz-build
	@for n in $(FUZZ_NAMES); do \
	    mkdir -p $(FUZZ_BUILD)/corpus/$$n $(FUZZ_BUILD)/crash/$$n && \
	    echo "fuzz: $$n for $(FUZZ_SECONDS) s" && \
	    ASAN_OPTIONS=detect_leaks=0 \
	    $(FUZZ_BUILD)/fuzz/fuzz-$$n -max_total_time=$(FUZZ_SECONDS) \
	    -max_len=4096 -timeout=10 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_BUILD)/crash/$$n/ \
	    $(FUZZ_BUILD)/corpus/$$n fuzz/corpus/$$n || exit 1; \
	done

# The Debian packages the build and the tests need (installs as root).
deps:
	@./scripts/deps.sh

unit: $(UNIT_BINS) $(TOOL_BINS) $(BUILD)/tests/papigwd-hooks $(FUZZ_RUNS)

# The README's test command: installs what is missing, builds, runs every
# unit and integration test and ends with "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory all unit $(BENCH_BINS)
	@./scripts/check-layers.sh $(BUILD)
	@BUILD=$(abspath $(BUILD)) ./tests/run.sh

# The tests that run on PostgreSQL, on a throw-away cluster (pg_virtualenv).
check-pg: deps
	@$(MAKE) --no-print-directory all unit
	@./scripts/check-pg.sh $(abspath $(BUILD))

# The same tests built with AddressSanitizer and UBSan into build-san/.
# libcrypt is linked in from the start: ASan's crypt() interceptor finds
# the real crypt() only in a library loaded then, and pam_unix, which PAM
# loads later for the dashboard's logins, would call a null pointer.
SAN_FLAGS	= -fsanitize=address,undefined -fno-omit-frame-pointer \
		  -fno-sanitize-recover=all
SAN_LIBS	= -Wl,--no-as-needed -lcrypt -Wl,--as-needed
sanitize: deps
	@$(MAKE) --no-print-directory BUILD=build-san CC=clang \
	    SAN_CFLAGS="$(SAN_FLAGS)" LDFLAGS="$(SAN_LIBS)" \
	    CFLAGS="-O1 -g" all unit
	@BUILD=$(abspath build-san) CC=clang SAN_CFLAGS="$(SAN_FLAGS)" \
	    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    LSAN_OPTIONS=suppressions=$(abspath tests/lsan.supp):print_suppressions=0 \
	    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	    ./tests/run.sh

bench: $(BENCH_BINS)

# The README's run command: the gateway on conf/dev.conf, state in ./var.
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p var/modem var/run
	$(BUILD)/papigwd -d -c conf/dev.conf

lint:
	mandoc -Tlint -W warning man/*.[58] man/vi/man8/*.8

# The layering rules of the README's architecture section.
check-layers: all
	./scripts/check-layers.sh $(BUILD)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(MANDIR)/vi/man8 \
	    $(DESTDIR)$(SYSCONFDIR)/papigw $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(DATADIR)/papigw/router/train \
	    $(DESTDIR)$(DATADIR)/papigw/router/test
	install -m 755 $(BUILD)/papigwd $(DESTDIR)$(SBINDIR)/papigwd
	# The dashboard's PAM service; an edited one is kept.
	install -d $(DESTDIR)$(SYSCONFDIR)/pam.d
	[ -e $(DESTDIR)$(SYSCONFDIR)/pam.d/papigw ] || \
	    install -m 644 pam/papigw $(DESTDIR)$(SYSCONFDIR)/pam.d/papigw
	install -m 755 $(BUILD)/papictl $(DESTDIR)$(BINDIR)/papictl
	install -m 644 man/papigwd.8 man/papictl.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 644 man/papigw.conf.5 $(DESTDIR)$(MANDIR)/man5/
	# papictl(8) in Vietnamese: man -L vi papictl, or LANG=vi_VN.UTF-8.
	install -m 644 man/vi/man8/papictl.8 $(DESTDIR)$(MANDIR)/vi/man8/
	install -m 644 $(MODEL) $(DESTDIR)$(SYSCONFDIR)/papigw/
	# An edited configuration is kept; the new one goes beside it.
	sed 's|"/usr/local/share/papigw/|"$(DATADIR)/papigw/|' conf/papigw.conf \
	    > $(BUILD)/papigw.conf.install
	./scripts/install-conf.sh $(BUILD)/papigw.conf.install \
	    $(DESTDIR)$(SYSCONFDIR)/papigw/papigw.conf
	./scripts/install-conf.sh conf/categories.conf \
	    $(DESTDIR)$(SYSCONFDIR)/papigw/categories.conf
	./scripts/install-conf.sh conf/procedures.conf \
	    $(DESTDIR)$(SYSCONFDIR)/papigw/procedures.conf
	install -m 644 data/router/LABELLING.md data/router/test.sha256 \
	    $(DESTDIR)$(DATADIR)/papigw/router/
	install -m 644 data/router/train/*.tsv \
	    $(DESTDIR)$(DATADIR)/papigw/router/train/
	install -m 644 data/router/test/*.tsv \
	    $(DESTDIR)$(DATADIR)/papigw/router/test/
	sed 's|@SBINDIR@|$(SBINDIR)|g' systemd/papigwd.service.in \
	    > $(DESTDIR)$(UNITDIR)/papigwd.service
	chmod 644 $(DESTDIR)$(UNITDIR)/papigwd.service
	install -m 644 systemd/papigw.sysusers \
	    $(DESTDIR)$(SYSUSERSDIR)/papigw.conf
	for mo in $(MO_FILES); do \
	    l=$${mo#$(BUILD)/locale/}; \
	    install -d $(DESTDIR)$(LOCALEDIR)/$${l%/papigw.mo} && \
	    install -m 644 $$mo $(DESTDIR)$(LOCALEDIR)/$$l || exit 1; \
	done

uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/papigwd $(DESTDIR)$(BINDIR)/papictl \
	    $(DESTDIR)$(MANDIR)/man8/papigwd.8 \
	    $(DESTDIR)$(MANDIR)/man8/papictl.8 \
	    $(DESTDIR)$(MANDIR)/vi/man8/papictl.8 \
	    $(DESTDIR)$(MANDIR)/man5/papigw.conf.5 \
	    $(DESTDIR)$(SYSCONFDIR)/papigw/router.model \
	    $(DESTDIR)$(UNITDIR)/papigwd.service \
	    $(DESTDIR)$(SYSUSERSDIR)/papigw.conf
	rm -rf $(DESTDIR)$(DATADIR)/papigw/router
	rm -f $(DESTDIR)$(LOCALEDIR)/*/LC_MESSAGES/papigw.mo

clean:
	rm -rf build build-san build-fuzz

-include $(wildcard $(BUILD)/obj/*/*.d $(BUILD)/hooks/*/*.d \
    $(BUILD)/tests/*.d $(BUILD)/bench/*.d $(BUILD)/tools/*.d)
