package com.mikopbx.sdk

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.util.concurrent.ConcurrentLinkedQueue

/** `setLogger`: the core's events reach a Kotlin logger, without a secret. */
class LoggingTest {
    private data class Record(val level: LogLevel, val target: String, val message: String)

    private val records = ConcurrentLinkedQueue<Record>()
    private val collect = MikoPbxLogger { level, target, message -> records += Record(level, target, message) }

    @AfterEach
    fun silence() = setLogLevel(null)

    @Test
    fun `a retried call logs its requests, the retry and the login, and no secret`(): Unit = Simulator().use { sim ->
        setLogger(LogLevel.DEBUG, collect)
        sim.addFault("""{"kind":"status","status":503,"retry_after":0,"count":1,"path":"/pbxcore/api/sip/getRegistry"}""")
        MikoPbxClient(sim.config()).use { client ->
            assertEquals(2, runBlocking { client.providerRegistrations() }.size)
            val seen = records.toList()
            val retry = seen.filter { it.message.startsWith("retrying") }
            assertEquals(1, retry.size, "$seen")
            assertEquals(LogLevel.DEBUG, retry.single().level)
            assertEquals("mikopbx::transport", retry.single().target)
            assertTrue("sip/getRegistry" in retry.single().message && "attempt=0" in retry.single().message, retry.single().message)
            assertEquals(2, seen.count { it.message.startsWith("request") && "sip/getRegistry" in it.message }, "$seen")
            assertTrue(seen.any { it.level == LogLevel.INFO && it.target.startsWith("mikopbx::auth") && it.message.startsWith("logging in") }, "$seen")
            for (record in seen) {
                assertFalse(Simulator.PASSWORD in record.message || "PHPSESSID" in record.message, "$record")
            }

            // Only what the level lets through, then nothing at all.
            records.clear()
            setLogLevel(LogLevel.INFO)
            runBlocking { client.peerStatuses() }
            assertTrue(records.none { it.level == LogLevel.DEBUG }, "$records")
            records.clear()
            setLogLevel(null)
            runBlocking {
                client.logout()
                client.peerStatuses()
            }
            assertEquals(emptyList<Record>(), records.toList())
        }
    }

    @Test
    fun `no key, password or token shows in the log of a v3 client`(): Unit = Simulator("--api", "v3").use { sim ->
        setLogger(LogLevel.TRACE, collect)
        for (config in listOf(ClientConfig(url = sim.url, apiKey = sim.apiKey()), sim.config())) {
            MikoPbxClient(config).use { client ->
                runBlocking {
                    client.peerStatuses()
                    sim.expireSessions()
                    client.peerStatuses()
                    client.logout()
                }
            }
        }
        assertTrue(records.count { it.message.startsWith("response") } >= 4, "$records")
        assertTrue(records.any { it.message.startsWith("logging out") }, "$records")
        // A JWT starts with the base64 of `{"`: eyJ.
        val leaks = records.filter { sim.apiKey() in it.message || Simulator.PASSWORD in it.message || "eyJ" in it.message }
        assertEquals(emptyList<Record>(), leaks)
    }

    @Test
    fun `a logger that throws fails no call`(): Unit = Simulator().use { sim ->
        setLogger(LogLevel.DEBUG, MikoPbxLogger { _, _, _ -> throw IllegalStateException("logger broke") })
        MikoPbxClient(sim.config()).use { client ->
            assertEquals(3, runBlocking { client.peerStatuses() }.size)
        }
    }
}
