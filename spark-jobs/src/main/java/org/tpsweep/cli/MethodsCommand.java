package org.tpsweep.cli;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.tpsweep.config.Conventions;
import org.tpsweep.config.MethodDescriptor;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code tp-sweep methods}: every method with each hyperparameter, its default, allowed values and meaning. The
 * default shown is the effective one: for a method whose default conventions are [F]'s, the convention keys show
 * [F]'s values ({@link Conventions#withDefaults}).
 */
@Command(name = "methods", mixinStandardHelpOptions = true,
        description = "List every method with its hyperparameters: key, default, allowed values, description.")
public final class MethodsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        for (MethodDescriptor m : Methods.all()) {
            out.println(m.name() + " — " + m.description());
            int kw = "key".length();
            int dw = "default".length();
            int aw = "allowed".length();
            Map<String, Object> effective = Conventions.withDefaults(m, Map.of());
            for (ParamDef p : m.params()) {
                kw = Math.max(kw, p.key().length());
                dw = Math.max(dw, String.valueOf(effective.getOrDefault(p.key(), p.defaultValue())).length());
                aw = Math.max(aw, p.allowed().length());
            }
            String fmt = "  %-" + kw + "s  %-" + dw + "s  %-" + aw + "s  %s%n";
            out.printf(fmt, "key", "default", "allowed", "description");
            for (ParamDef p : m.params()) {
                out.printf(fmt, p.key(), effective.getOrDefault(p.key(), p.defaultValue()), p.allowed(),
                        p.description());
            }
            out.println();
        }
        out.flush();
        return 0;
    }
}
