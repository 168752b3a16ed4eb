package xpf.model.x86;

/** CPU vendor; the few walk differences are listed in x86-paging.md §1.1b/§1.1c ("AMD, via Xen/XTF/KVM"). */
public enum Vendor {
    INTEL("intel"),
    AMD("amd");

    private final String wireName;

    Vendor(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Vendor fromWire(String s) {
        for (Vendor v : values()) {
            if (v.wireName.equals(s)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown vendor '" + s + "' (expected intel or amd)");
    }
}
