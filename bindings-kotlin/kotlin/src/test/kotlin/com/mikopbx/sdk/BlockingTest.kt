package com.mikopbx.sdk

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.time.Duration
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/** `MikoPbxBlockingClient`: the operations as plain functions, driven on the calling thread. */
class BlockingTest {
    @Test
    fun `blocking calls answer as suspend calls do on both generations`() {
        for (api in listOf("legacy", "v3")) {
            Simulator("--api", api).use { sim ->
                MikoPbxClient(sim.config()).use { client ->
                    client.blocking().use { blocking ->
                        assertEquals(runBlocking { client.peerStatuses() }, blocking.peerStatuses(), api)
                        assertEquals(runBlocking { client.peer("201") }, blocking.peer("201"), api)
                        assertEquals(runBlocking { client.providerRegistrations() }, blocking.providerRegistrations(), api)
                        assertEquals(api, blocking.apiGeneration(), api)
                        assertTrue(blocking.ping() >= Duration.ZERO)
                        assertTrue("\"201\"" in blocking.call("peer", """{"id": "201"}"""), api)
                        assertEquals(1L, sim.stats().getValue("logins"), "$api: one session for both faces")
                    }
                }
            }
        }
    }

    @Test
    fun `blocking calls fail with the same exceptions`(): Unit = Simulator().use { sim ->
        MikoPbxBlockingClient(sim.config(password = "wrong-password")).use { client ->
            assertThrows(MikoPbxException.Authentication::class.java) { client.peerStatuses() }
            assertTrue("wrong-password" !in client.toString(), client.toString())
        }
        MikoPbxBlockingClient(sim.config()).use { client ->
            assertThrows(MikoPbxException.InvalidInput::class.java) { client.call("no_such_operation") }
            sim.addFault("""{"kind": "delay", "delay_ms": 3000, "count": 1}""")
            val slow = MikoPbxBlockingClient(sim.config(requestTimeout = Duration.ofMillis(300), retries = 0))
            slow.use { assertThrows(MikoPbxException.Timeout::class.java) { it.peerStatuses() } }
        }
    }

    @Test
    fun `threads share one blocking client`(): Unit = Simulator().use { sim ->
        MikoPbxBlockingClient(sim.config()).use { client ->
            val pool = Executors.newFixedThreadPool(4)
            val answers = (1..40).map { pool.submit<List<PeerStatus>> { client.peerStatuses() } }
            pool.shutdown()
            assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS))
            for (answer in answers) assertEquals("201", answer.get().first().id)
        }
    }
}
