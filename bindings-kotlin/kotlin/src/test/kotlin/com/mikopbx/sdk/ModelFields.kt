package com.mikopbx.sdk

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive
import kotlinx.serialization.json.booleanOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail

// Checks a Kotlin object against the core's JSON of the same value, by reflection, so that no
// field list is written here: every key of the JSON must be a property of the object (or of a
// record nested in it, for the core's flattened fields) with the same value.

fun camelCase(name: String) =
    name.split('_').mapIndexed { i, part -> if (i == 0) part else part.replaceFirstChar { it.uppercase() } }.joinToString("")

/** The getter of a property. */
fun getterOf(obj: Any, key: String): java.lang.reflect.Method? {
    val name = "get" + camelCase(key).replaceFirstChar { it.uppercase() }
    return obj.javaClass.methods.firstOrNull { it.parameterCount == 0 && it.name == name }
}

/** A record of this SDK (a state has `raw()` instead). */
private fun isRecord(value: Any?) = value != null && value.javaClass.`package`?.name == "com.mikopbx.sdk" &&
    value.javaClass.methods.none { it.name == "raw" && it.parameterCount == 0 }

fun assertCarries(json: JsonElement, obj: Any?, where: String) {
    when (json) {
        is JsonObject -> {
            if (obj == null) fail<Unit>("$where: null where the core has $json")
            for ((key, value) in json) {
                val getter = getterOf(obj!!, key)
                val found = if (getter != null) {
                    getter.invoke(obj)
                } else {
                    // A flattened record: the key belongs to a nested record property.
                    val nested = obj.javaClass.methods.filter { it.parameterCount == 0 && it.name.startsWith("get") }
                        .mapNotNull { runCatching { it.invoke(obj) }.getOrNull() }.filter(::isRecord)
                    val holder = nested.firstOrNull { getterOf(it, key) != null }
                        ?: fail("$where: ${obj.javaClass.simpleName} has no field for the core's \"$key\"")
                    getterOf(holder, key)!!.invoke(holder)
                }
                assertCarries(value, found, "$where.$key")
            }
        }
        is JsonArray -> {
            val list = obj as? List<*> ?: fail("$where: expected a list, got $obj")
            assertEquals(json.size, list.size, "$where: length")
            json.zip(list).forEachIndexed { i, (j, o) -> assertCarries(j, o, "$where[$i]") }
        }
        JsonNull -> assertNull(obj, where)
        is JsonPrimitive -> {
            val raw = obj?.javaClass?.methods?.firstOrNull { it.name == "raw" && it.parameterCount == 0 }
            val value = if (raw != null) raw.invoke(obj) else obj
            when {
                // Times: ISO 8601 in the core's JSON, java.time values here.
                value is java.time.Instant -> assertEquals(java.time.Instant.parse(json.content), value, where)
                value is java.time.LocalDateTime -> assertEquals(java.time.LocalDateTime.parse(json.content), value, where)
                json.isString -> assertEquals(json.content, value, where)
                json.booleanOrNull != null -> assertEquals(json.booleanOrNull, value, where)
                else -> assertTrue(value != null && value.toString().toDouble() == json.content.toDouble(), "$where: $value vs $json")
            }
        }
    }
}
