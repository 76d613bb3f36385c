package com.mikopbx.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The SDK as a Java program uses it: the config builder, futures, plain numbers, sentences. */
class JavaClientTest {
    @Test
    void aJavaProgramBuildsAClientAndCallsIt() throws Exception {
        try (Simulator sim = new Simulator()) {
            ClientConfig config = new ClientConfigBuilder(sim.getUrl())
                .login(Simulator.LOGIN)
                .password(Simulator.PASSWORD)
                .retries(1)
                .maxResponseBytes(1_000_000L)
                .requestTimeout(Duration.ofSeconds(20))
                .build();
            assertEquals(Integer.valueOf(1), config.getRetries());
            assertFalse(config.toString().contains(Simulator.PASSWORD), config.toString());
            try (MikoPbxClient client = new MikoPbxClient(config)) {
                CompletableFuture<Duration> ping = MikoPbxFutures.future(c -> client.ping(c));
                assertFalse(ping.get().isNegative());
                CompletableFuture<List<PeerStatus>> peers = MikoPbxFutures.future(c -> client.peerStatuses(c));
                PeerStatus peer = peers.get().stream().filter(p -> p.getId().equals("201")).findFirst().orElseThrow();
                assertEquals(PeerState.Ok.INSTANCE, peer.getState());
                assertEquals("OK", peer.getState().toString());
                CompletableFuture<PeerDetail> detail = MikoPbxFutures.future(c -> client.peer("201", c));
                Contact contact = detail.get().getContact();
                assertNotNull(contact);
                assertEquals(Long.valueOf(5871L), contact.getRoundtripUsec());
            }
        }
    }

    @Test
    void aJavaThreadCallsTheBlockingClient() throws Exception {
        try (Simulator sim = new Simulator();
             MikoPbxBlockingClient client = new MikoPbxBlockingClient(
                 new ClientConfigBuilder(sim.getUrl()).login(Simulator.LOGIN).password(Simulator.PASSWORD).build())) {
            List<PeerStatus> peers = client.peerStatuses();
            assertEquals("201", peers.get(0).getId());
            assertEquals(PeerState.Ok.INSTANCE, peers.get(0).getState());
            MikoPbxException error = assertThrows(MikoPbxException.class, () -> client.peer(""));
            assertEquals("invalid_input", error.kind());
        }
    }

    @Test
    void aJavaLambdaIsALogger() throws Exception {
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        Mikopbx_uniffiKt.setLogger(LogLevel.INFO, (level, target, message) -> seen.add(level + " " + message));
        try (Simulator sim = new Simulator();
             MikoPbxClient client = new MikoPbxClient(new ClientConfigBuilder(sim.getUrl()).login(Simulator.LOGIN).password(Simulator.PASSWORD).build())) {
            MikoPbxFutures.future(c -> client.login(c)).get();
        } finally {
            Mikopbx_uniffiKt.setLogLevel(null);
        }
        assertTrue(seen.stream().anyMatch(line -> line.startsWith("INFO logging in")), seen.toString());
    }

    @Test
    void aJavaProgramReadsTheErrors() throws Exception {
        try (Simulator sim = new Simulator()) {
            ClientConfig wrong = new ClientConfigBuilder(sim.getUrl()).login(Simulator.LOGIN).password("wrong-password").build();
            try (MikoPbxClient client = new MikoPbxClient(wrong)) {
                CompletableFuture<List<PeerStatus>> peers = MikoPbxFutures.future(c -> client.peerStatuses(c));
                ExecutionException failed = assertThrows(ExecutionException.class, peers::get);
                MikoPbxException.Authentication e = assertInstanceOf(MikoPbxException.Authentication.class, failed.getCause());
                assertEquals("authentication", e.kind());
                assertEquals(e.toString(), e.getMessage());
                Integer status = e.getStatus();
                assertNotNull(status);
                assertTrue(e.detailsJson().contains("\"status\":" + status), e.detailsJson());
                assertTrue(e.getUrl().startsWith(sim.getUrl()), e.getUrl());
                assertFalse(e.getMessage().contains("wrong-password"), e.getMessage());
            }
            ClientConfig negative = new ClientConfigBuilder(sim.getUrl()).retries(-1).build();
            MikoPbxException.InvalidInput invalid = assertThrows(MikoPbxException.InvalidInput.class, () -> new MikoPbxClient(negative));
            assertTrue(invalid.getMessage().contains("retries must not be negative"), invalid.getMessage());
        }
    }

    @Test
    void aJavaProgramPagesTheCallHistoryWithALongLimit() throws Exception {
        try (Simulator sim = new Simulator("--api", "v3")) {
            ClientConfig config = new ClientConfigBuilder(sim.getUrl()).login(Simulator.LOGIN).password(Simulator.PASSWORD).build();
            try (MikoPbxClient client = new MikoPbxClient(config)) {
                CompletableFuture<CdrPage> page = MikoPbxFutures.future(c -> client.cdr(null, null, null, null, null, 5L, null, c));
                assertEquals(5, page.get().getRecords().size());
                assertTrue(page.get().getHasMore());
            }
        }
    }
}
