package io.localstackmount.plugin.rename;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.RenameOps;
import io.localstackmount.api.RenameProvider;
import java.util.List;

/** Provides {@link StandardRename}; invalid settings stop the start with a message naming the setting. */
public final class StandardRenameProvider implements RenameProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public List<PluginSetting> settings() {
        return RenameSettings.DECLARED;
    }

    @Override
    public RenameOps create(FsContext context) {
        return new StandardRename(context, RenameSettings.from(context.settings()));
    }
}
