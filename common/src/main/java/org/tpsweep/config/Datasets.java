package org.tpsweep.config;

import java.util.List;

/** The dataset names a run may name, and what each means for the files read and the layers trained. */
public final class Datasets {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    /** MNIST where only the first hidden layer's forward weights train ([M]'s Frozen-MNIST; ALGORITHMS.md §2). */
    public static final String FROZEN_MNIST = "frozen-mnist";
    private static final List<String> ALL = List.of(MNIST, FASHION_MNIST, FROZEN_MNIST);

    private Datasets() {
    }

    /** Every dataset name. */
    public static List<String> all() {
        return ALL;
    }

    /** The dataset whose files and normalisation {@code name} uses (frozen-mnist reads MNIST). */
    public static String files(String name) {
        return FROZEN_MNIST.equals(name) ? MNIST : name;
    }

    /** True when only W_1 and b_1 train on {@code name} (the other layers' gradients are still computed). */
    public static boolean onlyFirstLayerTrains(String name) {
        return FROZEN_MNIST.equals(name);
    }

    /** Throws a {@link ConfigException} naming the allowed datasets when {@code name} is not one. */
    public static void require(String name) {
        if (!ALL.contains(name)) {
            throw new ConfigException("unknown dataset '" + name + "'; allowed: " + ALL);
        }
    }
}
