package com.mikopbx.sdk

import com.sun.jna.NativeLibrary
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.util.jar.JarFile

/** The SDK under test is the packaged jar (see the pom): it must bring its native library. */
class PackagingTest {
    @Test
    fun `the jar carries and loads its native library without jna library path`() {
        assertNull(System.getProperty("jna.library.path"), "jna.library.path must not be set")
        val source = File(MikoPbxClient::class.java.protectionDomain.codeSource.location.toURI())
        assertTrue(source.isFile && source.name.endsWith(".jar"), "the SDK classes come from the jar, not $source")
        JarFile(source).use { jar ->
            assertNotNull(jar.getEntry("linux-x86-64/libmikopbx_uniffi.so"), "native library at JNA's resource path")
            // R8 applies the rules it finds here when an Android app shrinks its code.
            val rules = jar.getEntry("META-INF/proguard/com.mikopbx_mikopbx-sdk.pro")
            assertNotNull(rules, "ProGuard/R8 consumer rules")
            val text = jar.getInputStream(rules).reader().readText()
            assertTrue("-keep class com.mikopbx.sdk.** { *; }" in text && "-keep class com.sun.jna.** { *; }" in text, text)
        }
        // Loading runs uniffi's contract and checksum checks against the library.
        val config = ClientConfig(url = "http://127.0.0.1:9")
        MikoPbxClient(config).use { assertTrue(it.toString().contains("127.0.0.1:9")) }
        // JNA extracted the library from the jar rather than finding cargo's copy.
        val loaded = NativeLibrary.getInstance("mikopbx_uniffi").file.canonicalFile
        val cargoCopy = File(testProperty("mikopbx.native.dir"), "libmikopbx_uniffi.so").canonicalFile
        assertNotEquals(cargoCopy, loaded, "loaded from $loaded")
        assertEquals(false, System.getenv("LD_LIBRARY_PATH").orEmpty().contains(cargoCopy.parent))
    }
}
