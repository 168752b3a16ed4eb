package xpf.sim.xen;

import java.util.Set;
import java.util.TreeSet;
import xpf.model.scenario.XenProfile;
import xpf.sim.domain.Machine;
import xpf.sim.xen.mm.FrameTable;

/**
 * The hypervisor's machine-wide state, shared by the PV and HVM paths: which Xen this is (profile), which seeded
 * historic bugs are switched on, and the frame table. Machine frames below {@link #XEN_FRAMES} belong to Xen itself.
 */
public final class Xen {
    /** Machine frames 0 .. XEN_FRAMES-1 are Xen's own memory (text, data, heap): no guest may ever map them. */
    public static final long XEN_FRAMES = 0x100;

    private final Machine machine;
    private final XenProfile profile;
    private final Set<String> bugs;
    private final FrameTable frames = new FrameTable();

    public Xen(Machine machine, XenProfile profile, Set<String> bugs) {
        this.machine = machine;
        this.profile = profile;
        this.bugs = new TreeSet<>(bugs);
        frames.assignRange(0, XEN_FRAMES, FrameTable.DOMID_XEN);
    }

    public Machine machine() {
        return machine;
    }

    public XenProfile profile() {
        return profile;
    }

    /** Whether the seeded historic bug {@code id} (e.g. {@code xsa-148}) is switched on for this run. */
    public boolean bug(String id) {
        return bugs.contains(id);
    }

    /** Whether the seeded historic bug {@code b} is switched on for this run. */
    public boolean bug(BugSwitch b) {
        return bug(b.id());
    }

    public Set<String> bugs() {
        return java.util.Collections.unmodifiableSet(bugs);
    }

    public FrameTable frameTable() {
        return frames;
    }

    // ---- Xen's own heap and its fatal state (added for the PV path; HVM may use them too) ----

    /** First Xen frame handed out by {@link #allocXenFrame()}; 0x00..0x0f stay untouched (text, boot data). */
    private static final long FIRST_HEAP_FRAME = 0x10;
    private long nextHeapFrame = FIRST_HEAP_FRAME;
    private String panicReason;

    /**
     * Allocates one of Xen's own frames (0x10 .. XEN_FRAMES-1), zeroed, for tables Xen builds for a domain (the
     * per-domain GDT/LDT area, a 32-bit PV vCPU's L4). Running out is a scenario too large for the model.
     */
    public long allocXenFrame() {
        if (nextHeapFrame >= XEN_FRAMES) {
            throw new IllegalStateException("Xen's heap (frames 0x10..0xff) is exhausted");
        }
        long f = nextHeapFrame++;
        machine.memory().clearFrame(f);
        return f;
    }

    /** Xen panicked ({@code panic()}, {@code fatal_trap()}): the whole machine is dead; the first reason sticks. */
    public void panic(String reason) {
        if (panicReason == null) {
            panicReason = reason;
        }
    }

    /** The reason Xen panicked, or null while it runs. */
    public String panicReason() {
        return panicReason;
    }
}
