package io.localstackmount.core;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import java.nio.file.FileSystem;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A {@link CachedNamespace} wired as the mount wires it, but with everything a test must control:
 * a {@link FakeObjectStore} behind core's {@link CountingObjectStore}, a real {@link HandleTable},
 * {@link ManualTime} for both the cache ticker and the clock, and a Jimfs staging folder. Objects put
 * on {@link #fake} directly play "another client".
 */
final class NamespaceFixture implements AutoCloseable {
    static final int UID = 1000;
    static final int GID = 1001;
    static final MountOptions OPTIONS = new MountOptions(UID, GID, 0022, false);

    final ManualTime time = new ManualTime();
    final FakeObjectStore fake = new FakeObjectStore(time.clock());
    final CountingObjectStore store = new CountingObjectStore(fake);
    final HandleTable handles = new HandleTable();
    final FileSystem disk = Jimfs.newFileSystem(Configuration.unix());
    final FsConfig config;
    final CachedNamespace ns;

    NamespaceFixture(Duration ttl, Duration negativeTtl) {
        this(b -> b.metadataTtl(ttl).negativeTtl(negativeTtl));
    }

    /** A fixture whose config is the defaults plus {@link #OPTIONS}, changed by {@code tweak}. */
    NamespaceFixture(UnaryOperator<FsConfig.Builder> tweak) {
        this.config = tweak.apply(FsConfig.builder(disk.getPath("/staging")).options(OPTIONS)).build();
        this.ns = new CachedNamespace(store, handles, config, time.clock(), time);
    }

    static NamespaceFixture withDefaults() {
        return new NamespaceFixture(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    static FsPath path(String s) {
        return FsPath.parse(s);
    }

    List<String> names(String folder) {
        return ns.list(path(folder)).stream().map(Node::name).toList();
    }

    NodeType type(String p) {
        return ns.find(path(p)).map(Node::type).orElse(null);
    }

    /** Requests made since the last call, then starts counting again. */
    long requests() {
        long n = store.total();
        store.reset();
        return n;
    }

    @Override
    public void close() throws Exception {
        disk.close();
    }
}
