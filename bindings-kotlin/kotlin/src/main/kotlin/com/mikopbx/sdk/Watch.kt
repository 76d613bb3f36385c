package com.mikopbx.sdk

import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds
import kotlin.time.DurationUnit
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every change of the PBX, forever: the first event is a `Snapshot` (the whole [Health]), then
 * extension and provider state changes, calls started and ended (by `linkedid`), the PBX
 * unreachable and reachable again, and `Gap`s when the watcher could not see ([WatchEventKind]).
 * Polls [MikoPbxClient.health] every [interval] (default 30 s, the server's status cache; at
 * least 100 ms) with the client's one session, and never fails for what the server does.
 * Cancelling the collector stops the watcher.
 *
 * ```
 * client.watch(include = "2*").collect { change ->
 *     if (change.kind == WatchEventKind.ExtensionChanged) println("${change.id}: ${change.newState}")
 * }
 * ```
 */
fun MikoPbxClient.watch(
    interval: Duration = 30.seconds,
    include: String? = null,
    exclude: String? = null,
): Flow<WatchEvent> = flow {
    openWatch(interval.toDouble(DurationUnit.SECONDS), include, exclude).use { events ->
        while (true) {
            emit(events.next() ?: break)
        }
    }
}
