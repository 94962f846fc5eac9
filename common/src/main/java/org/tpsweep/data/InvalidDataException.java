package org.tpsweep.data;

/** A bad data file (wrong format, truncated, inconsistent): the message names the file and the problem. */
public class InvalidDataException extends RuntimeException {
    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
