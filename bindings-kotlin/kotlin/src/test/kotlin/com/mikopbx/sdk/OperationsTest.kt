package com.mikopbx.sdk

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** Every operation of the core's list is a method of `MikoPbxClient` and runs by name through `call`. */
class OperationsTest {
    companion object {
        const val BANS = """{"banned_ips": {"10.0.0.9": {"country": "LOCAL", "countryName": "Local/Private Network",
            "bans": [{"jail": "asterisk_public_v2", "timeofban": 1700000000, "timeunban": 4102444800, "v": "2"}]}},
            "calls": [{"start": "2026-01-15 10:30:45.123", "answer": "", "endtime": "", "src_chan": "PJSIP/201-0000002a",
            "dst_chan": "", "src_num": "201", "src_name": "Alice", "dst_num": "202", "dst_name": "", "did": "",
            "linkedid": "1768462245.42"}]}"""

        /** What 2024.1 does not have (its REST API has no call history). */
        val LEGACY_LACKS = setOf("cdr")
    }

    private val operations = Json.parseToJsonElement(operationsJson()).jsonArray.map { it.jsonObject }

    /** The result without the fields that follow the clock. */
    private fun stable(result: kotlinx.serialization.json.JsonElement, vararg volatile: String) =
        JsonObject((result as JsonObject).filterKeys { it !in volatile })

    @Test
    fun everyOperationIsAMethod() {
        val methods = MikoPbxClient::class.java.methods.map { it.name }.toSet()
        val names = operations.map { it.getValue("name").jsonPrimitive.content }
        assertTrue(names.containsAll(listOf("peer_statuses", "peer", "provider_registrations", "ping", "request")), "$names")
        val blocking = MikoPbxBlockingClient::class.java.methods.map { it.name }.toSet()
        for (name in names) {
            assertTrue(camelCase(name) in methods, "MikoPbxClient lacks ${camelCase(name)} for the operation $name")
            assertTrue(camelCase(name) in blocking, "MikoPbxBlockingClient lacks ${camelCase(name)} for the operation $name")
        }
    }

    @Test
    fun everyOperationRunsByNameOnBothGenerations() {
        for (api in listOf("legacy", "v3")) {
            Simulator("--api", api).use { sim ->
                sim.patchState(Json.parseToJsonElement(BANS))
                MikoPbxClient(sim.config()).use { client ->
                    runBlocking {
                        for (op in operations) {
                            val name = op.getValue("name").jsonPrimitive.content
                            if (api == "legacy" && name in LEGACY_LACKS) {
                                val refused = runCatching { client.call(name, op.getValue("example").toString()) }
                                assertTrue(refused.exceptionOrNull() is MikoPbxException.Unsupported, "$name on legacy: $refused")
                                continue
                            }
                            val result = Json.parseToJsonElement(client.call(name, op.getValue("example").toString()))
                            when (name) {
                                "api_generation" -> assertEquals(JsonPrimitive(api), result)
                                "peer_statuses" -> assertCarries(result, client.peerStatuses(), name)
                                "peer" -> assertCarries(result, client.peer("201"), name)
                                "provider_registrations" -> assertCarries(result, client.providerRegistrations(), name)
                                "active_calls" -> assertCarries(result, client.activeCalls(), name)
                                "active_channels" -> assertCarries(result, client.activeChannels(), name)
                                "banned_ips" -> {
                                    assertCarries(result, client.bannedIps(), name)
                                    assertEquals(1, (result as kotlinx.serialization.json.JsonArray).size, "$result")
                                }
                                "provider_statuses" -> assertCarries(
                                    kotlinx.serialization.json.JsonArray(result.jsonArray.map { stable(it, "state_since", "checked_at") }),
                                    client.providerStatuses(), name,
                                )
                                "extension_statuses" -> assertCarries(result, client.extensionStatuses(), name)
                                // Two answers, a second apart maybe: all but their clocks agree.
                                "system_info" -> assertCarries(stable(result, "uptime", "server_time", "report"), client.systemInfo(), name)
                                "health" -> assertCarries(stable(result, "taken_at", "duration_ms"), client.health(), name)
                                "cdr" -> assertCarries(result, client.cdr(limit = 20), name)
                                "ping" -> assertTrue((result as JsonObject).getValue("rtt_ms").jsonPrimitive.content.toDouble() >= 0.0)
                            }
                        }
                        assertEquals(JsonPrimitive(api), JsonPrimitive(client.apiGeneration()))
                    }
                }
            }
        }
    }

    /** Every model of the core's list is a class here with a property for each of its fields. */
    @Test
    fun everyModelCarriesEveryField() {
        val models = Json.parseToJsonElement(modelsJson()).jsonObject.getValue("models").jsonArray.map { it.jsonObject }
        assertTrue(models.size >= 4)
        for (model in models) {
            val name = model.getValue("name").jsonPrimitive.content
            val type = Class.forName("com.mikopbx.sdk.$name")
            for (field in model.getValue("fields").jsonArray.map { it.jsonPrimitive.content }) {
                val getter = "get" + camelCase(field).replaceFirstChar { it.uppercase() }
                assertTrue(type.methods.any { it.name == getter }, "$name lacks $field")
            }
        }
    }

    @Test
    fun theCallHistoryFlowsEveryRowExactlyOnce(): Unit = Simulator("--api", "v3").use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                val ids = client.cdrRecords(limit = 41).toList().map { it.id }
                assertEquals((1L..300L).toList(), ids)
                val busy = client.cdrRecords(disposition = "BUSY", limit = 1000).toList()
                assertTrue(busy.isNotEmpty() && busy.all { it.disposition == CdrDisposition.Busy }, "$busy")
            }
        }
    }

    @Test
    fun timesAreJavaTimeValues(): Unit = Simulator("--api", "v3").use { sim ->
        sim.patchState(Json.parseToJsonElement(BANS))
        MikoPbxClient(sim.config()).use { client ->
            runBlocking {
                assertEquals(java.time.Instant.parse("2023-11-14T22:13:20Z"), client.bannedIps().single().bannedAt)
                assertEquals(java.time.LocalDateTime.of(2026, 1, 15, 10, 30, 45, 123_000_000), client.activeCalls().single().start)
            }
        }
    }

    @Test
    fun theCallHistoryIsUnsupportedOnLegacy(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            assertThrows(MikoPbxException.Unsupported::class.java) { runBlocking { client.cdrRecords().toList() } }
        }
    }

    @Test
    fun badCallsAreInvalidInput(): Unit = Simulator().use { sim ->
        MikoPbxClient(sim.config()).use { client ->
            val missing = assertThrows(MikoPbxException.InvalidInput::class.java) { runBlocking { client.call("peer", "{}") } }
            assertTrue("missing argument \"id\"" in missing.toString(), missing.toString())
            assertThrows(MikoPbxException.InvalidInput::class.java) { runBlocking { client.call("nope") } }
            val refused = assertThrows(MikoPbxException.Authentication::class.java) {
                runBlocking { MikoPbxClient(sim.config(password = "wrong")).use { it.peerStatuses() } }
            }
            assertTrue(refused.status != null && refused.url.startsWith(sim.url), "${refused.status} ${refused.url}")
            val details = Json.parseToJsonElement(refused.detailsJson()).jsonObject
            assertEquals("authentication", details.getValue("kind").jsonPrimitive.content)
            assertEquals(refused.status, details.getValue("status").jsonPrimitive.content.toInt())
            assertEquals(refused.url, details.getValue("url").jsonPrimitive.content)
        }
    }
}
