package xpf.model.scenario;

/** How Xen virtualises an HVM guest's paging: shadow page tables, or hardware-assisted paging (NPT/EPT). */
public enum HvmPaging {
    SHADOW("shadow"),
    HAP("hap");

    private final String wireName;

    HvmPaging(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static HvmPaging fromWire(String s) {
        for (HvmPaging p : values()) {
            if (p.wireName.equals(s)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown HVM paging '" + s + "' (expected shadow or hap)");
    }
}
