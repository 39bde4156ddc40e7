package io.localstackmount.example.checksums;

import io.localstackmount.api.FsContext;
import io.localstackmount.api.PluginSetting;
import io.localstackmount.api.XattrOps;
import io.localstackmount.api.XattrProvider;
import java.util.List;

/**
 * The service provider: config selects it with {@code plugins.xattr = checksums}. The app finds it
 * through the {@code provides} clause of this module's module-info, like the built-ins.
 */
public final class ChecksumsProvider implements XattrProvider {
    /** The name config selects; unique among xattr providers. */
    public static final String NAME = "checksums";

    @Override
    public String name() {
        return NAME;
    }

    /** What {@code plugin.xattr.*} may set; config refuses anything else and fills in the defaults. */
    @Override
    public List<PluginSetting> settings() {
        return ChecksumSettings.DECLARED;
    }

    /** Reads {@code plugin.xattr.*} once; a bad setting fails the start with a message naming it. */
    @Override
    public XattrOps create(FsContext context) {
        return new Checksums(context, ChecksumSettings.from(context.settings()));
    }
}
