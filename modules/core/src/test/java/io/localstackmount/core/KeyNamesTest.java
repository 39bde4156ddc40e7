package io.localstackmount.core;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which listed names can be path segments (SEMANTICS.md, "Keys that cannot be paths"). */
class KeyNamesTest {

    @ParameterizedTest
    @ValueSource(strings = {"a", "a.txt", ".hidden", "..dots", "...", "with space", "ünïcödé", "日本語", "😀", "a\\b", "-"})
    void representable(String name) {
        assertNull(KeyNames.whyUnrepresentable(name), name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/", "nul\0byte"})
    void unrepresentable(String name) {
        assertNotNull(KeyNames.whyUnrepresentable(name), name);
    }

    @org.junit.jupiter.api.Test
    void lengthInBytes() {
        assertNull(KeyNames.whyUnrepresentable("n".repeat(255)));
        assertNotNull(KeyNames.whyUnrepresentable("n".repeat(256)));
        assertNull(KeyNames.whyUnrepresentable("é".repeat(127)));
        assertNotNull(KeyNames.whyUnrepresentable("é".repeat(128)), "128 characters, 256 bytes");
    }
}
