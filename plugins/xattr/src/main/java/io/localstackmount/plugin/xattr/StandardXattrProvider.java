package io.localstackmount.plugin.xattr;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;

/** Provides {@link StandardXattrs}. */
public final class StandardXattrProvider implements XattrProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public XattrOps create(FsContext context) {
        return new StandardXattrs(context);
    }
}
