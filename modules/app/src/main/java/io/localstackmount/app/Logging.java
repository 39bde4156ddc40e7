package io.localstackmount.app;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Sets slf4j-simple's levels before the first logger exists (values the user set with -D win), and
 * sends the log to a file when asked. slf4j-simple's own log-file setting truncates the file at
 * every start; a log should survive restarts, so stderr itself is pointed at the file, opened for
 * appending, and messages for the person at the terminal use the stream saved before.
 */
final class Logging {
    private static final String PREFIX = "org.slf4j.simpleLogger.";

    private Logging() {
    }

    /**
     * @param level   this program's level: error, warn, info, debug or trace
     * @param debug   --debug: one line per filesystem operation, which needs debug
     * @param logFile where to append the log, or null for stderr
     * @throws ConfigException when the log file cannot be opened
     */
    static void configure(String level, boolean debug, Path logFile) {
        if (logFile != null) {
            try {
                Path parent = logFile.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                System.setErr(new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new ConfigException("log.file " + logFile + ": cannot append to it: " + e.getMessage(), e);
            }
        }
        String own = debug && (level.equals("info") || level.equals("warn") || level.equals("error")) ? "debug" : level;
        set("defaultLogLevel", "info");
        set("showDateTime", "true");
        set("dateTimeFormat", logFile != null ? "yyyy-MM-dd HH:mm:ss.SSS" : "HH:mm:ss.SSS");
        set("showThreadName", "false");
        set("showShortLogName", "true");
        set("levelInBrackets", "true");
        set("log.io.localstackmount", own);
        // Libraries are chatty at info; their warnings still show, and trace shows their debug lines.
        for (String quiet : new String[] {"software.amazon", "org.apache.http", "org.eclipse.jetty", "org.gaul", "org.jclouds"}) {
            set("log." + quiet, level.equals("trace") ? "debug" : "warn");
        }
    }

    /** As before log.file and log.level: info on stderr, debug with --debug. */
    static void configure(boolean debug) {
        configure("info", debug, null);
    }

    private static void set(String key, String value) {
        if (System.getProperty(PREFIX + key) == null) {
            System.setProperty(PREFIX + key, value);
        }
    }
}
