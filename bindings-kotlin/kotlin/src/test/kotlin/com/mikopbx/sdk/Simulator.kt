package com.mikopbx.sdk

import kotlinx.serialization.json.Json
import kotlinx.serialization.json.JsonElement
import kotlinx.serialization.json.jsonArray
import kotlinx.serialization.json.jsonObject
import kotlinx.serialization.json.jsonPrimitive
import kotlinx.serialization.json.long
import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration

/** Test property set by the pom (surefire systemPropertyVariables). */
fun testProperty(name: String): String =
    System.getProperty(name) ?: error("system property $name is not set (run the tests through Maven)")

/**
 * The `mikopbx-sim` binary on a free port (it listens on 127.0.0.1:0 and prints its URL
 * first). Loopback is not trusted, so clients must log in. Stops when closed.
 */
class Simulator(vararg flags: String) : AutoCloseable {
    private val process: Process
    val url: String

    /** SHA-256 fingerprint of the certificate (with `--https`). */
    val sha256: String?

    init {
        val binary = File(testProperty("mikopbx.sim"))
        require(binary.canExecute()) { "simulator binary $binary is missing: build it with cargo build -p mikopbx-sim" }
        process = ProcessBuilder(listOf(binary.path) + flags)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start()
        val stdout = BufferedReader(InputStreamReader(process.inputStream))
        url = stdout.readLine() ?: error("the simulator exited before printing its URL")
        sha256 = if ("--https" in flags) stdout.readLine()?.removePrefix("sha256 ") else null
    }

    private val http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()

    private fun control(method: String, path: String, body: String? = null): String {
        val request = HttpRequest.newBuilder(URI.create("$url$path"))
            .method(method, body?.let { HttpRequest.BodyPublishers.ofString(it) } ?: HttpRequest.BodyPublishers.noBody())
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(10))
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        check(response.statusCode() in 200..299) { "$method $path answered ${response.statusCode()}: ${response.body()}" }
        return response.body()
    }

    fun putPeer(id: String, body: JsonElement) = control("PUT", "/__sim/peers/$id", body.toString())
    /** Changes any section of the state with a JSON merge patch. */
    fun patchState(patch: JsonElement) = control("PATCH", "/__sim/state", patch.toString())
    fun addFault(fault: JsonElement) = control("POST", "/__sim/faults", fault.toString())
    fun addFault(json: String) = control("POST", "/__sim/faults", json)
    fun clearFaults() = control("DELETE", "/__sim/faults")
    fun expireSessions() = control("POST", "/__sim/sessions/expire")

    /** The simulator's API key (`api_keys[0]` of its state). */
    fun apiKey(): String =
        Json.parseToJsonElement(control("GET", "/__sim/state")).jsonObject.getValue("api_keys").jsonArray[0].jsonPrimitive.content

    /** Counters: `login_attempts`, `logins`, `api_requests`, `unauthorized`, `active_sessions`. */
    fun stats(): Map<String, Long> =
        Json.parseToJsonElement(control("GET", "/__sim/stats")).jsonObject.mapValues { it.value.jsonPrimitive.long }

    fun config(
        password: String? = PASSWORD,
        login: String? = if (password == null) null else LOGIN,
        requestTimeout: Duration? = null,
        retries: Int? = null,
        tls: TlsTrust? = null,
        apiVersion: ApiVersion? = null,
    ) = ClientConfig(
        url = url,
        login = login,
        password = password,
        requestTimeout = requestTimeout,
        retries = retries,
        tls = tls,
        apiVersion = apiVersion,
    )

    override fun close() {
        process.destroy()
        process.waitFor()
    }

    companion object {
        const val LOGIN = "admin"
        const val PASSWORD = "adminpassword"
    }
}
