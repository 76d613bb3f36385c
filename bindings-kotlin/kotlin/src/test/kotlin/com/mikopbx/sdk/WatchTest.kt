package com.mikopbx.sdk

import kotlin.time.Duration.Companion.milliseconds
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeoutOrNull
import kotlinx.serialization.json.Json
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.ValueSource
import org.junit.jupiter.api.Test

/** `watch()`: the core's change stream as a Flow, on both API generations. */
class WatchTest {
    private val interval = 200.milliseconds
    private val registered = Json.parseToJsonElement(
        """{"state": "OK", "contacts": [{"URI": "sip:240@10.0.0.40:5060", "Status": "Reachable"}]}""",
    )

    @ParameterizedTest
    @ValueSource(strings = ["legacy", "v3"])
    fun theFlowStartsWithTheSnapshotAndReportsOneChange(api: String): Unit = Simulator("--api", api).use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                val changes = client.watch(interval).take(2)
                val seen = mutableListOf<WatchEvent>()
                changes.collect { event ->
                    seen += event
                    if (event.kind == WatchEventKind.Snapshot) sim.putPeer("240", registered)
                }
                val (first, change) = seen
                assertTrue(first.snapshot!!.reachable, "$first")
                assertEquals(ExtensionState.Offline, first.snapshot!!.extensions.single { it.id == "240" }.state)
                assertEquals(
                    listOf(WatchEventKind.ExtensionChanged, "240", "offline", "online"),
                    listOf(change.kind, change.id, change.oldState, change.newState),
                )
                // Nothing invented after it: a fresh collection sees only a snapshot in two intervals.
                val again = withTimeoutOrNull(interval * 3) { client.watch(interval).take(2).toList() }
                assertNull(again, "only the snapshot, then nothing")
            }
            assertEquals(1L, sim.stats().getValue("logins"), "one session for every watch of the client")
        }
    }

    @Test
    fun badOptionsThrowBeforeAnyRequest(): Unit = Simulator("--api", "v3").use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            assertThrows(MikoPbxException.InvalidInput::class.java) {
                runBlocking { client.watch(1.milliseconds).first() }
            }
            assertThrows(MikoPbxException.InvalidInput::class.java) {
                runBlocking { client.watch(include = ",").first() }
            }
            assertEquals(0L, sim.stats().getValue("api_requests"))
        }
    }
}
