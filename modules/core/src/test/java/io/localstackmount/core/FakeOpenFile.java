package io.localstackmount.core;

import io.localstackmount.api.FsPath;
import io.localstackmount.api.Node;
import io.localstackmount.api.OpenFile;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** An open handle as the handle table and the namespace see it: a path and, maybe, unsaved attributes. */
class FakeOpenFile implements OpenFile {
    private volatile FsPath path;
    private volatile Node unsaved;
    private volatile boolean discarded;
    private volatile boolean unlinked;

    FakeOpenFile(FsPath path, Node unsaved) {
        this.path = path;
        this.unsaved = unsaved;
    }

    /** A handle that holds no unsaved data (opened for reading, or saved). */
    static FakeOpenFile clean(FsPath path) {
        return new FakeOpenFile(path, null);
    }

    @Override
    public FsPath path() {
        return path;
    }

    @Override
    public void moveTo(FsPath newPath) {
        this.path = newPath;
        if (unsaved != null) {
            unsaved = unsaved.withName(newPath.name());
        }
    }

    @Override
    public Node attributes() {
        return unsaved;
    }

    @Override
    public Optional<Node> unsavedNode() {
        return Optional.ofNullable(unsaved);
    }

    @Override
    public boolean updateUnsaved(UnaryOperator<Node> change) {
        if (unsaved == null) {
            return false;
        }
        unsaved = change.apply(unsaved);
        return true;
    }

    @Override
    public void markUnlinked() {
        unlinked = true;
    }

    @Override
    public void discard() {
        discarded = true;
        unsaved = null;
    }

    boolean discarded() {
        return discarded;
    }

    boolean unlinked() {
        return unlinked;
    }
}
