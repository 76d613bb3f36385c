package com.mikopbx.sdk

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.lang.reflect.Modifier
import java.time.Duration
import java.util.jar.JarFile

/** What Java callers need beyond JavaClientTest: names they can call, a complete builder. */
class JavaApiTest {
    private val jar = File(MikoPbxClient::class.java.protectionDomain.codeSource.location.toURI())

    @Test
    fun `no public method of the SDK has a name Java cannot call`() {
        // Kotlin mangles the JVM name of a function taking or returning an inline class
        // (UInt, ULong, UShort): `getStatus-Mh2AYeg`. Java cannot call those.
        val classes = JarFile(jar).use { jar ->
            jar.entries().toList().map { it.name }
                .filter { it.startsWith("com/mikopbx/sdk/") && it.endsWith(".class") }
                .map { Class.forName(it.removeSuffix(".class").replace('/', '.')) }
        }
        // uniffi's converters are public for its own generated code only (`@suppress`).
        val public = classes.filter { Modifier.isPublic(it.modifiers) && !it.simpleName.startsWith("FfiConverter") }
        assertTrue(public.map { it.simpleName }.containsAll(listOf("MikoPbxClient", "ClientConfig", "PeerStatus", "Contact", "CdrPage")), "$public")
        val mangled = public.flatMap { type ->
            type.declaredMethods
                // `$` marks Kotlin's `internal` members.
                .filter { Modifier.isPublic(it.modifiers) && '-' in it.name && '$' !in it.name }
                .map { "${type.simpleName}.${it.name.substringBefore('-')}" }
        }
        // watch() is a Flow with a kotlin.time.Duration: Kotlin's own; Java pulls openWatch().next().
        assertEquals(listOf("WatchKt.watch"), mangled.distinct(), "not callable from Java")
    }

    @Test
    fun `the builder sets every field of the config`() {
        val fields = ClientConfig::class.java.declaredFields.filter { !Modifier.isStatic(it.modifiers) }.map { it.name }
        val setters = ClientConfigBuilder::class.java.declaredMethods.filter { it.parameterCount == 1 }.map { it.name }
        assertEquals((fields - "url").sorted(), setters.sorted(), "ClientConfigBuilder lags behind ClientConfig")
        val built = ClientConfigBuilder("http://pbx").login("admin").password("secret").apiKey("key")
            .apiVersion(ApiVersion.V3).tls(TlsTrust.Insecure).connectTimeout(Duration.ofSeconds(1))
            .requestTimeout(Duration.ofSeconds(2)).retries(3).maxResponseBytes(4).userAgent("ua")
            .requestsPerMinute(5).maxInFlight(6).build()
        val expected = ClientConfig(
            url = "http://pbx", login = "admin", password = "secret", apiKey = "key", apiVersion = ApiVersion.V3,
            tls = TlsTrust.Insecure, connectTimeout = Duration.ofSeconds(1), requestTimeout = Duration.ofSeconds(2),
            retries = 3, maxResponseBytes = 4, userAgent = "ua", requestsPerMinute = 5, maxInFlight = 6,
        )
        assertEquals(expected, built)
        val builder = ClientConfigBuilder("http://pbx")
        val first = builder.build()
        builder.retries(1)
        assertEquals(null, first.retries, "a built config does not change with its builder")
    }
}
