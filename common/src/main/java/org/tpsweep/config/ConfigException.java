package org.tpsweep.config;

/** Bad user input (spec, hyperparameter, dataset, path): the message names the bad value and what is allowed. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
