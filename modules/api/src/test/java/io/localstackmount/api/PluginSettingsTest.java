package io.localstackmount.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PluginSettingsTest {
    private final PluginSettings settings = new PluginSettings(Map.of(
            "part-size", "8388608", "threads", " 4 ", "name", "fast", "negative", "-3", "bad", "lots",
            "empty", "", "huge", "99999999999999999999"));

    @Nested
    @DisplayName("get")
    class Get {
        @Test
        @DisplayName("a present key gives its value as is, an absent one the fallback")
        void get() {
            assertEquals("fast", settings.get("name", "slow"));
            assertEquals(" 4 ", settings.get("threads", "x"), "strings are not trimmed");
            assertEquals("slow", settings.get("missing", "slow"));
            assertEquals("", settings.get("empty", "fallback"), "an empty value is a value");
        }

        @Test
        @DisplayName("EMPTY answers every fallback")
        void empty() {
            assertEquals("f", PluginSettings.EMPTY.get("anything", "f"));
            assertEquals(7, PluginSettings.EMPTY.getLong("anything", 7));
            assertTrue(PluginSettings.EMPTY.values().isEmpty());
        }
    }

    @Nested
    @DisplayName("getLong")
    class GetLong {
        @Test
        @DisplayName("decimal numbers, trimmed, negative allowed")
        void numbers() {
            assertEquals(8_388_608L, settings.getLong("part-size", 1));
            assertEquals(4, settings.getLong("threads", 1));
            assertEquals(-3, settings.getLong("negative", 1));
        }

        @Test
        @DisplayName("absent gives the fallback")
        void absent() {
            assertEquals(99, settings.getLong("missing", 99));
        }

        @ParameterizedTest
        @ValueSource(strings = {"bad", "empty", "huge", "name"})
        @DisplayName("not a number is an IllegalArgumentException naming the key and the value")
        void notANumber(String key) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> settings.getLong(key, 1));
            assertTrue(e.getMessage().contains(key), e.getMessage());
            assertTrue(e.getMessage().contains(settings.values().get(key)), e.getMessage());
        }
    }
}
