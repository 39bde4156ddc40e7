/** The standard files handlers: ranged reads, writes staged in local files and uploaded on close. */
module io.localstackmount.plugin.files {
    requires io.localstackmount.api;

    provides io.localstackmount.api.FilesProvider with io.localstackmount.plugin.files.StandardFilesProvider;
}
