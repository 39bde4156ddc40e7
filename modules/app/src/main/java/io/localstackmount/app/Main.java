package io.localstackmount.app;

import java.util.List;

/** Entry point: sets up logging, parses the command line, runs the mount. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        CliOptions options;
        try {
            options = CliParser.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            System.err.println("localstackmount: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(CliParser.USAGE);
            return;
        }
        Logging.configure(options.debug());
        int code;
        try {
            code = new MountCommand(options).run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 130;
        } catch (RuntimeException e) {
            System.err.println("localstackmount: " + e.getMessage());
            org.slf4j.LoggerFactory.getLogger(Main.class).debug("stack trace", e);
            code = 1;
        }
        System.exit(code);
    }
}
