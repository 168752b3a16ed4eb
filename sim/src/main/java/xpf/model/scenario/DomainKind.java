package xpf.model.scenario;

/**
 * What runs in a domain. {@code bare} is no Xen at all: the x86 model alone, for walk cases and for checking the
 * harness itself.
 */
public enum DomainKind {
    BARE("bare"),
    PV64("pv64"),
    PV32("pv32"),
    HVM_SVM("hvm-svm"),
    HVM_VMX("hvm-vmx");

    private final String wireName;

    DomainKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean pv() {
        return this == PV64 || this == PV32;
    }

    public boolean hvm() {
        return this == HVM_SVM || this == HVM_VMX;
    }

    public static DomainKind fromWire(String s) {
        for (DomainKind k : values()) {
            if (k.wireName.equals(s)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown domain kind '" + s
                + "' (expected bare, pv64, pv32, hvm-svm or hvm-vmx)");
    }
}
