package org.tpsweep.sweep;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.tpsweep.config.ConfigException;

/** Every bad axis, sample count and sensitivity block fails before any work, naming the key, the value and what is allowed. */
class SweepPlanBadInputTest {

    /** {@code spec} lines are joined with "\n"; each case's message must contain {@code needle} and {@code allowed}. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            empty list axis         | methods: {bp: {lr: []}}                                                  | methods.bp.lr = the list [] is an empty axis | allowed: at least one value
            empty choice            | methods: {bp: {lr: 'choice([])', samples: 2}}                            | methods.bp.lr = choice([]) is an empty axis  | allowed:
            empty grid              | methods: {bp: {lr: 'grid([])'}}                                          | grid([]) is an empty axis                    | allowed:
            empty defaults axis     | defaults: {epochs: []}\\nmethods: {bp: {}}                               | defaults.epochs = the list [] is an empty axis | allowed:
            lo above hi             | methods: {bp: {lr: 'uniform(0.1, 0.01)', samples: 2}}                    | lo = 0.1 ≥ hi = 0.01                         | lo < hi
            lo equals hi            | methods: {bp: {lr: 'log_uniform(0.1, 0.1)', samples: 2}}                 | lo = 0.1 ≥ hi = 0.1                          | lo < hi
            log lo zero             | methods: {bp: {lr: 'log_uniform(0, 0.1)', samples: 2}}                   | lo = 0 ≤ 0                                   | 0 < lo < hi
            malformed one argument  | methods: {bp: {lr: 'log_uniform(1)', samples: 2}}                        | methods.bp.lr = log_uniform(1) is malformed  | allowed:
            malformed parenthesis   | methods: {bp: {lr: 'uniform(1, 2', samples: 2}}                          | uniform(1, 2 is malformed                    | allowed:
            unknown function        | methods: {bp: {lr: 'normal(0, 1)', samples: 2}}                          | unknown axis function 'normal'               | allowed functions: [grid, choice, uniform, log_uniform]
            random on a word key    | methods: {bp: {precision: 'uniform(0, 1)', samples: 2}}                  | precision is not numeric                     | allowed for precision:
            grid value out of range | methods: {bp: {lr: [0.1, -1]}}                                           | lr = -1 is out of range                      | (0, ∞)
            grid value twice        | methods: {bp: {lr: [0.1, 0.1]}}                                          | lists 0.1 twice                              | distinct values
            choice value bad        | methods: {bp: {precision: 'choice([float32, float16])', samples: 2}}     | precision = float16 is not allowed           | one of [float64, float32]
            bounds out of range     | methods: {bp: {beta1: 'uniform(0.5, 2)', samples: 2}}                    | methods.bp.beta1 = uniform(0.5, 2.0) leaves the allowed range | [0, 1)
            int bounds out of range | methods: {bp: {epochs: 'uniform(0, 5)', samples: 2}}                     | leaves the allowed range of epochs           | [1, ∞]
            random without samples  | methods: {bp: {lr: 'log_uniform(1e-5, 1e-3)'}}                           | methods.bp has the random axis lr = log_uniform(1.0E-5, 0.001) but no 'samples' | samples: N
            defaults random no samples | defaults: {lr: 'log_uniform(1e-5, 1e-3)'}\\nmethods: {bp: {}}          | random axis defaults.lr                      | samples: N
            samples fractional      | methods: {bp: {lr: 'log_uniform(1e-5, 1e-3)', samples: 2.5}}             | methods.bp.samples = 2.5                     | a whole number ≥ 1
            samples zero            | samples: 0\\nmethods: {bp: {lr: 'log_uniform(1e-5, 1e-3)'}}              | samples = 0                                  | a whole number ≥ 1
            samples negative        | methods: {bp: {lr: 'log_uniform(1e-5, 1e-3)', samples: -3}}              | samples = -3                                 | a whole number ≥ 1
            samples a word          | methods: {bp: {lr: 'log_uniform(1e-5, 1e-3)', samples: many}}            | samples = many                               | a whole number ≥ 1
            samples without random  | methods: {bp: {lr: [0.1, 0.2], samples: 3}}                              | methods.bp.samples = 3 is not allowed: bp has no random axis | 'samples' only with random axes
            top samples unused      | samples: 3\\nmethods: {bp: {}}                                           | samples = 3 is not allowed                   | 'samples' only with random axes
            sampling seed negative  | sampling_seed: -1\\nmethods: {bp: {}}                                    | sampling_seed = -1                           | a non-negative whole number
            sensitivity unknown key | methods: {bp: {sensitivity: {params: [lr], samples: 5, sed: 1}}}        | methods.bp.sensitivity: unknown key 'sed'    | [params, samples, factors, seed, include_base]
            sensitivity not a map   | methods: {bp: {sensitivity: 5}}                                          | methods.bp.sensitivity = 5                   | allowed: a mapping
            sensitivity lacks key   | methods: {bp: {sensitivity: {params: [sigma], samples: 5}}}             | 'sigma' is not a hyperparameter of bp        | numeric hyperparameters [epochs
            sensitivity word key    | methods: {bp: {sensitivity: {params: [precision], samples: 5}}}         | 'precision' is not numeric                   | numeric hyperparameters
            sensitivity list key    | methods: {bp: {sensitivity: {params: [gnt_damping], samples: 5}}}       | 'gnt_damping' is not numeric                 | numeric hyperparameters
            sensitivity no params   | methods: {bp: {sensitivity: {samples: 5}}}                               | 'params' is missing                          | numeric hyperparameters
            sensitivity empty params | methods: {bp: {sensitivity: {params: [], samples: 5}}}                  | params = []                                  | a non-empty list
            sensitivity twice       | methods: {bp: {sensitivity: {params: [lr, lr], samples: 5}}}            | lists 'lr' twice                             | allowed: each hyperparameter once
            sensitivity no samples  | methods: {bp: {sensitivity: {params: [lr]}}}                             | 'samples' is missing                         | a whole number ≥ 1
            sensitivity samples 0   | methods: {bp: {sensitivity: {params: [lr], samples: 0}}}                 | sensitivity.samples = 0                      | a whole number ≥ 1
            sensitivity samples 1.5 | methods: {bp: {sensitivity: {params: [lr], samples: 1.5}}}               | sensitivity.samples = 1.5                    | a whole number ≥ 1
            factor zero             | methods: {bp: {sensitivity: {params: [lr], samples: 5, factors: [0, 5]}}}     | has the factor 0                        | 0 < f_lo < f_hi
            factor negative         | methods: {bp: {sensitivity: {params: [lr], samples: 5, factors: [-1, 5]}}}    | has the factor -1                       | 0 < f_lo < f_hi
            factors reversed        | methods: {bp: {sensitivity: {params: [lr], samples: 5, factors: [5, 0.2]}}}   | f_lo = 5 ≥ f_hi = 0.2                   | 0 < f_lo < f_hi
            factors equal           | methods: {bp: {sensitivity: {params: [lr], samples: 5, factors: [1, 1]}}}     | f_lo = 1 ≥ f_hi = 1                     | 0 < f_lo < f_hi
            factors one number      | methods: {bp: {sensitivity: {params: [lr], samples: 5, factors: [0.2]}}}      | factors = [0.2]                         | two numbers
            sensitivity seed bad    | methods: {bp: {sensitivity: {params: [lr], samples: 5, seed: x}}}             | sensitivity.seed = x                    | a non-negative whole number
            include_base not a flag | methods: {bp: {sensitivity: {params: [lr], samples: 5, include_base: 2}}}     | include_base = 2                        | true or false
            sensitivity base zero   | methods: {bp: {sensitivity: {params: [forward_wd], samples: 5}}}              | forward_wd has the base value 0.0       | base value > 0
            sensitivity range       | methods: {bp: {sensitivity: {params: [beta1], samples: 5}}}                   | methods.bp.sensitivity: beta1 sampled in | [0, 1)
            list of lists value     | methods: {bp: {gnt_damping: [[1, 1], [2, 2]]}}                           | methods.bp.gnt_damping = [[1, 1], [2, 2]] is not allowed | grid([[...], [...]])
            plan too large          | samples: 600000\\nmethods: {bp: {lr: 'log_uniform(1e-5, 1e-3)'}, dfa: {lr: 'log_uniform(1e-5, 1e-3)'}} | the plan has 1200000 trials | at most 1000000
            plan overflows          | methods: {bp: {epochs: [1, 2, 3], lr: 'log_uniform(1e-5, 1e-3)', samples: 2000000000, sensitivity: {params: [lr], samples: 2000000000}}} | the plan has more than 2^63 trials | at most 1000000
            defaults method key     | defaults: {sensitivity: {params: [lr], samples: 5}}\\nmethods: {bp: {}}   | defaults: 'sensitivity' is not a hyperparameter | belongs under a method
            """)
    void badInputIsRejectedUpFront(String label, String spec, String needle, String allowed) {
        String yaml = "dataset: mnist\nseeds: [1]\n" + spec.replace("\\n", "\n") + "\n";
        ConfigException e = assertThrows(ConfigException.class,
                () -> SweepPlan.expand(SweepSpec.parse(yaml, "spec.yaml", "spec")), label);
        String m = e.getMessage();
        assertTrue(m.startsWith("spec.yaml: "), label + ": " + m);
        assertTrue(m.contains(needle), label + ": " + m);
        assertTrue(m.contains(allowed), label + ": " + m);
        assertTrue(m.contains("allowed"), label + ": " + m);
    }
}
