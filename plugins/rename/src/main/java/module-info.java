/** The standard rename handlers: server-side copy and delete, for files and for bounded folder trees. */
module io.localstackmount.plugin.rename {
    requires io.localstackmount.api;

    provides io.localstackmount.api.RenameProvider with io.localstackmount.plugin.rename.StandardRenameProvider;
}
