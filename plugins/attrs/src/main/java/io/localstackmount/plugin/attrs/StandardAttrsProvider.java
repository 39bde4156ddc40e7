package io.localstackmount.plugin.attrs;

import io.localstackmount.api.AttrOps;
import io.localstackmount.api.AttrsProvider;
import io.localstackmount.api.FsContext;

/** Provides {@link StandardAttrs}. */
public final class StandardAttrsProvider implements AttrsProvider {
    @Override
    public String name() {
        return "standard";
    }

    @Override
    public AttrOps create(FsContext context) {
        return new StandardAttrs(context);
    }
}
