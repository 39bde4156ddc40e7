package io.localstackmount.core;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.localstackmount.api.Errno;
import io.localstackmount.api.FolderState;
import io.localstackmount.api.FsException;
import io.localstackmount.api.FsPath;
import io.localstackmount.api.ListPage;
import io.localstackmount.api.Listing;
import io.localstackmount.api.Listings;
import io.localstackmount.api.MountOptions;
import io.localstackmount.api.Namespace;
import io.localstackmount.api.Node;
import io.localstackmount.api.NodeType;
import io.localstackmount.api.ObjectInfo;
import io.localstackmount.api.ObjectStore;
import io.localstackmount.api.OpenFile;
import io.localstackmount.api.OpenFiles;
import io.localstackmount.api.PosixMetadata;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paths to nodes and folder listings over an {@link ObjectStore}, with two Caffeine caches:
 * {@code nodes} (path to node, or to "absent" for the negative cache) and {@code folders} (path to
 * its full listing). A listing fills the node cache of every entry, so {@code ls -l} costs the
 * listing's pages and nothing per entry.
 *
 * <p>Mapping rules: a folder is a key prefix ({@code dir/...}) or a marker object {@code dir/}; a
 * folder shadows an object of the same name; listed names that cannot be path segments are hidden
 * (see {@link KeyNames}), each with one warning. Unsaved files of open handles are overlaid on
 * what S3 says, so a file being written is visible with its local size.
 *
 * <p>Expiry: nodes live {@code ttl} from when they were learnt. A listing lives {@code ttl} from when
 * it was fetched; patching it after a local change does not extend that, so changes made by other
 * clients still show within the TTL.
 */
public final class CachedNamespace implements Namespace {
    private static final Logger LOG = LoggerFactory.getLogger(CachedNamespace.class);
    /**
     * Page size of a lookup's LIST of one name: only siblings that continue the name with a
     * character below '/' ({@code name.txt}, {@code name-2}) come before the answer, each counted
     * once however much is below it; 100 of them is already unusual.
     */
    private static final int LOOKUP_PAGE = 100;

    private final ObjectStore store;
    private final OpenFiles openFiles;
    private final boolean headUnknown;
    private final MountOptions options;
    private final Clock clock;
    private final Instant mountTime;
    private final Ticker ticker;
    private final long ttlNanos;
    private final Cache<FsPath, Optional<Node>> nodes;
    private final Cache<FsPath, Folder> folders;
    /**
     * Attributes of folders whose marker this mount wrote (mkdir, chmod): listings show a folder as a
     * common prefix, without its marker, so they cannot tell. Not by version: a marker's ETag is
     * the same for every empty body.
     */
    private final Cache<FsPath, Node> folderAttributes;
    /** User metadata seen by HEAD or written here, by object version: listings do not carry it. */
    private final Cache<String, Map<String, String>> metadataByVersion;
    private final WarnOnce hiddenKeys = new WarnOnce(LOG);

    /**
     * A folder's listing: entries by name, whether its marker exists, when it was fetched, and
     * whether it is complete. An incomplete one is the first page of a large folder, fetched for a
     * lookup: it fills the node cache but answers nothing about names it does not hold.
     */
    private record Folder(TreeMap<String, Node> entries, boolean hasMarker, long fetchedNanos, boolean complete,
                          Set<String> metadataUnknown) {
        Folder with(String name, Node node) {
            TreeMap<String, Node> copy = new TreeMap<>(entries);
            copy.put(name, node);
            return new Folder(copy, hasMarker, fetchedNanos, complete, without(metadataUnknown, name));
        }

        Folder without(String name) {
            TreeMap<String, Node> copy = new TreeMap<>(entries);
            copy.remove(name);
            return new Folder(copy, hasMarker, fetchedNanos, complete, without(metadataUnknown, name));
        }

        Folder withMarker() {
            return new Folder(entries, true, fetchedNanos, complete, metadataUnknown);
        }

        private static Set<String> without(Set<String> names, String name) {
            if (!names.contains(name)) {
                return names;
            }
            Set<String> copy = new HashSet<>(names);
            copy.remove(name);
            return copy;
        }
    }

    public CachedNamespace(ObjectStore store, OpenFiles openFiles, FsConfig config, Clock clock, Ticker ticker) {
        this.store = store;
        this.openFiles = openFiles;
        this.options = config.options();
        this.headUnknown = config.headUnknown();
        this.clock = clock;
        this.mountTime = clock.instant();
        this.ticker = ticker;
        this.ttlNanos = config.metadataTtl().toNanos();
        long negativeNanos = config.negativeTtl().toNanos();
        long ttl = ttlNanos;
        this.nodes = Caffeine.newBuilder()
                .maximumSize(config.cacheEntries())
                .ticker(ticker)
                .expireAfter(new Expiry<FsPath, Optional<Node>>() {
                    @Override
                    public long expireAfterCreate(FsPath key, Optional<Node> value, long currentTime) {
                        return value.isPresent() ? ttl : negativeNanos;
                    }

                    @Override
                    public long expireAfterUpdate(FsPath key, Optional<Node> value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(FsPath key, Optional<Node> value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.folders = Caffeine.newBuilder()
                // Listings are larger than nodes: a tenth of the entries bounds both similarly.
                .maximumSize(Math.max(1, config.cacheEntries() / 10))
                .ticker(ticker)
                .expireAfter(new Expiry<FsPath, Folder>() {
                    @Override
                    public long expireAfterCreate(FsPath key, Folder value, long currentTime) {
                        return Math.max(0, ttl - (currentTime - value.fetchedNanos()));
                    }

                    @Override
                    public long expireAfterUpdate(FsPath key, Folder value, long currentTime, long currentDuration) {
                        return expireAfterCreate(key, value, currentTime);
                    }

                    @Override
                    public long expireAfterRead(FsPath key, Folder value, long currentTime, long currentDuration) {
                        return currentDuration;
                    }
                })
                .build();
        this.metadataByVersion = Caffeine.newBuilder().maximumSize(config.cacheEntries()).build();
        this.folderAttributes = Caffeine.newBuilder().maximumSize(config.cacheEntries() / 10 + 1).build();
    }

    @Override
    public Optional<Node> find(FsPath path) {
        if (path.isRoot()) {
            return Optional.of(folderNode(path, mountTime));
        }
        if (KeyNames.whyUnrepresentable(path.name()) != null) {
            // Listings hide such names, so a lookup must not find them either; and no request is
            // sent for a key some servers answer with 500 (S3Proxy for names over 255 bytes).
            return Optional.empty();
        }
        Optional<Node> unsaved = unsavedNode(path);
        if (unsaved.isPresent()) {
            return unsaved;
        }
        Optional<Node> cached = nodes.getIfPresent(path);
        if (cached != null) {
            return cached;
        }
        Folder parent = folders.getIfPresent(path.parent());
        boolean listedNow = false;
        if (parent == null && path.isObject()) {
            // One LIST of the parent answers this lookup and every other one in that folder within
            // the TTL; only a large folder falls back to a LIST of this one name.
            long before = ticker.read();
            parent = folders.get(path.parent(), this::fetchFirstPage);
            listedNow = parent.fetchedNanos() >= before;
        }
        if (parent != null && parent.complete()) {
            Node entry = parent.entries().get(path.name());
            if (entry != null || listedNow) {
                Optional<Node> fromListing = Optional.ofNullable(entry);
                if (headUnknown && parent.metadataUnknown().contains(path.name())) {
                    fromListing = store.head(path.bucket(), path.key()).map(info -> nodeOf(path, info));
                }
                nodes.put(path, fromListing);
                return fromListing;
            }
            // Absent from an older listing: another client (the test run, aws-cli) may have written
            // it since, so ask for this name alone; the answer is then cached like any other.
        }
        Optional<Node> cachedAfterListing = nodes.getIfPresent(path);
        if (cachedAfterListing != null) {
            return cachedAfterListing;
        }
        Optional<Node> fetched = path.isBucket() ? fetchBucket(path) : fetchObjectPath(path);
        nodes.put(path, fetched);
        return fetched;
    }

    @Override
    public List<Node> list(FsPath path) {
        Folder folder = folders.getIfPresent(path);
        if (folder == null || !folder.complete()) {
            folder = fetchFolder(path);
            folders.put(path, folder);
        }
        // Files being written show their local size, once each however many handles they have.
        TreeMap<String, Node> result = new TreeMap<>(folder.entries());
        for (OpenFile file : openFiles.openIn(path)) {
            file.unsavedNode().ifPresent(unsaved -> result.put(unsaved.name(), unsaved));
        }
        return new ArrayList<>(result.values());
    }

    @Override
    public FolderState folderState(FsPath path) {
        Folder cached = folders.getIfPresent(path);
        boolean openChildren = openFiles.openIn(path).stream().anyMatch(f -> f.unsavedNode().isPresent());
        if (cached != null && cached.complete()) {
            return new FolderState(cached.entries().isEmpty() && !openChildren, cached.hasMarker() || path.isBucket());
        }
        if (path.isRoot()) {
            return new FolderState(false, true);
        }
        String prefix = path.childPrefix();
        ListPage page = store.listPage(path.bucket(), prefix, null, 2);
        boolean hasMarker = page.objects().stream().anyMatch(o -> o.key().equals(prefix));
        boolean hasOthers = !page.commonPrefixes().isEmpty()
                || page.objects().stream().anyMatch(o -> !o.key().equals(prefix));
        return new FolderState(!hasOthers && !openChildren, hasMarker || path.isBucket());
    }

    @Override
    public void created(FsPath path, Node node) {
        nodes.put(path, Optional.of(node));
        if (node.etag() != null && !path.isBucket()) {
            // Remember what we wrote so that later listings of this version keep its attributes.
            rememberMetadata(path, node);
        }
        if (node.isDirectory() && path.isObject() && node.etag() != null) {
            // A folder node with an ETag was stored as a marker (mkdir, chmod of an implicit folder).
            folders.asMap().computeIfPresent(path, (p, folder) -> folder.withMarker());
            folderAttributes.put(path, node);
        }
        folders.asMap().computeIfPresent(path.parent(), (p, folder) -> folder.with(path.name(), node));
    }

    @Override
    public void removed(FsPath path) {
        nodes.put(path, Optional.empty());
        folderAttributes.invalidate(path);
        forgetBelow(path);
        folders.asMap().computeIfPresent(path.parent(), (p, folder) -> folder.without(path.name()));
    }

    @Override
    public void keepFolder(FsPath folder) {
        if (!folder.isObject()) {
            return;
        }
        FolderState state = folderState(folder);
        if (state.empty() && !state.hasMarker()) {
            Node node = folderNode(folder, clock.instant());
            ObjectInfo marker = store.put(folder.bucket(), folder.markerKey(), new byte[0],
                    PosixMetadata.of(Map.of(), NodeType.DIRECTORY, node.mode(), node.uid(), node.gid(), node.mtime()),
                    "application/x-directory");
            LOG.debug("wrote marker {} so that the emptied folder stays", marker.key());
            folders.asMap().computeIfPresent(folder, (p, f) -> f.withMarker());
            nodes.put(folder, Optional.of(node.withEtag(marker.etag())));
        }
    }

    @Override
    public void invalidate(FsPath path) {
        nodes.invalidate(path);
        forgetBelow(path);
        folders.invalidate(path.parent());
        nodes.invalidate(path.parent());
    }

    private void forgetBelow(FsPath path) {
        folders.invalidate(path);
        folderAttributes.asMap().keySet().removeIf(p -> !p.equals(path) && path.contains(p));
        nodes.asMap().keySet().removeIf(p -> !p.equals(path) && path.contains(p));
        folders.asMap().keySet().removeIf(path::contains);
    }

    @Override
    public Node nodeOf(FsPath path, ObjectInfo object) {
        Map<String, String> meta = object.metadata();
        if (meta == null) {
            meta = metadataByVersion.getIfPresent(versionKey(path.bucket(), object));
        } else {
            metadataByVersion.put(versionKey(path.bucket(), object), meta);
        }
        NodeType type = PosixMetadata.type(meta, NodeType.FILE);
        int mode = PosixMetadata.mode(meta);
        int uid = PosixMetadata.uid(meta);
        int gid = PosixMetadata.gid(meta);
        Instant mtime = PosixMetadata.mtime(meta);
        int defaultMode = type == NodeType.DIRECTORY ? options.folderMode() : options.fileMode();
        return new Node(path.name(), type, type == NodeType.DIRECTORY ? 0 : object.size(),
                mtime != null ? mtime : object.lastModified(),
                mode >= 0 ? mode & 07777 : (type == NodeType.SYMLINK ? 0777 : defaultMode),
                uid >= 0 ? uid : options.uid(), gid >= 0 ? gid : options.gid(), object.etag());
    }

    @Override
    public Node folderNode(FsPath path, Instant mtime) {
        return new Node(path.name(), NodeType.DIRECTORY, 0, mtime, options.folderMode(), options.uid(), options.gid(), null);
    }

    /** A folder's node: the attributes last stored in its marker through this mount, else the defaults. */
    private Node knownFolder(FsPath path) {
        Node known = folderAttributes.getIfPresent(path);
        return known != null ? known : folderNode(path, mountTime);
    }

    private Node folderNodeFromMarker(FsPath path, ObjectInfo marker) {
        Map<String, String> meta = marker.metadata() != null ? marker.metadata()
                : metadataByVersion.getIfPresent(versionKey(path.bucket(), marker));
        if (meta == null) {
            return knownFolder(path);
        }
        int mode = PosixMetadata.mode(meta);
        int uid = PosixMetadata.uid(meta);
        int gid = PosixMetadata.gid(meta);
        Instant mtime = PosixMetadata.mtime(meta);
        return new Node(path.name(), NodeType.DIRECTORY, 0, mtime != null ? mtime : marker.lastModified(),
                mode >= 0 ? mode & 07777 : options.folderMode(),
                uid >= 0 ? uid : options.uid(), gid >= 0 ? gid : options.gid(), marker.etag());
    }

    private void rememberMetadata(FsPath path, Node node) {
        // Keyed like versionKey(): the etag plus the size identify the version we just wrote.
        String key = node.isDirectory() ? path.markerKey() : path.key();
        metadataByVersion.put(path.bucket() + "\n" + key + "\n" + node.etag() + "\n" + node.size(),
                PosixMetadata.of(Map.of(), node.type(), node.mode(), node.uid(), node.gid(), node.mtime()));
    }

    private static String versionKey(String bucket, ObjectInfo object) {
        return bucket + "\n" + object.key() + "\n" + object.etag() + "\n" + object.size();
    }

    private Optional<Node> unsavedNode(FsPath path) {
        for (OpenFile file : openFiles.openAt(path)) {
            Optional<Node> node = file.unsavedNode();
            if (node.isPresent()) {
                return node;
            }
        }
        return Optional.empty();
    }

    private Optional<Node> fetchBucket(FsPath path) {
        Folder root = folders.getIfPresent(FsPath.ROOT);
        if (root != null) {
            return Optional.ofNullable(root.entries().get(path.bucket()));
        }
        return store.bucketExists(path.bucket()) ? Optional.of(folderNode(path, mountTime)) : Optional.empty();
    }

    /**
     * A lookup the parent's first page could not answer (a folder larger than one page): one LIST
     * of prefix {@code key} with delimiter {@code /} says both whether the object {@code key} exists
     * and whether the folder {@code key/} does (it shows as that common prefix). Both sort ahead of
     * every other name under the prefix except siblings that continue with a character below
     * {@code /} ({@code key.txt}, {@code key-1}), so one page nearly always answers; paging stops
     * once an entry sorts past {@code key/}. A miss, what editors and git probe for, costs that one
     * LIST. A folder costs one more LIST of {@code key/} for its marker (as before), and a file whose
     * metadata is unknown for its version a HEAD (listings carry no user metadata).
     */
    private Optional<Node> fetchObjectPath(FsPath path) {
        String key = path.key();
        String marker = path.markerKey();
        ObjectInfo file = null;
        boolean folder = false;
        String token = null;
        do {
            ListPage page = store.listPage(path.bucket(), key, token, LOOKUP_PAGE);
            boolean past = false;
            for (ObjectInfo o : page.objects()) {
                if (o.key().equals(key)) {
                    file = o;
                }
                folder |= o.key().equals(marker) || o.key().startsWith(marker);
                past |= compareCodePoints(o.key(), marker) > 0;
            }
            for (String common : page.commonPrefixes()) {
                folder |= common.equals(marker);
                past |= compareCodePoints(common, marker) > 0;
            }
            token = folder || past ? null : page.nextToken();
        } while (token != null);
        if (folder) {
            if (file != null) {
                hiddenKeys.warn(path.bucket() + "/" + key, "s3://" + path.bucket() + "/" + key
                        + " is hidden: a folder of the same name shadows it");
            }
            ListPage markerPage = store.listPage(path.bucket(), marker, null, 1);
            Optional<ObjectInfo> markerObject = markerPage.objects().stream().filter(o -> o.key().equals(marker)).findFirst();
            return Optional.of(markerObject.map(m -> folderNodeFromMarker(path, m)).orElseGet(() -> knownFolder(path)));
        }
        if (file == null) {
            return Optional.empty();
        }
        if (metadataByVersion.getIfPresent(versionKey(path.bucket(), file)) != null) {
            return Optional.of(nodeOf(path, file));
        }
        return store.head(path.bucket(), key).map(info -> nodeOf(path, info));
    }

    /** Order of code points, which is the UTF-8 byte order S3 lists keys in (UTF-16 order differs past U+FFFF). */
    static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    private Folder fetchFolder(FsPath path) {
        long fetched = ticker.read();
        if (path.isRoot()) {
            TreeMap<String, Node> entries = new TreeMap<>();
            for (String bucket : store.listBuckets()) {
                entries.put(bucket, folderNode(FsPath.ROOT.child(bucket), mountTime));
            }
            return new Folder(entries, true, fetched, true, Set.of());
        }
        Listing listing = store.list(path.bucket(), path.childPrefix());
        return folderOf(path, listing.objects(), listing.commonPrefixes(), fetched, true);
    }

    /** The first page of a folder's listing: complete when the folder fits in one page. */
    private Folder fetchFirstPage(FsPath path) {
        long fetched = ticker.read();
        ListPage page = store.listPage(path.bucket(), path.childPrefix(), null, Listings.PAGE_SIZE);
        return folderOf(path, page.objects(), page.commonPrefixes(), fetched, page.nextToken() == null);
    }

    private Folder folderOf(FsPath path, List<ObjectInfo> objects, List<String> commonPrefixes, long fetched, boolean complete) {
        TreeMap<String, Node> entries = new TreeMap<>();
        Set<String> metadataUnknown = new HashSet<>();
        String prefix = path.childPrefix();
        boolean hasMarker = false;
        for (String common : commonPrefixes) {
            String name = common.substring(prefix.length(), common.length() - 1);
            if (representable(path, common, name)) {
                entries.put(name, knownFolder(path.child(name)));
            }
        }
        for (ObjectInfo object : objects) {
            if (object.key().equals(prefix)) {
                hasMarker = true;
                continue;
            }
            String name = object.key().substring(prefix.length());
            if (!representable(path, object.key(), name)) {
                continue;
            }
            if (entries.containsKey(name)) {
                hiddenKeys.warn(path.bucket() + "/" + object.key(), "s3://" + path.bucket() + "/" + object.key()
                        + " is hidden: a folder of the same name shadows it");
                continue;
            }
            entries.put(name, nodeOf(path.child(name), object));
            if (metadataByVersion.getIfPresent(versionKey(path.bucket(), object)) == null) {
                metadataUnknown.add(name);
            }
        }
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            if (!(headUnknown && metadataUnknown.contains(entry.getKey()))) {
                nodes.put(path.child(entry.getKey()), Optional.of(entry.getValue()));
            }
        }
        return new Folder(entries, hasMarker, fetched, complete, metadataUnknown);
    }

    private boolean representable(FsPath folder, String key, String name) {
        String why = KeyNames.whyUnrepresentable(name);
        if (why != null) {
            hiddenKeys.warn(folder.bucket() + "/" + key, "s3://" + folder.bucket() + "/" + key + " is hidden: " + why);
            return false;
        }
        return true;
    }

    /** Drops every cached node and listing, e.g. after the endpoint came back from a restart. */
    public void clear() {
        nodes.invalidateAll();
        folders.invalidateAll();
    }
}
