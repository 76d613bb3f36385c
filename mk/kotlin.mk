# Kotlin library and Swift bindings (uniffi): bindings-kotlin/.
#
#   make kotlin-bindings   regenerate the checked-in Kotlin and Swift sources after changing
#                          bindings-kotlin/src (the one command that writes them)
#   make test-kotlin       build the library, the simulator and uniffi-bindgen, then
#                          `mvn test`: the jar (native library inside) and the JUnit suite,
#                          which also fails when the checked-in sources are stale

KOTLIN_DIR := bindings-kotlin/kotlin
KOTLIN_GEN := $(KOTLIN_DIR)/src/main/kotlin
SWIFT_GEN := bindings-kotlin/swift
KOTLIN_FRESH := $(KOTLIN_DIR)/target/uniffi-fresh
UNIFFI_LIB := $(CARGO_TARGET_DIR)/debug/libmikopbx_uniffi.so
UNIFFI_BINDGEN := $(CARGO_TARGET_DIR)/debug/uniffi-bindgen
MVN ?= mvn

# Generates Kotlin and Swift from the built library into directory $(1).
define uniffi_generate
	rm -rf $(1) && mkdir -p $(1)
	$(UNIFFI_BINDGEN) generate $(UNIFFI_LIB) --language kotlin --language swift \
		--no-format --metadata-no-deps --out-dir $(1)
endef

.PHONY: kotlin-native kotlin-bindings test-kotlin

## Debug builds of the cdylib, uniffi-bindgen (feature `bindgen`) and the simulator.
kotlin-native:
	$(CARGO) build --quiet -p mikopbx-uniffi -p mikopbx-sim --features mikopbx-uniffi/bindgen

kotlin-bindings: kotlin-native
	$(call uniffi_generate,$(KOTLIN_FRESH))
	cp $(KOTLIN_FRESH)/com/mikopbx/sdk/mikopbx_uniffi.kt $(KOTLIN_GEN)/com/mikopbx/sdk/
	cp $(KOTLIN_FRESH)/MikoPBX.swift $(KOTLIN_FRESH)/MikoPBXFFI.h $(KOTLIN_FRESH)/MikoPBXFFI.modulemap $(SWIFT_GEN)/

test-kotlin: kotlin-native
	$(call uniffi_generate,$(KOTLIN_FRESH))
	@rm -rf $(KOTLIN_DIR)/target/surefire-reports
	@echo "mvn -q -B test (log: $(KOTLIN_DIR)/target/mvn-test.log)"
	@cd $(KOTLIN_DIR) && $(MVN) -q -B test -Dnative.dir=$(CARGO_TARGET_DIR)/debug >target/mvn-test.log 2>&1 \
		|| { sed 's/\x1b\[[0-9;]*m//g' target/mvn-test.log | grep -v '^\[ERROR\] *$$' | head -80; exit 1; }
	@awk -F'"' '/<testsuite /{for(i=1;i<NF;i++){if($$i~/ tests=$$/)t+=$$(i+1);if($$i~/ failures=$$/)f+=$$(i+1);if($$i~/ errors=$$/)e+=$$(i+1);if($$i~/ skipped=$$/)s+=$$(i+1)}} \
		END{printf "kotlin: %d passed, %d failed%s\n", t-f-e-s, f+e, s ? ", " s " skipped" : ""}' \
		$(KOTLIN_DIR)/target/surefire-reports/TEST-*.xml

TEST_TARGETS += test-kotlin
