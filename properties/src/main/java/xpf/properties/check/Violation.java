package xpf.properties.check;

/**
 * A broken invariant of the property suite: the id of the check that failed ({@code isolation.shadow-rw-pt},
 * {@code delivery.handler}, ...) and what was seen. One subclass per invariant family, so that shrinking, which keeps
 * only candidates failing with the same class, stays with the family of the original failure.
 */
public abstract class Violation extends AssertionError {

    private final String check;
    private int step = -1;
    private transient xpf.model.scenario.Expectation expected;

    protected Violation(String check, String message) {
        super(check + ": " + message);
        this.check = check;
    }

    /** The index of the step after which the check failed (-1: not tied to a step). */
    public int step() {
        return step;
    }

    /** What the failing step should have given, when the check knows it (a reference answer), else null. */
    public xpf.model.scenario.Expectation expected() {
        return expected;
    }

    /** Records the failing step (the first call wins). */
    public Violation atStep(int index) {
        if (step < 0) {
            step = index;
        }
        return this;
    }

    /** Records what the step should have given. */
    public Violation expecting(xpf.model.scenario.Expectation e) {
        this.expected = e;
        return this;
    }

    /** The failing check's id: family, dot, name. */
    public String check() {
        return check;
    }

    /** The family: the part of the id before the first dot. */
    public String family() {
        int i = check.indexOf('.');
        return i < 0 ? check : check.substring(0, i);
    }

    /** Invariant 1: a fault Xen fixes or emulates is invisible to the guest and has its intended effect. */
    public static final class SilentFix extends Violation {
        public SilentFix(String check, String message) {
            super("silent-fix." + check, message);
        }
    }

    /** Invariant 2: a guest fault reaches the registered handler with the exact error code, CR2 and frame. */
    public static final class Delivery extends Violation {
        public Delivery(String check, String message) {
            super("delivery." + check, message);
        }
    }

    /** Invariant 3: HVM injection fields, CR2 before combination, #DF with error code 0, triple-fault shutdown. */
    public static final class Injection extends Violation {
        public Injection(String check, String message) {
            super("injection." + check, message);
        }
    }

    /** Invariant 4: no mapping of a foreign or Xen frame, no writable page table, balanced counts, no panic. */
    public static final class Isolation extends Violation {
        public Isolation(String check, String message) {
            super("isolation." + check, message);
        }
    }

    /** Invariant 5: with the fault knobs off, retries complete; no endless fault loop. */
    public static final class Liveness extends Violation {
        public Liveness(String check, String message) {
            super("liveness." + check, message);
        }
    }

    /** Invariant 6: the same scenario gives the same trace. */
    public static final class Determinism extends Violation {
        public Determinism(String check, String message) {
            super("determinism." + check, message);
        }
    }

    /** The reference model's prediction and the simulator disagree. */
    public static final class Oracle extends Violation {
        public Oracle(String check, String message) {
            super("oracle." + check, message);
        }
    }

    /** A dead domain keeps answering with its end; outcomes are well-formed. */
    public static final class Contract extends Violation {
        public Contract(String check, String message) {
            super("contract." + check, message);
        }
    }

    /** The simulator threw on valid input (a simulator bug). */
    public static final class SimulatorCrash extends Violation {
        public SimulatorCrash(String message, Throwable cause) {
            super("harness.simulator-exception", message);
            initCause(cause);
        }
    }

    /** A generated scenario was refused as bad input (a generator bug). */
    public static final class GeneratorBug extends Violation {
        public GeneratorBug(String message, Throwable cause) {
            super("harness.invalid-scenario", message);
            initCause(cause);
        }
    }
}
