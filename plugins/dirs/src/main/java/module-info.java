/** The standard dirs handlers: folders are key prefixes and marker objects; buckets at the root. */
module io.localstackmount.plugin.dirs {
    requires io.localstackmount.api;

    provides io.localstackmount.api.DirsProvider with io.localstackmount.plugin.dirs.StandardDirsProvider;
}
