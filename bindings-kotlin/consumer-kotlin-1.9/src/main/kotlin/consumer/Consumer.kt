package consumer

import com.mikopbx.sdk.ClientConfig
import com.mikopbx.sdk.ClientConfigBuilder
import com.mikopbx.sdk.LogLevel
import com.mikopbx.sdk.MikoPbxClient
import com.mikopbx.sdk.MikoPbxException
import com.mikopbx.sdk.MikoPbxLogger
import com.mikopbx.sdk.PeerState
import com.mikopbx.sdk.TlsTrust
import com.mikopbx.sdk.cdrRecords
import com.mikopbx.sdk.create
import com.mikopbx.sdk.setLogLevel
import com.mikopbx.sdk.setLogger
import com.mikopbx.sdk.watch
import java.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.runBlocking

/** The SDK's surface as a Kotlin 1.9 program uses it; compiled only, never run. */
fun main(): Unit = runBlocking {
    setLogger(LogLevel.INFO, MikoPbxLogger { level, target, message -> println("$level $target $message") })
    val config = ClientConfig(
        url = "https://pbx.example.com",
        login = "admin",
        password = "secret",
        tls = TlsTrust.PinSha256("ab:cd"),
        requestTimeout = Duration.ofSeconds(10),
        retries = 1,
        maxResponseBytes = 1_000_000,
    )
    MikoPbxClient.create(config).use { client ->
        try {
            for (peer in client.peerStatuses()) {
                val shown = when (val state = peer.state) {
                    PeerState.Ok -> "up"
                    PeerState.Unknown -> "unknown"
                    is PeerState.Other -> state.value
                }
                println("${peer.id} $shown ${peer.state}")
            }
            client.peer("201").contact?.roundtripUsec?.let { println(it / 1000L) }
            client.cdrRecords(limit = 50).take(3).collect { println("${it.id} ${it.start}") }
            client.watch(interval = 5.seconds).take(2).collect { println(it.kind) }
            println(client.ping().toMillis())
        } catch (e: MikoPbxException.Authentication) {
            println("refused (${e.status}): ${e.message}")
        } catch (e: MikoPbxException) {
            println("${e.kind()}: ${e.message}")
        }
    }
    println(ClientConfigBuilder("http://127.0.0.1").retries(0).build())
    setLogLevel(null)
}
