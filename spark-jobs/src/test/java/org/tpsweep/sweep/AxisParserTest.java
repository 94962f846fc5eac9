package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tpsweep.config.ConfigException;
import org.tpsweep.config.Methods;
import org.tpsweep.config.ParamDef;

/** The value syntax of a spec: fixed values, lists, and the axis functions. */
class AxisParserTest {

    static final ParamDef LR = Methods.get("bp").byKey().get("lr");
    static final ParamDef EPOCHS = Methods.get("bp").byKey().get("epochs");
    static final ParamDef PRECISION = Methods.get("bp").byKey().get("precision");
    static final ParamDef DAMPING = Methods.get("bp").byKey().get("gnt_damping");

    static Object parse(Object raw, ParamDef def) {
        return AxisParser.parse(raw, def, "spec.yaml: methods.bp." + def.key());
    }

    @Test
    void fixedValuesPassThrough() {
        Double v = 0.1;
        assertSame(v, parse(v, LR));
        assertEquals("float32", parse("float32", PRECISION));
        List<Object> damping = List.of(1, 1, "1e-4");
        assertSame(damping, parse(damping, DAMPING), "a list is the value of a list-valued key");
    }

    @Test
    void axisForms() {
        assertEquals(new Axis.Grid(List.of(0.1, 0.2)), parse(List.of(0.1, 0.2), LR));
        assertEquals(new Axis.Grid(List.of(0.1, 0.2)), parse("grid([0.1, 0.2])", LR));
        assertEquals(new Axis.Choice(List.of("float32", "float64")), parse("choice([float32, float64])", PRECISION));
        assertEquals(new Axis.Uniform(0.5, 2), parse("uniform(0.5, 2)", LR));
        assertEquals(new Axis.LogUniform(1e-5, 1e-3), parse(" log_uniform( 1e-5 ,1.0e-3 ) ", LR));
        assertEquals(new Axis.Grid(List.of(List.of(1, 1), List.of(2, 2))), parse("grid([[1, 1], [2, 2]])", DAMPING));
        assertTrue(((Axis) parse("choice([1, 2])", EPOCHS)).random());
        assertTrue(!((Axis) parse(List.of(1, 2), EPOCHS) instanceof Axis.RandomAxis));
    }

    @Test
    void wholeNumberDrawsAreRounded() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 200; i++) {
            Object v = new Axis.LogUniform(1, 10).draw(r, EPOCHS);
            assertTrue(v instanceof Integer n && n >= 1 && n <= 10, String.valueOf(v));
            Object u = new Axis.Uniform(1, 10).draw(r, LR);
            assertTrue(u instanceof Double d && d >= 1 && d < 10, String.valueOf(u));
        }
    }

    @Test
    void malformedFormsNameTheKeyTheValueAndWhatIsAllowed() {
        record Case(Object raw, ParamDef def, String needle) {
        }
        List<Case> cases = List.of(
                new Case(List.of(), LR, "is an empty axis"),
                new Case("grid([])", LR, "is an empty axis"),
                new Case("choice([])", LR, "is an empty axis"),
                new Case("grid([])", DAMPING, "is an empty axis"),
                new Case("log_uniform(1)", LR, "takes two numbers"),
                new Case("log_uniform()", LR, "takes two numbers"),
                new Case("uniform(1, 2, 3)", LR, "takes two numbers"),
                new Case("uniform(1, 2", LR, "no closing parenthesis"),
                new Case("uniform(a, 2)", LR, "'a' is not a finite number"),
                new Case("uniform(.inf, 2)", LR, "not a finite number"),
                new Case("uniform(2, 1)", LR, "lo = 2 ≥ hi = 1"),
                new Case("log_uniform(1, 1)", LR, "lo = 1 ≥ hi = 1"),
                new Case("log_uniform(0, 1)", LR, "lo = 0 ≤ 0"),
                new Case("log_uniform(-1, 1)", LR, "lo = -1 ≤ 0"),
                new Case("loguniform(1, 2)", LR, "unknown axis function 'loguniform'"),
                new Case("choice(1)", LR, "takes one list"),
                new Case("grid([1, 2]", LR, "no closing parenthesis"),
                new Case("grid([1, [2]])", LR, "not a single value"),
                new Case("uniform(1, 2)", PRECISION, "is not numeric"),
                new Case("grid([1, 2])", DAMPING, "which is not a list"),
                new Case(List.of(List.of(1, 1), List.of(2, 2)), DAMPING, "grid([[...], [...]])"),
                new Case(java.util.Map.of("min", 1), LR, "is not allowed"));
        for (Case c : cases) {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(c.raw(), c.def()), String.valueOf(c.raw()));
            String m = e.getMessage();
            assertTrue(m.startsWith("spec.yaml: methods.bp." + c.def().key()), m);
            assertTrue(m.contains(c.needle()), c.raw() + ": " + m);
            assertTrue(m.contains("allowed"), m);
        }
    }
}
