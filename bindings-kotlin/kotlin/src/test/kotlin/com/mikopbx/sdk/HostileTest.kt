package com.mikopbx.sdk

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Hostile answers seen from Kotlin: typed exceptions (never uniffi's InternalException), no secret in any text. */
class HostileTest {
    @Test
    fun aQuotedPasswordIsRedacted(): Unit = Simulator().use { sim ->
        val quoted = """{\"result\":false,\"messages\":{\"error\":[\"password ${Simulator.PASSWORD} is wrong\\r\\n\"]}}"""
        sim.addFault("""{"kind":"answer","status":200,"count":1,"path":"/pbxcore/api/sip/getRegistry","body":"$quoted"}""")
        MikoPbxClient(sim.config()).use { client ->
            val e = assertThrows(MikoPbxException.Api::class.java) { runBlocking { client.providerRegistrations() } }
            val shown = "${e.message} $e ${e.serverMessages}"
            assertFalse(Simulator.PASSWORD in shown, shown)
            assertTrue("<redacted>" in shown, shown)
            assertFalse(shown.any { it == '\r' || it == '\n' }, shown)
        }
    }

    @Test
    fun anEndlessBodyIsADecodeError(): Unit = Simulator().use { sim ->
        sim.addFault("""{"kind":"endless","count":1,"path":"/pbxcore/api/sip/getPeersStatuses"}""")
        MikoPbxClient(sim.config().copy(maxResponseBytes = 65536)).use { client ->
            val e = assertThrows(MikoPbxException.Decode::class.java) { runBlocking { client.peerStatuses() } }
            assertTrue("larger than 65536 bytes" in e.toString(), e.toString())
        }
    }

    @Test
    fun anAbsurdTokenLifetimeIsNoPanic(): Unit = Simulator("--api", "v3").use { sim ->
        val login = """{\"result\":true,\"data\":{\"accessToken\":\"a.b.c\",\"expiresIn\":18446744073709551615}}"""
        sim.addFault("""{"kind":"answer","status":200,"count":1,"path":"/pbxcore/api/v3/auth:login","body":"$login"}""")
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                client.login()
                assertEquals(3, client.peerStatuses().size)
            }
        }
    }
}
