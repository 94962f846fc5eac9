package org.tpsweep.config;

import java.util.List;

/** The dataset names a run may name, and what each means for the files read and the layers trained. */
public final class Datasets {
    public static final String MNIST = "mnist";
    public static final String FASHION_MNIST = "fashion-mnist";
    /** MNIST where only the first hidden layer's forward weights train ([M]'s Frozen-MNIST; ALGORITHMS.md §2). */
    public static final String FROZEN_MNIST = "frozen-mnist";
    /** [M]'s synthetic student–teacher regression (ALGORITHMS.md §5), MSE loss, generated in memory. */
    public static final String STUDENT_TEACHER = "student-teacher";
    /** CIFAR-10, binary version: 32×32 RGB images (3072 inputs), 10 classes, 50000 training and 10000 test images. */
    public static final String CIFAR10 = "cifar10";
    /** CIFAR-100, binary version, with its 100 fine labels: 3072 inputs, 50000 training and 10000 test images. */
    public static final String CIFAR100 = "cifar100";
    private static final List<String> ALL = List.of(MNIST, FASHION_MNIST, FROZEN_MNIST, STUDENT_TEACHER, CIFAR10,
            CIFAR100);

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

    /** True for generated data sets (no files to fetch or read). */
    public static boolean isSynthetic(String name) {
        return STUDENT_TEACHER.equals(name);
    }

    /** True for the regression set, trained and evaluated with the mean squared error. */
    public static boolean isRegression(String name) {
        return STUDENT_TEACHER.equals(name);
    }

    /**
     * Samples in the dataset's official training file: 60000 (MNIST, Fashion-MNIST), 50000 (CIFAR-10/100); 0 for
     * the generated student–teacher set, whose size is its own setting.
     */
    public static int trainingFileSize(String name) {
        return switch (files(name)) {
            case MNIST, FASHION_MNIST -> 60000;
            case CIFAR10, CIFAR100 -> 50000;
            default -> 0;
        };
    }

    /** Training samples held out for validation: 5000 for the image sets ([M]), 1000 for student–teacher. */
    public static int validationSize(String name) {
        return STUDENT_TEACHER.equals(name) ? 1000 : 5000;
    }

    /**
     * The early-stop rule's threshold (ALGORITHMS.md §2 step 4): a run stops when an epoch from the 6th on has a
     * mean training accuracy below it; 0.4 for MNIST and Fashion-MNIST, 0.25 for CIFAR-10 ([M]). [M] gives none
     * for CIFAR-100, so there it is 0 and the rule never stops a run.
     */
    public static double earlyStopAccuracy(String name) {
        return switch (name) {
            case CIFAR10 -> 0.25;
            case CIFAR100 -> 0.0;
            default -> 0.4;
        };
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
