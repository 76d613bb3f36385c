package com.mikopbx.sdk

import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import java.io.File
import java.lang.reflect.Modifier

/**
 * The checked-in Kotlin and Swift sources are what uniffi-bindgen generates from the built
 * library now (make test-kotlin writes a fresh copy to target/uniffi-fresh), and the Swift
 * API has every public method the Kotlin API has.
 */
class GeneratedBindingsTest {
    private val fresh = File(testProperty("mikopbx.fresh"))
    private val kotlinDir = File(testProperty("mikopbx.generated.kotlin"))
    private val swiftDir = File(testProperty("mikopbx.generated.swift"))
    private val swiftFiles = listOf("MikoPBX.swift", "MikoPBXFFI.h", "MikoPBXFFI.modulemap")

    private fun assertSame(checkedIn: File, generated: File) {
        assertTrue(generated.isFile, "$generated was not generated")
        assertTrue(checkedIn.isFile, "$checkedIn is missing: run make kotlin-bindings")
        val expected = generated.readLines()
        val current = checkedIn.readLines()
        if (expected != current) {
            val line = (0 until maxOf(expected.size, current.size)).first { expected.getOrNull(it) != current.getOrNull(it) } + 1
            fail<Unit>("$checkedIn is stale (differs from line $line): run make kotlin-bindings")
        }
    }

    @Test
    fun `checked-in Kotlin is fresh`() {
        val path = "com/mikopbx/sdk/mikopbx_uniffi.kt"
        assertSame(File(kotlinDir, path), File(fresh, path))
    }

    @Test
    fun `checked-in Swift and module map are fresh`() {
        swiftFiles.forEach { assertSame(File(swiftDir, it), File(fresh, it)) }
        val moduleMap = File(swiftDir, "MikoPBXFFI.modulemap").readText()
        assertTrue("module MikoPBXFFI" in moduleMap && "header \"MikoPBXFFI.h\"" in moduleMap, moduleMap)
    }

    @Test
    fun `every public Kotlin method has its Swift counterpart`() {
        val swift = File(swiftDir, "MikoPBX.swift").readText()
        val types = listOf(
            MikoPbxClient::class.java, PeerState::class.java, ContactStatus::class.java,
            ProviderState::class.java, MikoPbxException::class.java,
        )
        val kotlinMethods = types.flatMap { type ->
            type.declaredMethods
                .filter { Modifier.isPublic(it.modifiers) && !it.isSynthetic && !it.name.contains('$') }
                .map { it.name }
                .filter { it !in KOTLIN_ONLY }
                .map { type.simpleName to it }
        }.distinct()
        assertTrue(kotlinMethods.map { it.second }.containsAll(listOf("peerStatuses", "peer", "providerRegistrations", "ping", "request", "login", "logout", "raw", "kind")), "$kotlinMethods")
        val missing = kotlinMethods.filter { (_, name) -> !Regex("""func\s+$name\s*\(""").containsMatchIn(swift) }
        assertTrue(missing.isEmpty(), "Kotlin methods without a Swift func: $missing")
        assertTrue("public convenience init(config: ClientConfig)" in swift, "Swift constructor")
        // Records: every Kotlin data-class property is a Swift struct field.
        val records = listOf(ClientConfig::class.java, PeerStatus::class.java, PeerDetail::class.java, Contact::class.java, ProviderRegistration::class.java)
        val missingFields = records.flatMap { type ->
            type.declaredFields.filter { !Modifier.isStatic(it.modifiers) }.map { type.simpleName to it.name }
        }.filter { (_, field) -> !Regex("""public\s+var\s+$field\s*:""").containsMatchIn(swift) }
        assertTrue(missingFields.isEmpty(), "Kotlin fields without a Swift field: $missingFields")
    }

    private companion object {
        /** JVM plumbing of the generated classes: object lifetime, FFI handles, Kotlin's Object methods. */
        val KOTLIN_ONLY = setOf(
            "close", "destroy", "getUniffiIsDestroyed", "uniffiClonePointer", "uniffiCloneHandle", "toString", "equals", "hashCode",
            "getMessage", "getCause", "getLocalizedMessage", "getStackTrace", "values", "valueOf", "getEntries",
        )
    }
}
