package io.localstackmount.plugin.dirs;

import io.localstackmount.api.DirOps;
import io.localstackmount.api.DirsProvider;
import io.localstackmount.api.FsContext;

/** Provides {@link StandardDirs}. */
public final class StandardDirsProvider implements DirsProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public DirOps create(FsContext context) {
        return new StandardDirs(context);
    }
}
