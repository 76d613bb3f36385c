# Kotlin library and Swift bindings (uniffi): bindings-kotlin/.
#
#   make kotlin-bindings   regenerate the checked-in Kotlin and Swift sources after changing
#                          bindings-kotlin/src (the one command that writes them)
#   make test-kotlin       build the library, the simulator and uniffi-bindgen, then
#                          `mvn test`: the jar (debug native library inside) and the JUnit
#                          suite, which also fails when the checked-in sources are stale; then
#                          compiles a Kotlin 1.9 program against the jar
#   make kotlin-jar        the release jar (release native library inside) and its -sources
#                          jar, without the tests: bindings-kotlin/kotlin/target/release/
#   make kotlin-aar        the Android AAR (needs the NDK and cargo-ndk; see
#                          bindings-kotlin/android/build-aar.sh)

KOTLIN_DIR := bindings-kotlin/kotlin
KOTLIN_GEN := $(KOTLIN_DIR)/src/main/kotlin
KOTLIN_CONSUMER := bindings-kotlin/consumer-kotlin-1.9
SWIFT_GEN := bindings-kotlin/swift
KOTLIN_FRESH := $(KOTLIN_DIR)/target/uniffi-fresh
KOTLIN_RELEASE := $(KOTLIN_DIR)/target/release
KOTLIN_RELEASE_NATIVE := $(KOTLIN_DIR)/target/release-native
KOTLIN_VERSION := $(shell grep -m1 -o '<version>[^<]*' $(KOTLIN_DIR)/pom.xml | cut -d'>' -f2)
UNIFFI_LIB := $(CARGO_TARGET_DIR)/debug/libmikopbx_uniffi.so
UNIFFI_BINDGEN := $(CARGO_TARGET_DIR)/debug/uniffi-bindgen
MVN ?= mvn
STRIP ?= strip

# Generates Kotlin and Swift from the built library into directory $(1). Then two patches of
# the Kotlin, which uniffi has no option for (perl stops the build if uniffi's output changed
# shape): an exception's `message` becomes the core's sentence, as `toString()` is (uniffi
# writes a dump of the fields there, mozilla/uniffi-rs#1077); and the SDK's runtime threads,
# which complete every suspend call through JNA's callback, stay attached to the JVM instead of
# being attached and detached again for each completion (docs/performance.md).
define uniffi_generate
	rm -rf $(1) && mkdir -p $(1)
	$(UNIFFI_BINDGEN) generate $(UNIFFI_LIB) --language kotlin --language swift \
		--no-format --metadata-no-deps --out-dir $(1)
	perl -0pi -e '$$n = s/(override val message\n\s+get\(\) = )"[^"\n]*"/$${1}toString()/g; die "no exception message to replace\n" unless $$n' \
		$(1)/com/mikopbx/sdk/mikopbx_uniffi.kt
	perl -0pi -e '$$n = s/(internal object uniffiRustFutureContinuationCallbackImpl: UniffiRustFutureContinuationCallback \{\n)/$${1}    init { Native.setCallbackThreadInitializer(this, com.sun.jna.CallbackThreadInitializer(true, false, "mikopbx-worker")) }\n/; die "no continuation callback to patch\n" unless $$n' \
		$(1)/com/mikopbx/sdk/mikopbx_uniffi.kt
endef

.PHONY: kotlin-native kotlin-bindings kotlin-tools test-kotlin kotlin-jar kotlin-aar

## Debug builds of the cdylib, uniffi-bindgen (feature `bindgen`) and the simulator.
kotlin-native:
	$(CARGO) build --quiet -p mikopbx-uniffi -p mikopbx-sim --features mikopbx-uniffi/bindgen

kotlin-bindings: kotlin-native
	$(call uniffi_generate,$(KOTLIN_FRESH))
	cp $(KOTLIN_FRESH)/com/mikopbx/sdk/mikopbx_uniffi.kt $(KOTLIN_GEN)/com/mikopbx/sdk/
	cp $(KOTLIN_FRESH)/MikoPBX.swift $(KOTLIN_FRESH)/MikoPBXFFI.h $(KOTLIN_FRESH)/MikoPBXFFI.modulemap $(SWIFT_GEN)/

## shellcheck, which checks the AAR script in the tests (Debian's package; installed when
## missing, as root or through sudo).
kotlin-tools:
	@command -v shellcheck >/dev/null || { \
		sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$sudo apt-get install -y -qq --no-install-recommends shellcheck >/dev/null 2>&1 || \
		{ $$sudo apt-get update -qq && $$sudo apt-get install -y -qq --no-install-recommends shellcheck >/dev/null; }; }

test-kotlin: kotlin-native kotlin-tools
	$(call uniffi_generate,$(KOTLIN_FRESH))
	@rm -rf $(KOTLIN_DIR)/target/surefire-reports
	@echo "mvn -q -B test (log: $(KOTLIN_DIR)/target/mvn-test.log)"
	@cd $(KOTLIN_DIR) && $(MVN) -q -B test -Dnative.dir=$(CARGO_TARGET_DIR)/debug >target/mvn-test.log 2>&1 \
		|| { sed 's/\x1b\[[0-9;]*m//g' target/mvn-test.log | grep -v '^\[ERROR\] *$$' | head -80; exit 1; }
	@awk -F'"' '/<testsuite /{for(i=1;i<NF;i++){if($$i~/ tests=$$/)t+=$$(i+1);if($$i~/ failures=$$/)f+=$$(i+1);if($$i~/ errors=$$/)e+=$$(i+1);if($$i~/ skipped=$$/)s+=$$(i+1)}} \
		END{printf "kotlin: %d passed, %d failed%s\n", t-f-e-s, f+e, s ? ", " s " skipped" : ""}' \
		$(KOTLIN_DIR)/target/surefire-reports/TEST-*.xml
	@echo "mvn -q -B compile of a Kotlin 1.9 program against the jar (log: $(KOTLIN_CONSUMER)/target/mvn-compile.log)"
	@mkdir -p $(KOTLIN_CONSUMER)/target && cd $(KOTLIN_CONSUMER) && $(MVN) -q -B compile \
		-Dsdk.jar=$(CURDIR)/$(KOTLIN_DIR)/target/mikopbx-sdk-$(KOTLIN_VERSION).jar >target/mvn-compile.log 2>&1 \
		|| { sed 's/\x1b\[[0-9;]*m//g' target/mvn-compile.log | grep '^\[ERROR\] .' | head -20; exit 1; }

## The release jar: cargo --release of the uniffi crate alone, its library stripped of the
## symbols no one links against, packaged with the -sources jar; no tests run.
kotlin-jar:
	$(CARGO) build --quiet --release -p mikopbx-uniffi
	mkdir -p $(KOTLIN_RELEASE_NATIVE)
	$(STRIP) --strip-unneeded -o $(KOTLIN_RELEASE_NATIVE)/libmikopbx_uniffi.so $(CARGO_TARGET_DIR)/release/libmikopbx_uniffi.so
	cd $(KOTLIN_DIR) && $(MVN) -q -B -Dstyle.color=never -P release package -Dmaven.test.skip=true -Dnative.dir=$(CURDIR)/$(KOTLIN_RELEASE_NATIVE)
	@jar tf $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION).jar | grep -qx 'linux-x86-64/libmikopbx_uniffi.so' \
		|| { echo "the jar lacks its native library"; exit 1; }
	@jar tf $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION)-sources.jar | grep -qx 'com/mikopbx/sdk/mikopbx_uniffi.kt' \
		|| { echo "the sources jar lacks the bindings"; exit 1; }
	@ls -l $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION).jar $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION)-sources.jar

## The Android AAR from the release jar's classes and cargo-ndk's libraries for every ABI.
kotlin-aar: kotlin-jar
	bindings-kotlin/android/build-aar.sh --jar $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION).jar \
		--out $(KOTLIN_RELEASE)/mikopbx-sdk-$(KOTLIN_VERSION).aar

TEST_TARGETS += test-kotlin
