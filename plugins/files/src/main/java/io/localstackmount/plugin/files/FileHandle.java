package io.localstackmount.plugin.files;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFile;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * One descriptor: the content it shares with every other descriptor on the same file, and what is
 * its own (O_APPEND). The handle table holds these; the content outlives all but the last.
 */
final class FileHandle implements OpenFile {
    private final StagedFile content;
    private final boolean append;

    FileHandle(StagedFile content, boolean append) {
        this.content = content;
        this.append = append;
    }

    StagedFile content() {
        return content;
    }

    int write(byte[] src, long offset, int length) {
        return content.write(src, offset, length, append);
    }

    @Override
    public FsPath path() {
        return content.path();
    }

    @Override
    public void moveTo(FsPath newPath) {
        content.moveTo(newPath);
    }

    @Override
    public Node attributes() {
        return content.attributes();
    }

    @Override
    public Optional<Node> unsavedNode() {
        return content.unsavedNode();
    }

    @Override
    public boolean updateUnsaved(UnaryOperator<Node> change) {
        return content.updateUnsaved(change);
    }

    @Override
    public boolean updateUnsavedMetadata(String key, String value) {
        return content.updateUnsavedMetadata(key, value);
    }

    @Override
    public boolean updateUnsavedContentType(String contentType) {
        return content.updateUnsavedContentType(contentType);
    }

    @Override
    public void markUnlinked() {
        content.markUnlinked();
    }

    @Override
    public boolean saveUnattended() {
        return content.saveUnattended();
    }

    @Override
    public void discard() {
        if (content.releaseHandle()) {
            content.discard();
        }
    }
}
