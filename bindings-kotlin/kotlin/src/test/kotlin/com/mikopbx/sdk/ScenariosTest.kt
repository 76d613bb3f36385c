package com.mikopbx.sdk

import kotlinx.coroutines.runBlocking
import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import kotlinx.serialization.json.doubleOrNull
import kotlinx.serialization.json.int
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.params.ParameterizedTest
import org.junit.jupiter.params.provider.Arguments
import org.junit.jupiter.params.provider.MethodSource
import java.io.File
import java.time.Duration

/**
 * The shared scenarios (tests/scenarios/expanded.json, one list per API generation), run
 * through `MikoPbxClient.call` by name (tests/scenarios/README.md describes the format).
 */
class ScenariosTest {
    companion object {
        @JvmStatic
        fun scenarios(): List<Arguments> {
            val document = Json.parseToJsonElement(File(testProperty("mikopbx.scenarios")).readText()).jsonObject
            return listOf("legacy", "v3").flatMap { generation ->
                val scenarios = document.getValue(generation).jsonArray.map { it.jsonObject }
                assertTrue(scenarios.isNotEmpty(), "no $generation scenarios found")
                scenarios.map { Arguments.of(generation, it.getValue("name").jsonPrimitive.content, it) }
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("scenarios")
    fun scenario(generation: String, name: String, scenario: JsonObject) {
        expectKeys(scenario, "scenario", "name", "sim", "client", "call", "expect")
        val sim = scenario["sim"]?.jsonObject ?: JsonObject(emptyMap())
        expectKeys(sim, "sim", "login_limit", "state", "peers", "faults")
        val flags = listOf("--api", generation) +
            (sim["login_limit"]?.let { listOf("--login-limit", it.jsonPrimitive.content) } ?: emptyList())
        Simulator(*flags.toTypedArray()).use { simulator ->
            sim["state"]?.let { simulator.patchState(it) }
            sim["peers"]?.jsonArray?.forEach { peer ->
                val fields = peer.jsonObject
                simulator.putPeer(fields.getValue("id").jsonPrimitive.content, JsonObject(fields - "id"))
            }
            sim["faults"]?.jsonArray?.forEach { simulator.addFault(it) }
            MikoPbxClient(clientConfig(simulator, scenario["client"]?.jsonObject)).use { client ->
                val outcome = runCatching { runBlocking { call(client, scenario.getValue("call").jsonObject) } }
                check("$generation $name", scenario.getValue("expect").jsonObject, outcome)
            }
        }
    }

    private fun clientConfig(simulator: Simulator, client: JsonObject?): ClientConfig {
        val options = client ?: JsonObject(emptyMap())
        expectKeys(options, "client", "password", "credentials", "api_key", "timeout_ms", "retries")
        val apiKey = options["api_key"]?.jsonPrimitive?.content
        val credentials = options["credentials"]?.jsonPrimitive?.content
        val base = when {
            credentials == "none" -> ClientConfig(url = simulator.url)
            credentials == "api_key" -> ClientConfig(url = simulator.url, apiKey = simulator.apiKey())
            credentials != null -> fail("unknown client.credentials $credentials")
            apiKey != null -> ClientConfig(url = simulator.url, apiKey = apiKey)
            else -> simulator.config(password = options["password"]?.jsonPrimitive?.content ?: Simulator.PASSWORD)
        }
        return base.copy(
            requestTimeout = options["timeout_ms"]?.let { Duration.ofMillis(it.jsonPrimitive.content.toLong()) },
            retries = options["retries"]?.jsonPrimitive?.int,
        )
    }

    /** Runs `call.op` by name with the rest of `call` as its arguments. */
    private suspend fun call(client: MikoPbxClient, call: JsonObject): JsonElement =
        Json.parseToJsonElement(client.call(call.getValue("op").jsonPrimitive.content, JsonObject(call - "op").toString()))

    private fun check(name: String, expect: JsonObject, outcome: Result<JsonElement>) {
        expectKeys(expect, "expect", "ok", "result", "absent", "error", "status", "message_contains")
        val kind = expect["error"]?.jsonPrimitive?.content
        if (kind == null) {
            val value = outcome.getOrElse { fail("$name: expected success, got $it") }
            expect["result"]?.let { assertMatches(it, value, "$name: result") }
            expect["absent"]?.jsonArray?.forEach { key ->
                val keys = (value as? JsonObject)?.keys ?: emptySet()
                assertTrue(key.jsonPrimitive.content !in keys, "$name: key $key must be absent from $value")
            }
            return
        }
        val error = outcome.exceptionOrNull() as? MikoPbxException
            ?: fail("$name: expected a MikoPbxException of kind $kind, got ${outcome.exceptionOrNull() ?: outcome.getOrNull()}")
        assertEquals(kind, error.kind(), "$name: error kind of $error")
        expect["status"]?.let { expected ->
            val status = when (error) {
                is MikoPbxException.Api -> error.status
                is MikoPbxException.Http -> error.status
                is MikoPbxException.Authentication -> error.status ?: fail("$name: $error carries no status")
                else -> fail("$name: $error carries no status")
            }
            assertEquals(expected.jsonPrimitive.int, status, "$name: status")
        }
        expect["message_contains"]?.let { expected ->
            val text = expected.jsonPrimitive.content
            val texts = listOf(error.toString()) + error.serverMessages()
            assertTrue(texts.any { text in it }, "$name: \"$text\" not in $texts")
        }
    }

    private fun expectKeys(obj: JsonObject, what: String, vararg known: String) {
        val unknown = obj.keys - known.toSet()
        assertTrue(unknown.isEmpty(), "unknown $what keys $unknown: teach the Kotlin runner about them")
    }
}

private fun MikoPbxException.serverMessages(): List<String> = when (this) {
    is MikoPbxException.Api -> serverMessages
    is MikoPbxException.Authentication -> serverMessages
    else -> emptyList()
}

/**
 * `expected` is contained in `actual`: objects match when every expected key matches, arrays
 * element-wise with equal length, numbers as numbers (5 == 5.0).
 */
fun assertMatches(expected: JsonElement, actual: JsonElement, where: String) {
    when (expected) {
        is JsonObject -> {
            val obj = actual as? JsonObject ?: fail("$where: expected an object, got $actual")
            expected.forEach { (key, value) ->
                val found = obj[key] ?: fail("$where: key \"$key\" missing in $actual")
                assertMatches(value, found, "$where.$key")
            }
        }
        is JsonArray -> {
            val array = actual as? JsonArray ?: fail("$where: expected an array, got $actual")
            assertEquals(expected.size, array.size, "$where: length of $actual")
            expected.zip(array).forEachIndexed { i, (e, a) -> assertMatches(e, a, "$where[$i]") }
        }
        JsonNull -> assertEquals(JsonNull, actual, where)
        is JsonPrimitive -> {
            val primitive = actual as? JsonPrimitive ?: fail("$where: expected $expected, got $actual")
            when {
                expected.isString -> assertTrue(primitive.isString && primitive.content == expected.content, "$where: expected $expected, got $actual")
                expected.booleanOrNull != null -> assertEquals(expected.booleanOrNull, primitive.booleanOrNull, where)
                else -> assertTrue(!primitive.isString && primitive.doubleOrNull == expected.doubleOrNull, "$where: expected $expected, got $actual")
            }
        }
    }
}
