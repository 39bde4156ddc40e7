package io.localstackmount.api;

import java.net.URLConnection;

/**
 * The Content-Type a file's name suggests, and the rule that tells a type guessed from a name from
 * one chosen on purpose: a type equal to what the object's name suggests is taken as guessed, and
 * follows the name when the object is renamed (a temporary file without an extension, saved by
 * {@code sed -i} or an editor and renamed over {@code a.txt}, becomes {@code text/plain}); any other
 * type was chosen (with {@code setfattr -n user.s3.content-type}, or by the program that stored the
 * object) and stays. No marker is stored: objects written by other tools follow the same rule.
 */
public final class ContentTypes {
    /** What S3 itself gives an object stored without a type, and what a name without a known extension gets. */
    public static final String UNKNOWN = "application/octet-stream";

    private ContentTypes() {
    }

    /** The type the JDK's table gives {@code name}'s extension, else {@link #UNKNOWN}. */
    public static String guess(String name) {
        String guessed = URLConnection.getFileNameMap().getContentTypeFor(name);
        return guessed != null ? guessed : UNKNOWN;
    }

    /** The type an object of type {@code type} gets when renamed from {@code from} to {@code to}. */
    public static String afterRename(String type, String from, String to) {
        return type == null || type.equals(guess(from)) ? guess(to) : type;
    }
}
