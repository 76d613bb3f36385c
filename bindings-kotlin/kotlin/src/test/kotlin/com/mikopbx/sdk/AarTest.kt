package com.mikopbx.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.io.File
import java.util.jar.JarFile
import java.util.zip.ZipFile

/**
 * bindings-kotlin/android/build-aar.sh without an NDK: shellcheck, its dry run, and the AAR it
 * assembles from this jar when a stand-in for cargo-ndk writes fake libraries.
 */
class AarTest {
    private val script = File(testProperty("mikopbx.aar.script"))
    private val jar = File(MikoPbxClient::class.java.protectionDomain.codeSource.location.toURI())

    @TempDir
    lateinit var dir: File

    private class Run(val exit: Int, val output: String)

    private fun run(vararg args: String, cargoNdk: File? = null): Run {
        val process = ProcessBuilder(listOf(script.path) + args).redirectErrorStream(true)
        cargoNdk?.let { process.environment()["CARGO_NDK"] = it.path }
        val started = process.start()
        val output = started.inputStream.bufferedReader().readText()
        return Run(started.waitFor(), output)
    }

    /** A cargo-ndk that logs its arguments and writes `fake <abi>` where the real one puts each ABI's library. */
    private fun fakeCargoNdk(writes: Boolean = true): File {
        val d = "$" // the shell's, in a Kotlin template
        val calls = File(dir, "calls")
        return File(dir, "fake-cargo-ndk").apply {
            writeText(
                """
                #!/usr/bin/env bash
                set -euo pipefail
                echo "fake-cargo-ndk $*" >> '${calls.path}'
                out=""; abis=()
                while [ $# -gt 0 ]; do case "$1" in -o) out=$2; shift 2 ;; -t) abis+=("$2"); shift 2 ;; *) shift ;; esac; done
                ${if (writes) "" else "exit 0"}
                for abi in "${d}{abis[@]}"; do mkdir -p "${d}out/${d}abi"; echo "fake ${d}abi" > "${d}out/${d}abi/libmikopbx_uniffi.so"; done
                """.trimIndent() + "\n",
            )
            setExecutable(true)
        }
    }

    @Test
    fun `shellcheck finds nothing`() {
        val shellcheck = listOf("/usr/bin/shellcheck", "/usr/local/bin/shellcheck").map(::File).firstOrNull { it.canExecute() }
        assumeTrue(shellcheck != null, "shellcheck is not installed (make test-kotlin installs it)")
        val check = ProcessBuilder(shellcheck!!.path, script.path).redirectErrorStream(true).start()
        val output = check.inputStream.bufferedReader().readText()
        assertEquals(0, check.waitFor(), output)
    }

    @Test
    fun `the dry run shows the cargo-ndk build for every ABI and makes nothing`() {
        val aar = File(dir, "sdk.aar")
        val dry = run("--jar", jar.path, "--out", aar.path, "--dry-run")
        assertEquals(0, dry.exit, dry.output)
        assertTrue(
            "cargo ndk --platform 21 -t arm64-v8a -t armeabi-v7a -t x86_64 -t x86 -o <work>/aar/jni build --release -p mikopbx-uniffi" in dry.output,
            dry.output,
        )
        assertFalse(aar.exists())
    }

    @Test
    fun `the AAR has the classes, a library per ABI, the rules and a manifest`() {
        val aar = File(dir, "out/sdk.aar")
        val built = run("--jar", jar.path, "--out", aar.path, "--abis", "arm64-v8a x86_64", "--platform", "24", cargoNdk = fakeCargoNdk())
        assertEquals(0, built.exit, built.output)
        val call = File(dir, "calls").readLines().single()
        assertTrue(call.startsWith("fake-cargo-ndk --platform 24 -t arm64-v8a -t x86_64 -o /"), call)
        assertTrue(call.endsWith("/aar/jni build --release -p mikopbx-uniffi"), call)
        ZipFile(aar).use { zip ->
            val files = zip.entries().toList().filter { !it.isDirectory }.map { it.name }.sorted()
            assertEquals(
                listOf("AndroidManifest.xml", "R.txt", "classes.jar", "jni/arm64-v8a/libmikopbx_uniffi.so", "jni/x86_64/libmikopbx_uniffi.so", "proguard.txt"),
                files,
            )
            assertEquals("fake arm64-v8a\n", zip.getInputStream(zip.getEntry("jni/arm64-v8a/libmikopbx_uniffi.so")).reader().readText())
            val manifest = zip.getInputStream(zip.getEntry("AndroidManifest.xml")).reader().readText()
            assertTrue("package=\"com.mikopbx.sdk\"" in manifest && "android:minSdkVersion=\"24\"" in manifest && "android.permission.INTERNET" in manifest, manifest)
            val rules = JarFile(jar).use { it.getInputStream(it.getEntry("META-INF/proguard/com.mikopbx_mikopbx-sdk.pro")).reader().readText() }
            assertEquals(rules, zip.getInputStream(zip.getEntry("proguard.txt")).reader().readText())
            val classes = File(dir, "classes.jar").apply { writeBytes(zip.getInputStream(zip.getEntry("classes.jar")).readBytes()) }
            JarFile(classes).use { inner ->
                val names = inner.entries().toList().map { it.name }
                assertTrue("com/mikopbx/sdk/MikoPbxClient.class" in names, "$names")
                assertTrue(names.none { it.startsWith("linux-x86-64/") || it.startsWith("META-INF/proguard/") }, "$names")
            }
        }
    }

    @Test
    fun `a missing library or an unknown ABI stops the build`() {
        val aar = File(dir, "sdk.aar")
        val missing = run("--jar", jar.path, "--out", aar.path, cargoNdk = fakeCargoNdk(writes = false))
        assertEquals(1, missing.exit, missing.output)
        assertTrue("cargo-ndk made no arm64-v8a/libmikopbx_uniffi.so" in missing.output, missing.output)
        val unknown = run("--jar", jar.path, "--out", aar.path, "--abis", "mips", "--dry-run")
        assertEquals(2, unknown.exit, unknown.output)
        assertTrue("unknown Android ABI mips" in unknown.output, unknown.output)
        assertFalse(aar.exists())
    }
}
