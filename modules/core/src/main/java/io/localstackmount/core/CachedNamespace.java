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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mount shows: paths to nodes and folder listings over an {@link ObjectStore}, with two
 * Caffeine caches, {@code nodes} (path to node, or to "absent" for the negative cache) and
 * {@code folders} (path to its listing), and the metadata of objects by version ({@link KnownMetadata}).
 * Core's {@link CoreStorage} tells it of every change the mount makes, and {@link ObservedSource}
 * of every version a read saw; nothing else changes it.
 *
 * <p>Mapping rules: a folder is a key prefix ({@code dir/...}) or a marker object {@code dir/}; a
 * folder shadows an object of the same name; listed names that cannot be path segments are hidden
 * (see {@link KeyNames}), each with one warning. Unsaved files of open handles are overlaid on
 * what S3 says, so a file being written is visible with its local size.
 *
 * <p>Freshness (docs/CACHING.md): {@link #list} asks S3 every time, so the next {@code ls} shows
 * what another client created or removed. Lookups of names are answered from the node cache or the
 * folder's last listing for {@code ttl}; a name absent from an older listing is asked of S3 alone.
 *
 * <p>Attributes: listings carry no user metadata. An entry whose version's metadata is not known
 * gets it with a HEAD the first time it is looked up, together with every other such entry of its
 * listing ({@link HeadBatch}), so {@code ls -l} of a folder costs its listing plus one HEAD per
 * unknown entry, sent in parallel, and {@code find} costs listings only. What is learnt is kept by
 * version, on disk across mounts when a journal is configured.
 */
public final class CachedNamespace implements Namespace {
    private static final Logger LOG = LoggerFactory.getLogger(CachedNamespace.class);
    /**
     * Page size of a lookup's LIST of one name: only siblings that continue the name with a
     * character below '/' ({@code name.txt}, {@code name-2}) come before the answer, each counted
     * once however much is below it; 100 of them is already unusual.
     */
    private static final int LOOKUP_PAGE = 100;
    /**
     * HEADs in flight for one listing: enough to hide the round trip on loopback and nearby S3
     * (1,000 entries in well under a second), leaving most of the store's 64 connections to others.
     */
    static final int HEAD_LANES = 16;

    private final ObjectStore store;
    private final OpenFiles openFiles;
    private final boolean headUnknown;
    private final MountOptions options;
    private final Clock clock;
    private final Instant mountTime;
    private final Ticker ticker;
    private final Executor headExecutor;
    private final long ttlNanos;
    private final long negativeNanos;
    private final Cache<FsPath, Optional<Node>> nodes;
    private final Cache<FsPath, Folder> folders;
    private final KnownMetadata metadata;
    private final WarnOnce hiddenKeys = new WarnOnce(LOG);

    /**
     * A folder's listing: entries by name, whether its marker exists, when it was fetched, whether
     * it is complete, the names whose metadata is not known, with the batch that learns it, and
     * whether this mount made the folder itself (mkdir), so that nobody else knows of it yet. An incomplete one is the first
     * page of a large folder, fetched for a lookup: it fills the node cache but answers nothing about
     * names it does not hold.
     */
    private record Folder(TreeMap<String, Node> entries, boolean hasMarker, long fetchedNanos, boolean complete,
                          Set<String> metadataUnknown, HeadBatch heads, boolean madeHere) {
        Folder with(String name, Node node) {
            TreeMap<String, Node> copy = new TreeMap<>(entries);
            copy.put(name, node);
            return new Folder(copy, hasMarker, fetchedNanos, complete, metadataUnknown, heads, madeHere);
        }

        Folder without(String name) {
            TreeMap<String, Node> copy = new TreeMap<>(entries);
            copy.remove(name);
            return new Folder(copy, hasMarker, fetchedNanos, complete, metadataUnknown, heads, madeHere);
        }

        Folder withMarker() {
            return new Folder(entries, true, fetchedNanos, complete, metadataUnknown, heads, madeHere);
        }
    }

    /**
     * @param journal      where metadata learnt outlives the mount, or null
     * @param headExecutor runs the HEADs of {@link HeadBatch}es
     */
    public CachedNamespace(ObjectStore store, OpenFiles openFiles, FsConfig config, Clock clock, Ticker ticker,
                           MetadataJournal journal, Executor headExecutor) {
        this.store = store;
        this.openFiles = openFiles;
        this.options = config.options();
        this.headUnknown = config.headUnknown();
        this.clock = clock;
        this.mountTime = clock.instant();
        this.ticker = ticker;
        this.headExecutor = headExecutor;
        this.metadata = new KnownMetadata(config.cacheEntries(), journal);
        long ttl = config.metadataTtl().toNanos();
        this.ttlNanos = ttl;
        long negativeNanos = config.negativeTtl().toNanos();
        this.negativeNanos = negativeNanos;
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
    }

    // ---- Namespace: what handlers ask -------------------------------------------------------------

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
            String name = path.name();
            if (parent.entries().containsKey(name)) {
                if (headUnknown && parent.metadataUnknown().contains(name)) {
                    // Fills the node cache. A folder asks for its marker alone: find looks up every
                    // folder it descends into, and a file lookup (ls -l) starts the batch anyway.
                    if (parent.entries().get(name).isDirectory()) {
                        parent.heads().awaitAlone(name);
                    } else {
                        parent.heads().await(name);
                    }
                    Optional<Node> learnt = nodes.getIfPresent(path);
                    if (learnt == null) {
                        // Evicted since (a full cache): ask again for this name alone.
                        learnt = path.isBucket() ? fetchBucket(path) : fetchObjectPath(path);
                        nodes.put(path, learnt);
                    }
                    return learnt;
                }
                Optional<Node> fromListing = Optional.of(parent.entries().get(name));
                cacheFromListing(path, fromListing, parent.fetchedNanos(), false);
                return fromListing;
            }
            if (listedNow || parent.madeHere()) {
                // Listed just now; or a folder this mount made a moment ago (tar and cp -r mkdir
                // each folder, then look up every name before creating it): the listing answers,
                // for no longer than it is trusted itself. A folder that existed before may hold
                // what another client wrote since (the code under test), so it is asked below.
                cacheFromListing(path, Optional.empty(), parent.fetchedNanos(), false);
                return Optional.empty();
            }
            // Absent from an older listing: another client (the test run, aws-cli) may have
            // written it since, so ask for this name alone; the answer is then
            // cached like any other.
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
        Folder before = folders.getIfPresent(path);
        Folder folder = fetchFolder(path);
        if (path.isObject() && folder.entries().isEmpty() && !folder.hasMarker()) {
            // Nothing below the prefix: an empty folder only if the path is one (an s3fs folder stored
            // without the slash, or one whose last key another client just removed); else not a folder.
            Node node = lookup(path);
            if (!node.isDirectory()) {
                throw new FsException(Errno.ENOTDIR, path + " is not a folder");
            }
        }
        folders.put(path, folder);
        if (before != null) {
            // Names another client removed since: forget them now rather than after the TTL.
            for (String gone : before.entries().keySet()) {
                if (!folder.entries().containsKey(gone)) {
                    nodes.invalidate(path.child(gone));
                }
            }
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
        boolean openChildren = openFiles.openIn(path).stream().anyMatch(f -> f.unsavedNode().isPresent());
        if (path.isRoot()) {
            return new FolderState(false, true);
        }
        // Asked of S3 every time: rmdir and rename over a folder must not trust a listing another
        // client may have outdated.
        String prefix = path.childPrefix();
        ListPage page = store.listPage(path.bucket(), prefix, null, 2);
        boolean hasMarker = page.objects().stream().anyMatch(o -> o.key().equals(prefix));
        boolean hasOthers = !page.commonPrefixes().isEmpty()
                || page.objects().stream().anyMatch(o -> !o.key().equals(prefix));
        return new FolderState(!hasOthers && !openChildren, hasMarker || path.isBucket());
    }

    @Override
    public Node nodeOf(FsPath path, ObjectInfo object) {
        Map<String, String> meta = object.metadata();
        if (meta == null) {
            meta = metadata.of(path.bucket(), object).orElse(null);
        } else {
            metadata.learnt(path.bucket(), object);
        }
        return nodeOf(path, object, meta);
    }

    /**
     * True when {@code node}, as shown for {@code path}, carries what S3 stores for it: false for a
     * listed entry whose metadata was never seen (it shows the mount's defaults; metadata.head-unknown
     * off). Buckets, the root and unsaved files have no stored attributes to differ from.
     */
    boolean attributesKnown(FsPath path, Node node) {
        if (!path.isObject()) {
            return true;
        }
        if (node.isDirectory()) {
            return metadata.marker(path.bucket(), path.markerKey()) != null;
        }
        return node.etag() == null
                || metadata.of(path.bucket(), new ObjectInfo(path.key(), node.size(), null, node.etag(), null, null)).isPresent();
    }

    /** The node the mount shows for the root and for folders with no stored attributes. */
    Node folderNode(FsPath path, Instant mtime) {
        return new Node(path.name(), NodeType.DIRECTORY, 0, mtime, options.folderMode(), options.uid(), options.gid(), null);
    }

    // ---- What core tells it -----------------------------------------------------------------------

    /** A write of this mount stored {@code object} at {@code path} with {@code written} as its user metadata. */
    Node stored(FsPath path, ObjectInfo object, Map<String, String> written) {
        metadata.wrote(path.bucket(), object.key(), object.etag(), object.size(), written);
        Node node = nodeOf(path, object, written);
        created(path, node);
        return node;
    }

    /** This mount wrote {@code folder}'s marker with {@code written} as its metadata. */
    Node storedMarker(FsPath folder, ObjectInfo marker, Map<String, String> written) {
        metadata.wrote(folder.bucket(), folder.markerKey(), marker.etag(), marker.size(), written);
        Node node = folderNodeOf(folder, marker.etag(), written, marker.lastModified());
        folders.asMap().computeIfPresent(folder, (p, f) -> f.withMarker());
        created(folder, node);
        return node;
    }

    /** This mount made {@code folder} (mkdir of a free name): its listing is known, empty, for the TTL. */
    void madeEmpty(FsPath folder) {
        folders.put(folder, new Folder(new TreeMap<>(), true, ticker.read(), true, Set.of(), null, true));
    }

    /** A local change made {@code path} exist as {@code node}: remember it and patch the parent's listing. */
    void created(FsPath path, Node node) {
        nodes.put(path, Optional.of(node));
        folders.asMap().computeIfPresent(path.parent(), (p, folder) -> folder.with(path.name(), node));
    }

    /** A local change removed {@code path}: remember its absence and patch the parent's listing. */
    void removed(FsPath path) {
        nodes.put(path, Optional.empty());
        forgetBelow(path);
        folders.asMap().computeIfPresent(path.parent(), (p, folder) -> folder.without(path.name()));
    }

    /** Forgets what is cached about {@code path}, everything below it and its parent's listing. */
    void invalidate(FsPath path) {
        nodes.invalidate(path);
        forgetBelow(path);
        folders.invalidate(path.parent());
        nodes.invalidate(path.parent());
    }

    /**
     * A read saw {@code object} at {@code path} (a HEAD or a GET): learn its metadata, and when it
     * is another version than the node shown, show this one.
     */
    void observed(FsPath path, ObjectInfo object) {
        if (object.metadata() != null) {
            metadata.learnt(path.bucket(), object);
        }
        Optional<Node> shown = nodes.getIfPresent(path);
        if (shown != null && shown.isPresent() && !shown.get().isDirectory()
                && (!object.etag().equals(shown.get().etag()) || object.size() != shown.get().size())) {
            created(path, nodeOf(path, object));
        }
    }

    /** A read found nothing at {@code path}: another client removed it. */
    void observedMissing(FsPath path) {
        Optional<Node> shown = nodes.getIfPresent(path);
        if (shown != null && shown.isPresent() && !shown.get().isDirectory()) {
            removed(path);
        }
    }

    /**
     * A server-side copy of this mount stored {@code copy} (an object or a folder marker): its
     * metadata, as the answer reports it, is what the key holds now, whatever was known of an earlier
     * object or marker there (a marker's record is not checked by version).
     */
    void copied(String bucket, ObjectInfo copy) {
        if (!copy.metadataKnown()) {
            metadata.forget(bucket, copy.key());
        } else if (copy.key().endsWith("/")) {
            metadata.learntMarker(bucket, copy);
        } else {
            metadata.learnt(bucket, copy);
        }
    }

    /** This mount deleted {@code folder}'s marker: should the folder show again, it has an implicit folder's attributes. */
    void markerDeleted(FsPath folder) {
        metadata.noMarker(folder.bucket(), folder.markerKey());
    }

    /**
     * Keeps {@code folder} in existence after a removal inside it: S3 has no folders, so when the
     * last key below an implicit folder goes, this writes its marker, as a local disk would keep it.
     */
    void keepFolder(FsPath folder) {
        if (!folder.isObject()) {
            return;
        }
        FolderState state = folderState(folder);
        if (state.empty() && !state.hasMarker()) {
            Node node = find(folder).filter(Node::isDirectory).orElseGet(() -> folderNode(folder, clock.instant()));
            Map<String, String> meta = PosixMetadata.of(Map.of(), NodeType.DIRECTORY, node.mode(), node.uid(), node.gid(), node.mtime());
            ObjectInfo marker = store.put(folder.bucket(), folder.markerKey(), new byte[0], meta, "application/x-directory");
            LOG.debug("wrote marker {} so that the emptied folder stays", marker.key());
            storedMarker(folder, marker, meta);
        }
    }

    /** Drops every cached node, listing and metadata record of this mount, e.g. after the endpoint came back from a restart. */
    public void clear() {
        nodes.invalidateAll();
        folders.invalidateAll();
        metadata.clear();
    }

    // ---- Internals --------------------------------------------------------------------------------

    private void forgetBelow(FsPath path) {
        folders.invalidate(path);
        nodes.asMap().keySet().removeIf(p -> !p.equals(path) && path.contains(p));
        folders.asMap().keySet().removeIf(path::contains);
    }

    private Node nodeOf(FsPath path, ObjectInfo object, Map<String, String> meta) {
        NodeType type = PosixMetadata.type(meta, NodeType.FILE);
        if (type == NodeType.DIRECTORY) {
            // s3fs also writes a folder as an object without the slash whose mode says S_IFDIR.
            return folderNodeOf(path, object.etag(), meta, object.lastModified());
        }
        int mode = PosixMetadata.mode(meta);
        int uid = PosixMetadata.uid(meta);
        int gid = PosixMetadata.gid(meta);
        Instant mtime = PosixMetadata.mtime(meta);
        return new Node(path.name(), type, object.size(),
                mtime != null ? mtime : object.lastModified(),
                mode >= 0 ? mode & 07777 : (type == NodeType.SYMLINK ? 0777 : options.fileMode()),
                uid >= 0 ? uid : options.uid(), gid >= 0 ? gid : options.gid(), object.etag());
    }

    /** A folder's node from its marker's metadata ({@code meta} null or empty: the defaults). */
    private Node folderNodeOf(FsPath path, String etag, Map<String, String> meta, Instant markerModified) {
        int mode = PosixMetadata.mode(meta);
        int uid = PosixMetadata.uid(meta);
        int gid = PosixMetadata.gid(meta);
        Instant mtime = PosixMetadata.mtime(meta);
        return new Node(path.name(), NodeType.DIRECTORY, 0,
                mtime != null ? mtime : markerModified != null ? markerModified : mountTime,
                mode >= 0 ? mode & 07777 : options.folderMode(),
                uid >= 0 ? uid : options.uid(), gid >= 0 ? gid : options.gid(),
                etag == null || etag.equals(KnownMetadata.NO_MARKER) ? null : etag);
    }

    /** A listed sub-folder's node: its marker's attributes when known (see {@link KnownMetadata}). */
    private Node listedFolder(FsPath path) {
        MetadataJournal.Entry marker = metadata.marker(path.bucket(), path.markerKey());
        return marker == null ? folderNode(path, mountTime)
                : folderNodeOf(path, marker.etag(), marker.metadata(), marker.lastModified());
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
     * LIST. A folder costs one more LIST of {@code key/} for its marker, and a file whose metadata
     * is unknown for its version a HEAD (listings carry no user metadata).
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
            if (markerObject.isEmpty()) {
                return Optional.of(listedFolder(path));
            }
            return Optional.of(markerNode(path, markerObject.get()));
        }
        if (file == null) {
            return Optional.empty();
        }
        Optional<Map<String, String>> known = metadata.of(path.bucket(), file);
        if (known.isPresent()) {
            return Optional.of(nodeOf(path, file, known.get()));
        }
        return store.head(path.bucket(), key).map(info -> nodeOf(path, info));
    }

    /** The node of a folder whose marker {@code marker} a listing showed (no metadata): by version, else a HEAD. */
    private Node markerNode(FsPath path, ObjectInfo marker) {
        Optional<Map<String, String>> known = metadata.of(path.bucket(), marker);
        if (known.isPresent()) {
            return folderNodeOf(path, marker.etag(), known.get(), marker.lastModified());
        }
        Optional<ObjectInfo> head = store.head(path.bucket(), marker.key());
        if (head.isEmpty()) {
            return folderNode(path, mountTime);
        }
        metadata.learntMarker(path.bucket(), head.get());
        return folderNodeOf(path, head.get().etag(), head.get().metadata(), head.get().lastModified());
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
            return new Folder(entries, true, fetched, true, Set.of(), null, false);
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
        Set<String> unknown = new TreeSet<>();
        Map<String, ObjectInfo> listed = new TreeMap<>();
        String prefix = path.childPrefix();
        boolean hasMarker = false;
        for (String common : commonPrefixes) {
            String name = common.substring(prefix.length(), common.length() - 1);
            if (representable(path, common, name)) {
                FsPath child = path.child(name);
                entries.put(name, listedFolder(child));
                if (metadata.marker(path.bucket(), child.markerKey()) == null) {
                    unknown.add(name);
                }
            }
        }
        for (ObjectInfo object : objects) {
            if (object.key().equals(prefix)) {
                hasMarker = true;
                metadata.listedMarker(path.bucket(), object);
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
            Optional<Map<String, String>> known = metadata.of(path.bucket(), object);
            entries.put(name, nodeOf(path.child(name), object, known.orElse(null)));
            listed.put(name, object);
            if (known.isEmpty()) {
                unknown.add(name);
            }
        }
        if (complete && !hasMarker && path.isObject()) {
            metadata.listedWithoutMarker(path.bucket(), path.markerKey());
        }
        for (Map.Entry<String, Node> entry : entries.entrySet()) {
            FsPath child = path.child(entry.getKey());
            if (headUnknown && unknown.contains(entry.getKey())) {
                nodes.invalidate(child); // the next lookup learns its attributes
            } else {
                nodes.put(child, Optional.of(entry.getValue()));
            }
        }
        HeadBatch heads = unknown.isEmpty() || !headUnknown ? null
                : new HeadBatch(List.copyOf(unknown), name -> learnEntry(path, name, listed.get(name), fetched), headExecutor,
                        HEAD_LANES);
        return new Folder(entries, hasMarker, fetched, complete, Set.copyOf(unknown), heads, false);
    }

    /**
     * One HEAD of a listed entry: of the object, or of the marker of a folder ({@code listed} null),
     * for the listing fetched at {@code listedNanos}. The answer may come late: it fills the node
     * cache only where nothing was put since the listing (a change this mount made, or a newer
     * listing's HEAD, knows better), and no longer than that listing is trusted, since what the name
     * is (a file not shadowed by a folder, a folder at all when it has no marker) is the listing's word.
     */
    private void learnEntry(FsPath folder, String name, ObjectInfo listed, long listedNanos) {
        FsPath child = folder.child(name);
        if (listed == null) {
            Optional<ObjectInfo> marker = store.head(child.bucket(), child.markerKey());
            if (marker.isPresent()) {
                metadata.learntMarker(child.bucket(), marker.get());
                cacheFromListing(child, Optional.of(folderNodeOf(child, marker.get().etag(), marker.get().metadata(),
                        marker.get().lastModified())), listedNanos, true);
            } else {
                metadata.noMarker(child.bucket(), child.markerKey());
                cacheFromListing(child, Optional.of(folderNode(child, mountTime)), listedNanos, true);
            }
            return;
        }
        Optional<ObjectInfo> head = store.head(child.bucket(), child.key());
        cacheFromListing(child, head.map(info -> nodeOf(child, info)), listedNanos, true);
    }

    /**
     * Caches what the listing fetched at {@code listedNanos} says of {@code path} for what is left of
     * that listing's TTL, not a full TTL from now (an absence no longer than the negative TTL
     * either): an answer derived from a listing never outlives it. With {@code ifAbsent}, only where
     * nothing is cached.
     */
    private void cacheFromListing(FsPath path, Optional<Node> node, long listedNanos, boolean ifAbsent) {
        long left = Math.min(ttlNanos - (ticker.read() - listedNanos), node.isPresent() ? Long.MAX_VALUE : negativeNanos);
        if (left <= 0) {
            return;
        }
        var expiry = nodes.policy().expireVariably().orElseThrow();
        if (ifAbsent) {
            expiry.putIfAbsent(path, node, left, TimeUnit.NANOSECONDS);
        } else {
            expiry.put(path, node, left, TimeUnit.NANOSECONDS);
        }
    }

    private boolean representable(FsPath folder, String key, String name) {
        String why = KeyNames.whyUnrepresentable(name);
        if (why != null) {
            hiddenKeys.warn(folder.bucket() + "/" + key, "s3://" + folder.bucket() + "/" + key + " is hidden: " + why);
            return false;
        }
        return true;
    }
}
