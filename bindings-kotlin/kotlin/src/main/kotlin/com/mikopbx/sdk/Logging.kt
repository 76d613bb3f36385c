package com.mikopbx.sdk

/**
 * A [MikoPbxLogger] from a function, for [setLogger]:
 *
 * ```
 * setLogger(LogLevel.DEBUG, MikoPbxLogger { level, target, message -> println("$level $target: $message") })
 * ```
 */
fun MikoPbxLogger(log: (level: LogLevel, target: String, message: String) -> Unit): MikoPbxLogger =
    object : MikoPbxLogger {
        override fun log(level: LogLevel, target: String, message: String) = log(level, target, message)
    }
