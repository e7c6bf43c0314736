package dev.jutp.cli;

/** A bad command line: utpcat prints the message and the usage, and exits with status 2. */
final class UsageException extends Exception {
    UsageException(String message) {
        super(message);
    }
}
