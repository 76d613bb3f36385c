// The JVM row of `make bench`: the SDK's `peerStatuses()` (sequential suspend calls in one
// coroutine, and the blocking client's on the calling thread) against OkHttp (one client, kept alive) + Jackson into typed classes, each call
// decoding the answer into (id, state) pairs, in interleaved rounds. Prints one JSON line per
// contender and round (bench/report in bench/run.py makes the table).
//
//   java -cp … BenchJvm SMALL_URL BIG_URL ROUNDS

import com.fasterxml.jackson.annotation.JsonIgnoreProperties
import com.fasterxml.jackson.databind.ObjectMapper
import com.mikopbx.sdk.ApiVersion
import com.mikopbx.sdk.ClientConfig
import com.mikopbx.sdk.MikoPbxBlockingClient
import com.mikopbx.sdk.MikoPbxClient
import kotlinx.coroutines.runBlocking
import okhttp3.OkHttpClient
import okhttp3.Request

@JsonIgnoreProperties(ignoreUnknown = true)
class Envelope {
    var result: Boolean = false
    var data: List<Row> = emptyList()
}

class Row {
    var id: String = ""
    var state: String = ""
}

interface Contender {
    val name: String

    /** `calls` calls; the number of pairs of the last. */
    fun calls(calls: Int): Int
}

class Ours(url: String) : Contender {
    override val name = "mikopbx"
    private val client = MikoPbxClient(ClientConfig(url = url.substringBefore("/pbxcore/"), apiVersion = ApiVersion.LEGACY))

    override fun calls(calls: Int): Int = runBlocking {
        var pairs = emptyList<Pair<String, Any>>()
        repeat(calls) { pairs = client.peerStatuses().map { it.id to it.state } }
        pairs.size
    }
}

/** The same calls on the calling thread, as OkHttp's `execute()` makes them. */
class OursBlocking(url: String) : Contender {
    override val name = "mikopbx blocking"
    private val client =
        MikoPbxBlockingClient(ClientConfig(url = url.substringBefore("/pbxcore/"), apiVersion = ApiVersion.LEGACY))

    override fun calls(calls: Int): Int {
        var pairs = emptyList<Pair<String, Any>>()
        repeat(calls) { pairs = client.peerStatuses().map { it.id to it.state } }
        return pairs.size
    }
}

class OkHttpJackson(private val url: String) : Contender {
    override val name = "okhttp+jackson"
    private val client = OkHttpClient()
    private val mapper = ObjectMapper()

    override fun calls(calls: Int): Int {
        var pairs = emptyList<Pair<String, String>>()
        repeat(calls) {
            client.newCall(Request.Builder().url(url).build()).execute().use { response ->
                val envelope = mapper.readValue(response.body.byteStream(), Envelope::class.java)
                check(envelope.result)
                pairs = envelope.data.map { it.id to it.state }
            }
        }
        return pairs.size
    }
}

fun main(args: Array<String>) {
    require(args.size == 3) { "usage: BenchJvm SMALL_URL BIG_URL ROUNDS" }
    val rounds = args[2].toInt()
    for ((size, url, calls) in listOf(Triple("small", args[0], 300), Triple("big", args[1], 8))) {
        val contenders = listOf(Ours(url), OursBlocking(url), OkHttpJackson(url))
        val expected = contenders.last().calls(1)
        // The JIT compiles the hot paths first.
        for (contender in contenders) check(contender.calls(if (size == "small") 3000 else 60) == expected)
        for (round in 0 until rounds) {
            for (index in contenders.indices) {
                val contender = contenders[(index + round) % contenders.size]
                val started = System.nanoTime()
                check(contender.calls(calls) == expected)
                val us = (System.nanoTime() - started) / 1000.0 / calls
                println("""{"surface": "jvm", "size": "$size", "contender": "${contender.name}", "round": $round, "us_per_call": $us}""")
            }
        }
    }
}
