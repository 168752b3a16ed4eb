package xpf.properties.gen;

import xpf.model.scenario.DomainKind;
import xpf.model.scenario.HvmPaging;

/** The domain families the suite generates, each a property of its own. */
public enum Family {
    /** The x86 model alone (no Xen). */
    BARE("bare"),
    /** HVM guests (SVM or VMX) under shadow paging, both profiles. */
    HVM_SHADOW("hvm-shadow"),
    /** HVM guests (SVM or VMX) under hardware-assisted paging (NPT/EPT), xen-4.22. */
    HVM_HAP("hvm-hap"),
    /** Paravirtualised guests, 64- and 32-bit, both profiles. */
    PV("pv");

    private final String id;

    Family(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    /** Whether this family includes {@code kind} domains with {@code paging}. */
    public boolean includes(DomainKind kind, HvmPaging paging) {
        return switch (this) {
            case BARE -> kind == DomainKind.BARE;
            case HVM_SHADOW -> kind.hvm() && paging != HvmPaging.HAP;
            case HVM_HAP -> kind.hvm() && paging == HvmPaging.HAP;
            case PV -> kind.pv();
        };
    }
}
