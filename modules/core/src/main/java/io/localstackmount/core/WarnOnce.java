package io.localstackmount.core;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;

/** Logs a warning the first time it is raised for a subject (a key, an operation), then stays quiet. */
final class WarnOnce {
    /** Bounds the memory a bucket full of odd keys can take; past it, warnings repeat instead. */
    private static final int MAX_SUBJECTS = 10_000;

    private final Logger log;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    WarnOnce(Logger log) {
        this.log = log;
    }

    void warn(String subject, String message) {
        if (seen.size() >= MAX_SUBJECTS) {
            seen.clear();
        }
        if (seen.add(subject)) {
            log.warn(message);
        }
    }
}
