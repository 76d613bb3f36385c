package com.mikopbx.sdk

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.io.File
import java.time.Duration
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.atomic.AtomicIntegerArray

class ClientTest {
    @Test
    fun `typed calls return data classes and states keep the raw string`(): Unit = Simulator().use { sim ->
        sim.putPeer("250", kotlinx.serialization.json.Json.parseToJsonElement("""{"state":"LAGGED","contacts":[]}"""))
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                val peers = client.peerStatuses()
                assertEquals(PeerState.Ok, peers.first { it.id == "201" }.state)
                assertEquals(PeerState.Other("LAGGED"), peers.first { it.id == "250" }.state)
                assertEquals("LAGGED", peers.first { it.id == "250" }.state.raw())
                val detail = client.peer("201")
                val contact = detail.contact ?: error("peer 201 is registered")
                assertEquals(5871L, contact.roundtripUsec)
                assertEquals(ContactStatus.Reachable, contact.status)
                assertTrue(contact.fields.contains("\"RoundtripUsec\""))
                assertNull(client.peer("999").contact)
                val providers = client.providerRegistrations()
                assertEquals(ProviderState.Off, providers.first { it.id == "SIP-1601534775" }.state)
                assertTrue(client.ping() >= Duration.ZERO)
                client.logout()
                assertEquals(0L, sim.stats().getValue("active_sessions"))
                assertEquals("201", client.peerStatuses().first().id, "a call after logout logs in again")
            }
        }
    }

    @Test
    fun `states and trust settings print as the server's word and models print them`(): Unit = Simulator().use { sim ->
        sim.putPeer("250", kotlinx.serialization.json.Json.parseToJsonElement("""{"state":"LAGGED","contacts":[]}"""))
        MikoPbxClient(sim.config()).use { client ->
            val peers = runBlocking { client.peerStatuses() }
            val ok = peers.first { it.id == "201" }
            assertEquals("OK", ok.state.toString())
            assertEquals("LAGGED", peers.first { it.id == "250" }.state.toString())
            assertTrue("state=OK" in ok.toString(), ok.toString())
            assertEquals("Reachable", runBlocking { client.peer("201") }.contact?.status.toString())
        }
        assertEquals(listOf("OK", "UNKNOWN", "LAGGED"), listOf(PeerState.Ok, PeerState.Unknown, PeerState.Other("LAGGED")).map { it.toString() })
        assertEquals(listOf("Verify", "Insecure", "PinSha256(fingerprint=ab:cd)"), listOf(TlsTrust.Verify, TlsTrust.Insecure, TlsTrust.PinSha256("ab:cd")).map { it.toString() })
    }

    @Test
    fun `create builds the client off the calling thread`(): Unit = Simulator().use { sim ->
        runBlocking {
            MikoPbxClient.create(sim.config()).use { client -> assertEquals(3, client.peerStatuses().size) }
            assertThrows(MikoPbxException.InvalidInput::class.java) { runBlocking { MikoPbxClient.create(ClientConfig(url = "ftp://pbx")) } }
        }
    }

    @Test
    fun `many concurrent coroutines share one client and one login`(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            val results = runBlocking(Dispatchers.Default) {
                (1..200).map { i ->
                    async {
                        when (i % 3) {
                            0 -> client.peerStatuses().size
                            1 -> if (client.peer("201").contact != null) 1 else 0
                            else -> client.providerRegistrations().size
                        }
                    }
                }.awaitAll()
            }
            assertEquals(200, results.size)
            assertTrue(results.all { it > 0 }, "every call returned data")
            assertEquals(1L, sim.stats().getValue("logins"), "concurrent first calls share one login")
        }
        // The calls ran on the core's runtime: its named workers exist, no fallback runtime does.
        val threads = File("/proc/self/task").listFiles().orEmpty().map { File(it, "comm").readText().trim() }
        assertTrue("mikopbx-worker" in threads, "core runtime threads in $threads")
        assertFalse(threads.any { it.startsWith("tokio-runtime") || it.startsWith("async-compat") }, "no second runtime: $threads")
    }

    @Test
    fun `cancelling the coroutine cancels the request in Rust`(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config(retries = 3)).use { client ->
            runBlocking {
                client.login()
                // A slow answer: withTimeout cancels the coroutine long before it arrives.
                sim.addFault("""{"kind":"delay","delay_ms":5000,"count":1,"path":"/pbxcore/api/sip/getPeersStatuses"}""")
                assertThrows(TimeoutCancellationException::class.java) {
                    runBlocking { withTimeout(300) { client.peerStatuses() } }
                }
                sim.clearFaults()

                // Three 503s with Retry-After: 1, then the real answer. Left running, the call
                // would reach the server after ~3 s; cancelled, it never does.
                val before = sim.stats().getValue("api_requests")
                sim.addFault("""{"kind":"status","status":503,"retry_after":1,"count":3,"path":"/pbxcore/api/sip/getRegistry"}""")
                val job = launch(Dispatchers.Default, start = CoroutineStart.UNDISPATCHED) { client.providerRegistrations() }
                delay(300)
                job.cancelAndJoin()
                assertTrue(job.isCancelled)
                delay(4500)
                assertEquals(before, sim.stats().getValue("api_requests"), "the cancelled call kept retrying")

                sim.clearFaults()
                assertEquals(2, client.providerRegistrations().size, "the client works after cancellations")
            }
        }
    }

    @Test
    fun `sessions expiring mid-run fail no call`(): Unit = Simulator().use { sim ->
        val workers = 16
        val expiries = 4
        // Workers call in a loop. Each expiry hits calls in flight; the next one waits until
        // every worker has finished a call begun after it, so no call can meet two expiries
        // (the core retries once: a second 401 would rightly be an authentication error).
        val round = AtomicInteger(0)
        val finishedRound = AtomicIntegerArray(workers)
        MikoPbxClient(sim.config()).use { client ->
            val calls = runBlocking(Dispatchers.Default) {
                client.login()
                val expirer = launch {
                    repeat(expiries) {
                        delay(50)
                        sim.expireSessions()
                        val now = round.incrementAndGet()
                        while ((0 until workers).any { finishedRound[it] < now }) delay(5)
                    }
                }
                (0 until workers).map { w ->
                    async {
                        var done = 0
                        while (expirer.isActive) {
                            val started = round.get()
                            assertEquals(3, client.peerStatuses().size)
                            finishedRound.accumulateAndGet(w, started, ::maxOf)
                            done++
                        }
                        done
                    }
                }.awaitAll().sum()
            }
            assertTrue(calls >= workers, "calls made: $calls")
            val stats = sim.stats()
            assertEquals(1L + expiries, stats.getValue("logins"), "one shared re-login per expiry: $stats")
            assertTrue(stats.getValue("unauthorized") >= expiries, "sessions expired under running calls: $stats")
        }
    }

    @Test
    fun `toString of config, client and errors never shows a secret`(): Unit = Simulator().use { sim ->
        val config = sim.config(password = "pa55-secret-word")
        val keyed = ClientConfig(url = sim.url, apiKey = "api-key-secret-value")
        for (text in listOf(config.toString(), keyed.toString())) {
            assertFalse("pa55-secret-word" in text || "api-key-secret-value" in text, text)
            assertTrue("<redacted>" in text && sim.url in text, text)
        }
        assertTrue("login=\"admin\"" in config.toString(), config.toString())
        MikoPbxClient(config).use { client ->
            val text = client.toString()
            assertFalse("pa55-secret-word" in text, text)
            assertTrue(sim.url in text && "admin" in text, text)
            val error = assertThrows(MikoPbxException.Authentication::class.java) { runBlocking { client.login() } }
            for (shown in listOf(error.toString(), error.message.orEmpty(), error.stackTraceToString())) {
                assertFalse("pa55-secret-word" in shown, shown)
            }
        }
        MikoPbxClient(keyed).use { assertFalse("api-key-secret-value" in it.toString(), it.toString()) }
    }

    @Test
    fun `https with a pinned certificate or the insecure opt-out`(): Unit = Simulator("--https").use { sim ->
        val pin = sim.sha256 ?: error("the simulator printed no fingerprint")
        for (tls in listOf(TlsTrust.PinSha256(pin), TlsTrust.Insecure)) {
            MikoPbxClient(sim.config(tls = tls)).use { client ->
                assertEquals(3, runBlocking { client.peerStatuses() }.size, "with $tls")
            }
        }
    }

    @Test
    fun `v3 server with an API key or a login`(): Unit = Simulator("--api", "v3").use { sim ->
        val configs = listOf(
            ClientConfig(url = sim.url, apiKey = sim.apiKey()),
            sim.config(apiVersion = ApiVersion.V3),
            sim.config(),
        )
        for (config in configs) {
            MikoPbxClient(config).use { client ->
                assertFalse(sim.apiKey() in client.toString(), client.toString())
                runBlocking {
                    assertEquals(PeerState.Ok, client.peerStatuses().first { it.id == "201" }.state, "with $config")
                    assertEquals("201", client.peer("201").id)
                    assertEquals(2, client.providerRegistrations().size)
                }
            }
        }
    }

    @Test
    fun `raw request sends a JSON body and returns the whole answer`(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            val answer = runBlocking { client.request("POST", "sip/getSipPeer", json = """{"peer":"201"}""") }
            val json = kotlinx.serialization.json.Json.parseToJsonElement(answer)
            assertMatches(kotlinx.serialization.json.Json.parseToJsonElement("""{"result":true,"data":{"AOR":"201"}}"""), json, "answer")
        }
    }

    @Test
    fun `close frees the client and later calls fail cleanly`(): Unit = Simulator().use { sim ->
        val client = MikoPbxClient(sim.config())
        client.close()
        assertThrows(IllegalStateException::class.java) { runBlocking { client.ping() } }
    }

    @Test
    fun `a cancelled caller does not cancel other callers`(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                sim.addFault("""{"kind":"delay","delay_ms":700,"path":"/pbxcore/api/sip/getPeersStatuses"}""")
                val survivor = async(Dispatchers.Default) { client.peerStatuses() }
                val cancelled = async(Dispatchers.Default) { client.peerStatuses() }
                delay(200)
                cancelled.cancel()
                assertThrows(CancellationException::class.java) { runBlocking { cancelled.await() } }
                assertEquals(3, survivor.await().size)
            }
        }
    }
}
