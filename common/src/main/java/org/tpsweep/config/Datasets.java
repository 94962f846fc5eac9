package org.tpsweep.config;

import java.util.List;

/** The dataset names a run may name. */
public final class Datasets {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    private static final List<String> ALL = List.of(MNIST, FASHION_MNIST);

    private Datasets() {
    }

    /** Every dataset name. */
    public static List<String> all() {
        return ALL;
    }

    /** Throws a {@link ConfigException} naming the allowed datasets when {@code name} is not one. */
    public static void require(String name) {
        if (!ALL.contains(name)) {
            throw new ConfigException("unknown dataset '" + name + "'; allowed: " + ALL);
        }
    }
}
