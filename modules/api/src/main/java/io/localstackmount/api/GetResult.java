package io.localstackmount.api;

/**
 * What a ranged, possibly conditional GET answered ({@link ObjectStore#get}).
 *
 * @param modified false when the precondition held: HTTP 304, no body, and {@code object} is null
 * @param object   the object's current version as the answer's headers describe it: the whole
 *                 object's size (not the range's), ETag, Last-Modified, user metadata, Content-Type
 * @param length   bytes copied into the caller's buffer (0 at or past the end of the object)
 */
public record GetResult(boolean modified, ObjectInfo object, int length) {

    private static final GetResult NOT_MODIFIED = new GetResult(false, null, 0);

    public static GetResult notModified() {
        return NOT_MODIFIED;
    }

    public static GetResult content(ObjectInfo object, int length) {
        if (object == null) {
            throw new IllegalArgumentException("a GET with content describes its object");
        }
        return new GetResult(true, object, length);
    }
}
