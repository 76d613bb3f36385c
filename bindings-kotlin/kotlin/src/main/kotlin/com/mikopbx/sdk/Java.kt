package com.mikopbx.sdk

import java.time.Duration
import java.util.concurrent.CompletableFuture
import kotlin.coroutines.Continuation
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.future.future

/**
 * A [ClientConfig] for Java, which does not see the data class's default arguments. Every
 * option left unset is null: the SDK's default.
 *
 * ```java
 * ClientConfig config = new ClientConfigBuilder("https://pbx.example.com")
 *     .login("admin").password(secret)
 *     .tls(new TlsTrust.PinSha256("ab:cd:..."))
 *     .requestTimeout(Duration.ofSeconds(10))
 *     .build();
 * ```
 */
class ClientConfigBuilder(url: String) {
    private val config = ClientConfig(url)

    fun login(login: String?): ClientConfigBuilder = apply { config.login = login }
    fun password(password: String?): ClientConfigBuilder = apply { config.password = password }
    fun apiKey(apiKey: String?): ClientConfigBuilder = apply { config.apiKey = apiKey }
    fun apiVersion(apiVersion: ApiVersion?): ClientConfigBuilder = apply { config.apiVersion = apiVersion }
    fun tls(tls: TlsTrust?): ClientConfigBuilder = apply { config.tls = tls }
    fun connectTimeout(timeout: Duration?): ClientConfigBuilder = apply { config.connectTimeout = timeout }
    fun requestTimeout(timeout: Duration?): ClientConfigBuilder = apply { config.requestTimeout = timeout }
    fun retries(retries: Int?): ClientConfigBuilder = apply { config.retries = retries }
    fun maxResponseBytes(bytes: Long?): ClientConfigBuilder = apply { config.maxResponseBytes = bytes }
    fun userAgent(userAgent: String?): ClientConfigBuilder = apply { config.userAgent = userAgent }
    fun requestsPerMinute(requests: Int?): ClientConfigBuilder = apply { config.requestsPerMinute = requests }
    fun maxInFlight(requests: Int?): ClientConfigBuilder = apply { config.maxInFlight = requests }

    /** A new config each time: the builder can go on to make another. */
    fun build(): ClientConfig = config.copy()
}

/** One call of a suspend function as Java writes it: `c -> client.ping(c)`. */
fun interface SuspendCall<T> {
    // The SDK's functions declare MikoPbxException, which Java checks.
    @Throws(Exception::class)
    fun call(continuation: Continuation<in T>): Any?
}

/**
 * Java's way to the SDK's suspend functions: each call as a [CompletableFuture].
 *
 * ```java
 * CompletableFuture<List<PeerStatus>> peers = MikoPbxFutures.future(c -> client.peerStatuses(c));
 * for (PeerStatus peer : peers.get()) System.out.println(peer.getId() + " " + peer.getState());
 * ```
 *
 * A failure completes the future with the [MikoPbxException] (`get()` wraps it in an
 * `ExecutionException`); `cancel()` cancels the call and its HTTP request.
 */
object MikoPbxFutures {
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Default)

    @JvmStatic
    fun <T> future(call: SuspendCall<T>): CompletableFuture<T> =
        // Hands the coroutine's continuation to the compiled suspend function, as a Kotlin call does.
        scope.future { suspendCoroutineUninterceptedOrReturn { continuation -> call.call(continuation) } }
}
