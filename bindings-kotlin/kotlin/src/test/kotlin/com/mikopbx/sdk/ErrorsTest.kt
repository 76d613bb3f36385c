package com.mikopbx.sdk

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Duration

/** Every subclass of [MikoPbxException], each provoked by a real simulator answer. */
class ErrorsTest {
    private inline fun <reified E : MikoPbxException> failsWith(kind: String, noinline call: suspend () -> Any?): E {
        val error = assertThrows(E::class.java) { runBlocking { call() } }
        assertEquals(kind, error.kind())
        // The core's sentence, not uniffi's dump of the fields (`url=..., reason=...`).
        assertEquals(error.toString(), error.message)
        assertFalse(error.message.orEmpty().startsWith("url="), error.message)
        assertFalse(Simulator.PASSWORD in error.toString() || Simulator.PASSWORD in error.message.orEmpty(), error.toString())
        return error
    }

    @Test
    fun authentication(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config(password = "wrong-password")).use { client ->
            val e = failsWith<MikoPbxException.Authentication>("authentication") { client.peerStatuses() }
            assertTrue(e.serverMessages.any { "Authorization failed" in it }, e.toString())
            assertTrue(e.url.startsWith(sim.url), e.url)
        }
    }

    @Test
    fun api(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            val e = failsWith<MikoPbxException.Api>("api") { client.request("GET", "sip/noSuchAction") }
            assertEquals(200, e.status)
            assertTrue(e.serverMessages.any { "Unknown action - noSuchAction" in it }, e.toString())
        }
    }

    @Test
    fun http(): Unit = Simulator().use { sim ->
        sim.addFault("""{"kind":"status","status":500,"count":1,"path":"/pbxcore/api/sip/getRegistry"}""")
        MikoPbxClient(sim.config()).use { client ->
            val e = failsWith<MikoPbxException.Http>("http") { client.providerRegistrations() }
            assertEquals(500, e.status)
        }
    }

    @Test
    fun transport(): Unit = Simulator().use { sim ->
        sim.addFault("""{"kind":"drop","path":"/pbxcore/api/sip/getPeersStatuses"}""")
        MikoPbxClient(sim.config(retries = 0)).use { client ->
            failsWith<MikoPbxException.Transport>("transport") { client.peerStatuses() }
        }
    }

    @Test
    fun timeout(): Unit = Simulator().use { sim ->
        sim.addFault("""{"kind":"delay","delay_ms":3000,"count":1,"path":"/pbxcore/api/sip/getPeersStatuses"}""")
        MikoPbxClient(sim.config(requestTimeout = Duration.ofMillis(400))).use { client ->
            val e = failsWith<MikoPbxException.Timeout>("timeout") { client.peerStatuses() }
            assertEquals(Duration.ofMillis(400), e.after)
        }
    }

    @Test
    fun tls(): Unit = Simulator("--https").use { sim ->
        // The simulator's certificate is self-signed: default verification refuses it.
        MikoPbxClient(sim.config()).use { client ->
            failsWith<MikoPbxException.Tls>("tls") { client.peerStatuses() }
        }
        MikoPbxClient(sim.config(tls = TlsTrust.PinSha256("00".repeat(32)))).use { client ->
            failsWith<MikoPbxException.Tls>("tls") { client.peerStatuses() }
        }
    }

    @Test
    fun decode(): Unit = Simulator().use { sim ->
        sim.addFault("""{"kind":"html","count":1,"path":"/pbxcore/api/sip/getPeersStatuses"}""")
        MikoPbxClient(sim.config()).use { client ->
            val e = failsWith<MikoPbxException.Decode>("decode") { client.peerStatuses() }
            assertTrue("<!DOCTYPE html>" in e.excerpt, e.excerpt)
        }
    }

    @Test
    fun invalidInput(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            failsWith<MikoPbxException.InvalidInput>("invalid_input") { client.peer("  ") }
            failsWith<MikoPbxException.InvalidInput>("invalid_input") { client.request("GET", "sip/getRegistry", json = "{not json") }
            failsWith<MikoPbxException.InvalidInput>("invalid_input") { client.request("GET", "http://elsewhere/x") }
            val negative = failsWith<MikoPbxException.InvalidInput>("invalid_input") { client.cdr(limit = -1) }
            assertTrue("limit must not be negative (-1)" in negative.message.orEmpty(), negative.message)
        }
        for (config in listOf(
            ClientConfig(url = "ftp://pbx"),
            ClientConfig(url = sim.url, login = "admin"),
            ClientConfig(url = sim.url, tls = TlsTrust.PinSha256("abcd")),
            ClientConfig(url = sim.url, tls = TlsTrust.CaPem("not a certificate")),
            ClientConfig(url = sim.url, requestTimeout = Duration.ZERO),
            ClientConfig(url = sim.url, retries = -1),
            ClientConfig(url = sim.url, maxResponseBytes = -1),
            ClientConfig(url = sim.url, maxInFlight = -4),
        )) {
            failsWith<MikoPbxException.InvalidInput>("invalid_input") { MikoPbxClient(config) }
        }
    }

    @Test
    fun unsupported(): Unit = Simulator().use { sim ->
        // API keys need the v3 API; this simulator speaks the legacy one.
        MikoPbxClient(ClientConfig(url = sim.url, apiKey = sim.apiKey())).use { client ->
            failsWith<MikoPbxException.Unsupported>("unsupported") { client.peerStatuses() }
        }
    }
}
