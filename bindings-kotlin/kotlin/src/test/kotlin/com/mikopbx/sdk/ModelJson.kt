package com.mikopbx.sdk

import kotlinx.serialization.json.JsonArray
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.JsonNull
import kotlinx.serialization.json.JsonObject
import kotlinx.serialization.json.JsonPrimitive

// The JSON form of the models that the shared scenarios compare against (the shape of
// `mikopbx --format json`, core/src/models.rs): built from the Kotlin data classes, so the
// scenarios check every field as a Kotlin user sees it.

fun PeerStatus.toJson() = JsonObject(mapOf("id" to JsonPrimitive(id), "state" to JsonPrimitive(state.raw())))

fun ProviderRegistration.toJson() = JsonObject(
    mapOf(
        "id" to JsonPrimitive(id),
        "state" to JsonPrimitive(state.raw()),
        "username" to JsonPrimitive(username),
        "host" to JsonPrimitive(host),
    ),
)

/** The primary contact's fields are flattened into the peer, as the core serializes it. */
fun PeerDetail.toJson(): JsonObject {
    val fields = linkedMapOf<String, JsonElement>("id" to JsonPrimitive(id), "state" to JsonPrimitive(state.raw()))
    contact?.let { fields.putAll(it.toJson()) }
    fields["other_contacts"] = JsonArray(otherContacts.map { it.toJson() })
    return JsonObject(fields)
}

fun Contact.toJson() = JsonObject(
    mapOf(
        "aor" to JsonPrimitive(aor),
        "uri" to JsonPrimitive(uri),
        "user_agent" to JsonPrimitive(userAgent),
        "reg_expire" to JsonPrimitive(regExpire),
        "via_address" to JsonPrimitive(viaAddress),
        "call_id" to JsonPrimitive(callId),
        "status" to (status?.let { JsonPrimitive(it.raw()) } ?: JsonNull),
        "roundtrip_usec" to JsonPrimitive(roundtripUsec?.toLong()),
        "endpoint_name" to JsonPrimitive(endpointName),
        "contact_id" to JsonPrimitive(contactId),
        "authenticate_qualify" to JsonPrimitive(authenticateQualify),
        "outbound_proxy" to JsonPrimitive(outboundProxy),
        "path" to JsonPrimitive(path),
        "qualify_frequency" to JsonPrimitive(qualifyFrequency?.toLong()),
        "qualify_timeout" to JsonPrimitive(qualifyTimeout),
    ),
)
