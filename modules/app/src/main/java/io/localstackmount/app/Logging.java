package io.localstackmount.app;

/** Sets slf4j-simple's levels before the first logger exists; values the user set with -D win. */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    static void configure(boolean debug) {
        set("defaultLogLevel", "info");
        set("showDateTime", "true");
        set("dateTimeFormat", "HH:mm:ss.SSS");
        set("showThreadName", "false");
        set("showShortLogName", "true");
        set("levelInBrackets", "true");
        set("log.io.localstackmount", debug ? "debug" : "info");
        // Libraries are chatty at info; their warnings still show.
        for (String quiet : new String[] {"software.amazon", "org.apache.http", "org.eclipse.jetty", "org.gaul", "org.jclouds"}) {
            set("log." + quiet, "warn");
        }
    }

    private static void set(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
