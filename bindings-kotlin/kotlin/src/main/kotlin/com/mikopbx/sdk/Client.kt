package com.mikopbx.sdk

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The constructor, run on [Dispatchers.IO] instead of the calling thread: for a UI thread
 * (Android's main thread). The first client of a process pays for loading the SDK (JNA copies
 * the native library out of the jar and loads it, the SDK's runtime starts): about 0.1 s with
 * the release jar, more with a debug build; every later client takes well under a millisecond.
 *
 * ```
 * val client = MikoPbxClient.create(ClientConfig(url = "https://pbx.example.com", apiKey = key))
 * ```
 */
suspend fun MikoPbxClient.Companion.create(config: ClientConfig): MikoPbxClient =
    withContext(Dispatchers.IO) { MikoPbxClient(config) }
