package io.localstackmount.plugin.xattr;

import io.localstackmount.api.Errno;
import io.localstackmount.api.FsException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attribute values to metadata header values and back. Headers carry printable ASCII only, so a
 * value that is not (non-ASCII text, tabs, line breaks, leading or trailing spaces, which HTTP
 * would trim) is sent as one RFC 2047 encoded word, {@code =?UTF-8?B?...?=}: the form S3 itself
 * decodes on the way in and answers with on the way out. Reading decodes encoded words whichever
 * server wrote them, so a value round-trips on S3, LocalStack and stores that keep headers
 * verbatim (S3Proxy). Values must be UTF-8 text: metadata is not a place for binary.
 */
final class MetadataText {
    /** S3's limit on user metadata: the UTF-8 bytes of every key and value added up. */
    static final int USER_METADATA_MAX = 2048;
    private static final Pattern ENCODED_WORD = Pattern.compile("=\\?([^?\\s]+)\\?([BbQq])\\?([^?\\s]*)\\?=");

    private MetadataText() {
    }

    /** The header value for attribute bytes {@code value}; EINVAL when they are not UTF-8 text. */
    static String encode(String name, byte[] value) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException e) {
            throw new FsException(Errno.EINVAL, "the value of " + name + " is not UTF-8 text; S3 metadata values are text headers");
        }
        if (headerSafe(text)) {
            return text;
        }
        return "=?UTF-8?B?" + Base64.getEncoder().encodeToString(value) + "?=";
    }

    /** True when {@code text} can be sent as a header value as it is. */
    static boolean headerSafe(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return false;
            }
        }
        return text.isEmpty() || (text.charAt(0) != ' ' && text.charAt(text.length() - 1) != ' ');
    }

    /** A header value with its RFC 2047 encoded words decoded; words that do not decode stay as they are. */
    static String decode(String header) {
        if (header.indexOf("=?") < 0) {
            return header;
        }
        Matcher m = ENCODED_WORD.matcher(header);
        StringBuilder out = new StringBuilder();
        int last = 0;
        boolean previousWasWord = false;
        while (m.find()) {
            String between = header.substring(last, m.start());
            // RFC 2047 6.2: white space between two adjacent encoded words is not part of the text.
            if (!(previousWasWord && between.isBlank())) {
                out.append(between);
            }
            String decoded = decodeWord(m.group(1), m.group(2), m.group(3));
            out.append(decoded != null ? decoded : m.group());
            previousWasWord = decoded != null;
            last = m.end();
        }
        out.append(header, last, header.length());
        return out.toString();
    }

    private static String decodeWord(String charsetName, String encoding, String text) {
        int language = charsetName.indexOf('*'); // RFC 2231: charset*language
        try {
            Charset charset = Charset.forName(language < 0 ? charsetName : charsetName.substring(0, language));
            byte[] bytes = encoding.equalsIgnoreCase("B") ? Base64.getDecoder().decode(text) : decodeQ(text);
            return new String(bytes, charset);
        } catch (IllegalArgumentException e) { // unknown charset, bad base64 or bad hex
            return null;
        }
    }

    private static byte[] decodeQ(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '_') {
                out.write(' ');
            } else if (c == '=' && i + 2 < text.length()) {
                out.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '=') {
                throw new IllegalArgumentException("truncated escape in Q-encoded word");
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    /** What S3 counts against {@link #USER_METADATA_MAX}. */
    static int size(Map<String, String> metadata) {
        int total = 0;
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            total += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        return total;
    }
}
