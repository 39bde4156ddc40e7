package io.localstackmount.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RequestGateTest {
    private final RequestGate gate = new RequestGate();

    @Test
    @DisplayName("open: everything is admitted; refusing changes still admits reads; closed admits nothing")
    void steps() {
        assertNull(gate.enter(true));
        gate.exit();
        gate.refuseChanges();
        assertNull(gate.enter(false));
        gate.exit();
        assertEquals(RequestGate.Refusal.CHANGES, gate.enter(true));
        assertEquals(0, gate.close(Duration.ZERO));
        assertEquals(RequestGate.Refusal.ALL, gate.enter(false));
        assertEquals(RequestGate.Refusal.ALL, gate.enter(true));
        gate.refuseChanges();
        assertTrue(gate.closed(), "refusing changes never reopens a closed gate");
    }

    @Test
    @DisplayName("close waits for the requests being served, and no longer than its patience")
    void drains() throws Exception {
        assertNull(gate.enter(false));
        CompletableFuture<Void> answer = CompletableFuture.runAsync(() -> {
            sleep(200);
            gate.exit();
        });
        long start = System.nanoTime();
        assertEquals(0, gate.close(Duration.ofSeconds(5)));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 150 && millis < 2000, millis + " ms");
        answer.get();

        RequestGate stuck = new RequestGate();
        assertNull(stuck.enter(false));
        start = System.nanoTime();
        assertEquals(1, stuck.close(Duration.ofMillis(300)));
        assertTrue((System.nanoTime() - start) / 1_000_000 < 2000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
