package io.localstackmount.plugin.files;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Parts of 10 bytes over an object of 45: parts 0-3 whole, part 4 holds 5 bytes. */
class LocalPartsTest {
    private final LocalParts parts = new LocalParts(10, 45);

    @Test
    @DisplayName("only objects of 3 to 10,000 parts are edited part by part")
    void worthIt() {
        assertFalse(LocalParts.worthIt(20, 10));
        assertTrue(LocalParts.worthIt(21, 10));
        assertTrue(LocalParts.worthIt(100_000, 10));
        assertFalse(LocalParts.worthIt(100_001, 10));
    }

    @Test
    @DisplayName("a write fetches the parts it changes partly; the parts it replaces whole are held without a fetch")
    void writes() {
        assertArrayEquals(new int[] {1, 3}, parts.toFetchForWrite(15, 32));
        assertTrue(parts.isLocal(2), "replaced whole");
        assertFalse(parts.isLocal(1), "held only once fetched");
        parts.fetched(1);
        assertArrayEquals(new int[] {0, 3, 4}, parts.notHeld(45), "3 is still to be fetched by the caller");
    }

    @Test
    @DisplayName("the short last part is replaced whole by a write of its 5 bytes")
    void lastPart() {
        assertArrayEquals(new int[0], parts.toFetchForWrite(40, 45));
        assertTrue(parts.isLocal(4));
    }

    @Test
    @DisplayName("shrinking lowers the limit; growing past it first fetches the part holding it")
    void shrinkThenGrow() {
        assertEquals(-1, parts.toFetchBeforeGrowing(40), "shrinking fetches nothing");
        parts.resized(23);
        assertEquals(3, parts.baseBytes(2), "part 2 now holds 3 bytes of the object");
        assertArrayEquals(new int[] {0, 1, 2}, parts.notHeld(23));
        assertEquals(2, parts.toFetchBeforeGrowing(24));
        assertTrue(parts.isLocal(3), "past the limit everything is local");
    }

    @Test
    @DisplayName("growing from a limit on a part boundary fetches nothing")
    void growFromBoundary() {
        parts.resized(30);
        assertEquals(-1, parts.toFetchBeforeGrowing(100));
    }
}
