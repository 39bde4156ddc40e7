package io.localstackmount.plugin.files;

import io.localstackmount.api.FileOps;
import io.localstackmount.api.FilesProvider;
import io.localstackmount.api.FsContext;
import io.localstackmount.api.PluginSetting;
import java.util.List;

/** Provides {@link StandardFiles}. */
public final class StandardFilesProvider implements FilesProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public List<PluginSetting> settings() {
        return Uploads.DECLARED;
    }

    @Override
    public FileOps create(FsContext context) {
        return new StandardFiles(context);
    }
}
