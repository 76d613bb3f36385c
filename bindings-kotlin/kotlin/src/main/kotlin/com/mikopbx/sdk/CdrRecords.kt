package com.mikopbx.sdk

import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * Every call record that matches the filters (those of [MikoPbxClient.cdr]), oldest first,
 * each exactly once: the pages of [MikoPbxClient.cdr] followed by their `nextCursor` until
 * one has no more. A page is fetched as the collector reaches it; cancelling the collector
 * cancels the request in flight.
 *
 * ```
 * client.cdrRecords(srcNum = "201").collect { println("${it.start} ${it.dstNum} ${it.disposition}") }
 * ```
 */
fun MikoPbxClient.cdrRecords(
    dateFrom: String? = null,
    dateTo: String? = null,
    srcNum: String? = null,
    dstNum: String? = null,
    disposition: String? = null,
    limit: Long? = null,
): Flow<CdrRecord> = flow {
    var cursor: String? = null
    do {
        val page = cdr(dateFrom, dateTo, srcNum, dstNum, disposition, limit, cursor)
        page.records.forEach { emit(it) }
        cursor = page.nextCursor
    } while (page.hasMore && cursor != null)
}
