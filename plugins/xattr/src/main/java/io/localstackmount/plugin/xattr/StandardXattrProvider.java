package io.localstackmount.plugin.xattr;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;
import java.util.List;

/** Provides {@link StandardXattrs}. */
public final class StandardXattrProvider implements XattrProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public List<PluginSetting> settings() {
        return List.of(PluginSetting.size(StandardXattrs.REWRITE_LIMIT_SETTING, "64m",
                "largest object whose Content-Type is changed by downloading and uploading it again; beyond it ENOTSUP"));
    }

    @Override
    public XattrOps create(FsContext context) {
        return new StandardXattrs(context);
    }
}
