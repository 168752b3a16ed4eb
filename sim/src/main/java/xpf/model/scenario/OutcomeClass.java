package xpf.model.scenario;

/** The outcome classes shared by bare, PV and HVM domains (docs/scenario-format.md "Outcomes"). */
public enum OutcomeClass {
    /** The operation completed with no fault at all (an access translated, a write landed). */
    OK("ok"),
    /** A fault happened and Xen fixed it silently; the guest retries the instruction and sees nothing. */
    FIXED("fixed"),
    /** A fault happened and Xen performed the instruction itself (ptwr, PT-write or MMIO emulation). */
    EMULATED("emulated"),
    /** The fault reached the guest's registered handler (PV trap bounce; bare or HVM guest IDT). */
    DELIVERED("delivered"),
    /** Xen injected an exception into an HVM guest (EVENTINJ / VM-entry interruption information). */
    INJECTED("injected"),
    /** The fault combined into a double fault. */
    DOUBLE_FAULT("double_fault"),
    /** A fault during #DF delivery (or a shutdown exit): the domain shuts down. */
    TRIPLE_FAULT("triple_fault"),
    /** Xen crashed the domain. */
    DOMAIN_CRASH("domain_crash"),
    /** Xen itself panicked: never acceptable as a consequence of guest actions. */
    PANIC("panic"),
    /** An architectural exception not involving Xen: #GP(0)/#SS(0) on a non-canonical address, or a bare #PF. */
    EXCEPTION("exception"),
    /** A hypercall returned (with its return code). */
    HYPERCALL("hypercall");

    private final String wireName;

    OutcomeClass(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static OutcomeClass fromWire(String s) {
        for (OutcomeClass c : values()) {
            if (c.wireName.equals(s)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown outcome '" + s + "' (expected ok, fixed, emulated, delivered, "
                + "injected, double_fault, triple_fault, domain_crash, panic, exception, hypercall)");
    }
}
