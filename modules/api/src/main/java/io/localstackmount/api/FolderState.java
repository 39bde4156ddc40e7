package io.localstackmount.api;

/**
 * What {@code rmdir} and {@code unlink} need to know about a folder.
 *
 * @param empty     no entries other than its own marker
 * @param hasMarker its marker object {@code key/} exists
 */
public record FolderState(boolean empty, boolean hasMarker) {
}
