package xpf.model.scenario;

/** Which Xen the simulator behaves as: the seed mail's era or current Xen. */
public enum XenProfile {
    /** Xen 3.1 (tag 3.1.0-branched, May 2007): the behaviour the 2007 xen-devel mail describes. */
    XEN_3_1("xen-3.1"),
    /** Xen 4.22 (current; reference snapshot c447b7308b, 2026). */
    XEN_4_22("xen-4.22");

    private final String wireName;

    XenProfile(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static XenProfile fromWire(String s) {
        for (XenProfile p : values()) {
            if (p.wireName.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown Xen profile '" + s + "' (expected xen-3.1 or xen-4.22)");
    }
}
