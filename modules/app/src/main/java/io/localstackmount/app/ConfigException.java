package io.localstackmount.app;

/** A configuration mistake, with a message for the user that names the key and where it was set. */
final class ConfigException extends IllegalArgumentException {

    ConfigException(String message) {
        super(message);
    }

    ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
