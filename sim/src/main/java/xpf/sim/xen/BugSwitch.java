package xpf.sim.xen;

/**
 * A seeded historic Xen bug (issue 8 §4): a switch a scenario's {@code bugs:} (or a test) turns on, checked with
 * {@link Xen#bug(BugSwitch)} exactly where the historic code went wrong. Off by default. Each path lists its switches
 * in an enum implementing this ({@code xpf.sim.xen.pv.PvBug}, {@code xpf.sim.xen.hvm.HvmBug}); the catalogue of both
 * is {@code xpf.sim.scenario.BugSwitches}, which the scenario loader checks {@code bugs:} entries against.
 */
public interface BugSwitch {
    /** The id written in a scenario's {@code bugs:} list, e.g. {@code xsa-148}. */
    String id();

    /** What the switch re-creates: the historic behaviour, in one sentence. */
    String description();

    /** Where the fact comes from: XSA / CVE, fix commit, reference section. */
    String source();

    /** The simulator method(s) where the switch acts. */
    String where();

    /** Which path it belongs to: {@code PV} or {@code HVM}. */
    String path();
}
