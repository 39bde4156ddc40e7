package io.localstackmount.plugin.files;

import io.localstackmount.api.FileOps;
import io.localstackmount.api.FilesProvider;
import io.localstackmount.api.FsContext;

/** Provides {@link StandardFiles}. */
public final class StandardFilesProvider implements FilesProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public FileOps create(FsContext context) {
        return new StandardFiles(context);
    }
}
